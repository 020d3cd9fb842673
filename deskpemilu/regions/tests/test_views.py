"""The first page and the region pages, as the desk's staff see them."""

import datetime as dt

import pytest

pytestmark = pytest.mark.django_db


def test_the_first_page_shows_the_stage_and_the_province_with_its_counts(
    client_for, province_coordinator
):
    html = client_for(province_coordinator).get("/?tanggal=2024-02-14").content.decode()
    assert "Pemungutan suara" in html
    assert "33.324" in html and "8.842.646" in html and "1.552" in html
    for kab in [
        "KAB. PANDEGLANG",
        "KAB. LEBAK",
        "KAB. TANGERANG",
        "KAB. SERANG",
        "KOTA TANGERANG",
        "KOTA CILEGON",
        "KOTA SERANG",
        "KOTA TANGERANG SELATAN",
    ]:
        assert f">{kab}</a>" in html


def test_today_the_2024_election_is_reported_as_finished(
    client_for, province_coordinator
):
    response = client_for(province_coordinator).get("/")
    assert response.context["stage"].finished


def test_the_stage_card_follows_the_desks_chosen_moment(
    client_for, province_coordinator
):
    client = client_for(province_coordinator)
    client.post("/waktu/", {"as_of": "2024-02-14T10:00"})
    stage = client.get("/").context["stage"]
    assert not stage.finished and stage.day.isoformat() == "2024-02-14"
    assert "Pemungutan" in stage.current.name
    client.post("/waktu/", {"reset": "1"})
    assert client.get("/").context["stage"].finished


def test_a_bad_date_in_the_stage_query_falls_back_to_today(
    client_for, province_coordinator
):
    response = client_for(province_coordinator).get("/?tanggal=kemarin")
    assert response.status_code == 200 and response.context["asked_day"] is None


def test_the_stage_day_is_typed_day_month_year_and_shown_so(
    client_for, province_coordinator
):
    response = client_for(province_coordinator).get("/?tanggal=14/02/2024")
    html = response.content.decode()
    assert response.context["asked_day"] == dt.date(2024, 2, 14)
    assert "Pemungutan suara" in html
    assert 'name="tanggal" value="14/02/2024"' in html
    assert 'placeholder="hh/bb/tttt"' in html


def test_a_desa_page_lists_its_tps_with_known_voters(client_for, province_coordinator):
    html = client_for(province_coordinator).get("/wilayah/3601012001/").content.decode()
    assert "3601012001001" in html and "3601012001012" in html
    assert ">289<" in html  # DPT of TPS 001 from the Sirekap sample


def test_a_kecamatan_page_says_how_many_tps_voter_counts_are_known(
    client_for, province_coordinator
):
    html = client_for(province_coordinator).get("/wilayah/36.01.01/").content.decode()
    assert "16.130" in html and "59" in html and "69" in html


def test_the_api_gives_a_region_with_its_counts(client_for, province_coordinator):
    data = client_for(province_coordinator).get("/api/v1/regions/3673").json()
    assert data["code"] == "36.73" and data["level"] == "kabkota"
    assert (
        data["tps_count"] == 1877
        and data["voters"] == 508278
        and data["parent_code"] == "36"
    )


def test_the_api_lists_the_tps_of_a_region_page_by_page(
    client_for, province_coordinator
):
    data = (
        client_for(province_coordinator)
        .get("/api/v1/regions/36.73/tps?limit=10")
        .json()
    )
    assert data["count"] == 1877 and len(data["items"]) == 10


def test_the_map_layer_carries_names_and_counts(client_for, province_coordinator):
    data = client_for(province_coordinator).get("/api/v1/regions/36/boundaries").json()
    assert len(data["features"]) == 8
    props = {f["properties"]["kode"]: f["properties"] for f in data["features"]}
    assert props["36.73"]["tps"] == 1877 and props["36.73"]["nama"] == "KOTA SERANG"


def test_the_api_documentation_is_served_without_internet(
    client_for, province_coordinator
):
    html = client_for(province_coordinator).get("/api/v1/docs").content.decode()
    assert "swagger" in html.lower()
    assert "cdn." not in html and "unpkg" not in html


def test_the_desk_speaks_indonesian_first_and_english_on_request(
    client_for, province_coordinator
):
    client = client_for(province_coordinator)
    indonesian = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US").content.decode()
    assert "Keluar" in indonesian and "Kecamatan" in indonesian
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    english = client.get("/").content.decode()
    assert "Log out" in english and "Districts" in english
