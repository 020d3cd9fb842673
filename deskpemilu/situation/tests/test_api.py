"""The situation API as the personas use it: login, scope, who may write."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from deskpemilu.accounts.models import Agency
from deskpemilu.intake.models import TpsCheckin
from deskpemilu.regions.models import TPS
from deskpemilu.situation import services
from deskpemilu.situation.models import PolresPersonnel, StatusOverride

from .conftest import AT, KEMANISAN, place_incident

pytestmark = pytest.mark.django_db

URL = "/api/v1/situation"
SERANG_TPS = "3673041003001"
PANDEGLANG_TPS = "3601012001001"


def later(hours: int = 24) -> str:
    return (timezone.now() + dt.timedelta(hours=hours)).isoformat()


def override_body(**changes) -> dict:
    return {"level": "siaga", "reason": "Unjuk rasa", "expires_at": later(), **changes}


def send(client: Client, method: str, url: str, data: dict | None = None):
    return getattr(client, method)(url, data or {}, content_type="application/json")


@pytest.fixture
def computed():
    place_incident(KEMANISAN, severity="kritis", at=timezone.now())
    services.status_recompute()


# Login, scope, writes -----------------------------------------------------------------


def test_every_endpoint_needs_a_login():
    client = Client()
    for url in (
        f"{URL}/status",
        f"{URL}/status/36",
        f"{URL}/statement/36?date_from=2024-02-14&date_to=2024-02-14",
        f"{URL}/tps-classes/36.73.04.1003",
        f"{URL}/tps/{SERANG_TPS}",
        f"{URL}/deployment/36.73",
        f"{URL}/coverage/36.73",
        f"{URL}/tps-rawan/template.csv",
    ):
        response = client.get(url)
        assert response.status_code == 401, url
        assert response.json()["code"] == "unauthenticated"
    assert (
        send(client, "post", f"{URL}/status/36/override", override_body()).status_code
        == 401
    )


def test_another_kab_kota_looks_absent(kabkota_operator, client_for, computed):
    client = client_for(kabkota_operator)
    for url in (
        f"{URL}/status/36.01",
        f"{URL}/status/36",
        f"{URL}/status/36.01/history",
        f"{URL}/statement/36.01?date_from=2024-02-14&date_to=2024-02-14",
        f"{URL}/tps-classes/36.01",
        f"{URL}/tps/{PANDEGLANG_TPS}",
        f"{URL}/deployment/36.01",
        f"{URL}/coverage/36.01",
        f"{URL}/coverage/36.01/missing?stage=buka",
        f"{URL}/status?within=36.01",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert response.json()["code"] == "not_found"
    response = send(
        client, "put", f"{URL}/personnel/polres-pandeglang", {"police": 1, "linmas": 1}
    )
    assert response.status_code == 404


def test_the_map_shows_only_the_regions_in_scope(
    kabkota_operator, client_for, computed
):
    response = client_for(kabkota_operator).get(f"{URL}/status?level=kecamatan")
    assert response.status_code == 200
    rows = response.json()
    assert [r["code"] for r in rows] == [f"36.73.0{i}" for i in range(1, 7)]
    curug = rows[3]
    assert (curug["level"], curug["name"], curug["overridden"]) == (
        "siaga",
        "Curug",
        False,
    )
    assert curug["incidents"] == 1 and curug["significant"] == 1


def test_the_whole_map_for_the_province(province_coordinator, client_for, computed):
    rows = client_for(province_coordinator).get(f"{URL}/status").json()
    assert len(rows) == 1716
    assert rows[0]["code"] == "36" and rows[0]["level"] == "aman"


def test_a_read_only_leader_and_an_operator_may_not_set_a_status(
    leader, kabkota_operator, client_for, computed
):
    for user, code in ((leader, "36"), (kabkota_operator, "36.73")):
        response = send(
            client_for(user), "post", f"{URL}/status/{code}/override", override_body()
        )
        assert response.status_code == 403
        assert response.json()["code"] == "forbidden"
    assert not StatusOverride.objects.exists()


def test_a_coordinator_sets_and_lifts_a_status(
    province_coordinator, client_for, computed
):
    client = client_for(province_coordinator)
    response = send(client, "post", f"{URL}/status/36.73/override", override_body())
    assert response.status_code == 201, response.json()
    made = response.json()
    assert (made["level"], made["created_by"], made["ended_at"]) == (
        "siaga",
        "koordinator",
        None,
    )
    assert made["expires_at"].endswith("+07:00")
    detail = client.get(f"{URL}/status/36.73").json()
    assert (detail["level"], detail["computed_level"]) == ("siaga", "waspada")
    assert detail["override"]["reason"] == "Unjuk rasa"
    history = client.get(f"{URL}/status/36.73/history").json()
    assert history["items"][0]["source"] == "override"
    assert history["items"][0]["actor"] == "koordinator"
    ended = send(
        client, "post", f"{URL}/overrides/{made['id']}/end", {"reason": "Selesai"}
    )
    assert ended.status_code == 200 and ended.json()["end_kind"] == "lifted"
    assert client.get(f"{URL}/status/36.73").json()["level"] == "waspada"
    again = send(client, "post", f"{URL}/overrides/{made['id']}/end")
    assert again.status_code == 422 and again.json()["code"] == "override_ended"


def test_a_bad_override_is_explained(province_coordinator, client_for, computed):
    client = client_for(province_coordinator)
    response = send(
        client, "post", f"{URL}/status/36/override", override_body(expires_at=later(-1))
    )
    assert response.status_code == 422
    assert response.json() == {
        "code": "expiry_past",
        "message": "Waktu berakhir harus di masa depan.",
        "field": "expires_at",
    }


def test_a_status_before_the_first_recompute_is_not_found(
    province_coordinator, client_for
):
    assert client_for(province_coordinator).get(f"{URL}/status/36").status_code == 404


# Statement -----------------------------------------------------------------


def test_the_statement_for_the_record(leader, client_for):
    place_incident(KEMANISAN, severity="ringan")
    serious = place_incident(KEMANISAN, severity="berat", status="ditangani")
    client = client_for(leader)
    response = client.get(f"{URL}/statement/36?date_from=2024-02-11&date_to=2024-02-20")
    assert response.status_code == 200
    body = response.json()
    # Voting day without a single check-in: the desk cannot state the situation.
    assert body["text"] == (
        "Provinsi Banten, 11\u201320 Februari 2024: belum dapat dinyatakan: baru 0 "
        "dari 33.324 TPS (0,0 %) melapor."
    )
    assert body["can_state"] is False and body["safe"] is False
    assert body["coverage"]["tps_total"] == 33324
    assert [i["id"] for i in body["significant"]] == [serious.pk]
    parts = {p["key"]: p for p in body["parts"]}
    assert parts["signifikan"]["holds"] is True
    assert parts["signifikan"]["evidence"][0]["url"] == f"/kejadian/{serious.pk}/"
    assert body["start"] == "2024-02-11T00:00:00+07:00"
    assert body["end"] == "2024-02-21T00:00:00+07:00"
    quiet = client.get(f"{URL}/statement/36?date_from=2024-03-20&date_to=2024-03-20")
    # No status computed yet: "kondusif" is not said.
    assert quiet.json()["text"] == (
        "Provinsi Banten, 20 Maret 2024: aman dan damai; tidak ada kejadian signifikan."
    )
    backwards = client.get(
        f"{URL}/statement/36?date_from=2024-03-20&date_to=2024-03-01"
    )
    assert backwards.status_code == 422
    assert backwards.json() == {
        "code": "bad_period",
        "message": "Periode harus 1 sampai 400 hari, urut.",
        "field": "",
    }


# TPS vulnerability -----------------------------------------------------------------


def test_tps_classes_of_a_region_and_their_counts(kabkota_operator, client_for):
    place_incident(KEMANISAN, severity="berat", tps=SERANG_TPS, at=AT)
    client = client_for(kabkota_operator)
    page = client.get(f"{URL}/tps-classes/{KEMANISAN}?limit=2").json()
    assert page["count"] == 23
    assert page["items"][0] == {
        "code": SERANG_TPS,
        "name": "TPS 001",
        "is_special": False,
        "has_data": False,
        "tps_class": "rawan",
        "score": 4.0,
    }
    rawan = client.get(f"{URL}/tps-classes/{KEMANISAN}?tps_class=rawan").json()
    assert rawan["count"] == 1
    counts = client.get(f"{URL}/tps-classes/{KEMANISAN}/counts").json()
    # No indicator data: not assessed, never "kurang rawan"; the incident still
    # makes its TPS rawan.
    assert counts["counts"] == {
        "belum_dinilai": 22,
        "kurang_rawan": 0,
        "rawan": 1,
        "sangat_rawan": 0,
        "khusus": 0,
    }


def test_desk_staff_edit_a_tps_and_see_why_it_got_its_class(
    kabkota_operator, leader, client_for
):
    body = {"indicators": {"riwayat_kekerasan": True}, "note": "bentrok 2019"}
    refused = send(client_for(leader), "put", f"{URL}/tps/{SERANG_TPS}", body)
    assert refused.status_code == 403
    response = send(
        client_for(kabkota_operator), "put", f"{URL}/tps/{SERANG_TPS}", body
    )
    assert response.status_code == 200
    risk = response.json()
    assert (risk["tps_class"], risk["score"], risk["note"]) == (
        "rawan",
        4,
        "bentrok 2019",
    )
    assert risk["indicators"]["riwayat_kekerasan"] is True
    assert risk["reasons"][0] == "Keamanan: Riwayat kekerasan di TPS (+4)"
    bad = send(
        client_for(kabkota_operator),
        "put",
        f"{URL}/tps/{SERANG_TPS}",
        {"indicators": {"banjir": True}},
    )
    assert bad.status_code == 422 and bad.json()["code"] == "unknown_indicator"


def test_the_templates_download(leader, client_for):
    client = client_for(leader)
    response = client.get(f"{URL}/tps-rawan/template.csv")
    assert response["Content-Type"] == "text/csv"
    assert response.content.startswith(b"kode_tps,dpt_tms,dptb,")
    xlsx = client.get(f"{URL}/tps-rawan/template.xlsx")
    assert xlsx.status_code == 200 and xlsx.content.startswith(b"PK")


def upload(client: Client, text: str):
    file = SimpleUploadedFile("bawaslu.csv", text.encode(), content_type="text/csv")
    return client.post(f"{URL}/tps-rawan/import", {"file": file})


def test_a_file_is_imported_or_refused_with_every_problem(
    kabkota_operator, leader, client_for
):
    client = client_for(kabkota_operator)
    response = upload(client, f"kode_tps,dptb\r\n{SERANG_TPS},1\r\n")
    assert response.status_code == 200
    assert response.json()["created"] == 1
    refused = upload(client, f"kode_tps,dptb\r\n{PANDEGLANG_TPS},1\r\n")
    assert refused.status_code == 422
    assert refused.json()["problems"] == [
        f"bawaslu.csv baris 2: TPS tidak dikenal atau di luar cakupan Anda "
        f"(nilai: '{PANDEGLANG_TPS}')"
    ]
    assert upload(client_for(leader), "kode_tps,dptb\r\n").status_code == 403


# Deployment -----------------------------------------------------------------


def test_the_deployment_plan_of_a_kab_kota(kabkota_operator, client_for):
    client = client_for(kabkota_operator)
    response = send(
        client,
        "put",
        f"{URL}/personnel/polresta-serang-kota",
        {"police": 100, "linmas": 50},
    )
    assert response.status_code == 200 and response.json()["police"] == 100
    plan = client.get(f"{URL}/deployment/36.73").json()
    assert len(plan["rows"]) == 6
    total = plan["total"]
    assert total["police_available"] == 100
    assert total["police_shortfall"] == total["police_min"] - 100
    assert sum(r["police_shortfall"] for r in plan["rows"]) == total["police_shortfall"]
    assert plan["pattern"]["kurang_rawan"] == "2:4-8:8-16"
    wrong = client.get(f"{URL}/deployment/36.73.04")
    assert wrong.status_code == 422 and wrong.json() == {
        "code": "bad_level",
        "message": "Rencana pengamanan disusun per kab/kota atau provinsi.",
        "field": "code",
    }


def test_a_leader_may_read_the_plan_but_not_report_personnel(leader, client_for):
    client = client_for(leader)
    assert client.get(f"{URL}/deployment/36").status_code == 200
    response = send(
        client, "put", f"{URL}/personnel/polres-pandeglang", {"police": 1, "linmas": 1}
    )
    assert response.status_code == 403
    assert not PolresPersonnel.objects.exists()


def test_the_police_liaison_reports_for_its_own_polres(police_liaison, client_for):
    response = send(
        client_for(police_liaison),
        "put",
        f"{URL}/personnel/polres-pandeglang",
        {"police": 1200, "linmas": 9000, "note": "termasuk BKO"},
    )
    assert response.status_code == 200
    assert (
        PolresPersonnel.objects.get(
            agency=Agency.objects.get(code="polres-pandeglang")
        ).note
        == "termasuk BKO"
    )


# Coverage -----------------------------------------------------------------


def test_coverage_and_the_watchlist(leader, client_for):
    at = dt.datetime(2024, 2, 14, 7, 45, tzinfo=AT.tzinfo)
    TpsCheckin.objects.create(
        tps=TPS.objects.get(code=SERANG_TPS), stage="buka", reported_at=at
    )
    client = client_for(leader)
    query = f"at={at.isoformat().replace('+', '%2B')}"
    summary = client.get(f"{URL}/coverage/{KEMANISAN}?{query}").json()
    buka = summary["stages"][0]
    assert (buka["stage"], buka["checked_in"], buka["silent"]) == ("buka", 1, 22)
    assert summary["vote_date"] == "2024-02-14"
    missing = client.get(
        f"{URL}/coverage/{KEMANISAN}/missing?stage=buka&limit=5&{query}"
    )
    body = missing.json()
    assert body["count"] == 22 and len(body["items"]) == 5
    assert body["items"][0]["code"] == "3673041003002" and body["items"][0]["silent"]
    bad = client.get(f"{URL}/coverage/{KEMANISAN}/missing?stage=pulang")
    assert bad.status_code == 422 and bad.json() == {
        "code": "bad_stage",
        "message": "Tahap harus buka, tutup, hitung atau kirim.",
        "field": "stage",
    }
