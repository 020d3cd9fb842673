"""The situation's pages as of a moment chosen in the header (core/deskmode.py): a
region's status computed after that moment is shown as its history says it was
then, on the region page, the dashboard's region table and map layer; and the
public page's statement is for the chosen day."""

import datetime as dt

import pytest
from django.utils import timezone

from deskpemilu.core.timeutil import WIB
from deskpemilu.situation import services

from .conftest import CURUG, KEMANISAN, place_incident

pytestmark = pytest.mark.django_db


def hhmm(moment: dt.datetime) -> str:
    return timezone.localtime(moment, WIB).strftime("%Y-%m-%dT%H:%M")


@pytest.fixture
def curug_rose():
    """Kota Serang computed calm two hours ago; then a kritis incident in Kemanisan
    and a recompute an hour ago raised Curug. Returns a moment in between."""
    now = timezone.now()
    services.status_recompute(at=now - dt.timedelta(hours=2))
    place_incident(KEMANISAN, severity="kritis", at=now - dt.timedelta(hours=1))
    services.status_recompute(at=now - dt.timedelta(hours=1))
    return now - dt.timedelta(minutes=90)


def test_the_region_page_shows_the_status_of_the_chosen_moment(
    client_for, kabkota_operator, curug_rose
):
    client = client_for(kabkota_operator)
    url = f"/situasi/wilayah/{CURUG}/"
    now = client.get(url)
    assert now.context["then"] is None
    level_now = now.context["status"].level
    assert level_now != "aman"

    client.post("/waktu/", {"as_of": hhmm(curug_rose)})
    page = client.get(url)
    then = page.context["then"]
    assert then.level == "aman"
    html = page.content.decode()
    assert 'id="status-as-of"' in html and "lvl-aman" in html.split('id="level"')[0]
    # Before anything was computed: no status on record then.
    client.post("/waktu/", {"as_of": hhmm(curug_rose - dt.timedelta(hours=2))})
    assert client.get(url).context["then"].level == ""

    client.post("/waktu/", {"reset": "1"})
    assert client.get(url).context["then"] is None


def test_the_dashboards_table_and_map_follow_the_chosen_moment(
    client_for, kabkota_operator, curug_rose
):
    client = client_for(kabkota_operator)

    def curug_row(response) -> dict:
        rows = response.context["summary"]["children"]
        return next(row for row in rows if row["code"] == CURUG)

    assert curug_row(client.get("/"))["status"] != "aman"
    client.post("/waktu/", {"as_of": hhmm(curug_rose)})
    home = client.get("/")
    assert curug_row(home)["status"] == "aman"
    assert home.context["summary"]["status"]["level"] == "aman"  # Kota Serang
    assert 'id="dash-as-of"' in home.content.decode()
    # The map's layer and the script's refreshes ask for the same moment.
    status_url = home.context["boot"]["urls"]["status"]
    assert "at=" in status_url and "at=" in home.context["boot"]["urls"]["summary"]
    rows = client.get(status_url + "&level=kecamatan&within=36.73").json()
    curug = next(row for row in rows if row["code"] == CURUG)
    assert curug["level"] == "aman" and curug["incidents"] is None
    plain = client.get("/api/v1/situation/status?level=kecamatan&within=36.73").json()
    assert next(r for r in plain if r["code"] == CURUG)["level"] != "aman"


NOON = dt.datetime(2024, 2, 14, 12, 0, tzinfo=WIB)


@pytest.fixture
def morning_and_afternoon():
    """Two verified incidents in Kemanisan on voting day: 09.00 and 15.00."""
    place_incident(
        KEMANISAN, severity="berat", status="terverifikasi", at=NOON, hours_ago=3
    )
    place_incident(
        KEMANISAN, severity="berat", status="terverifikasi", at=NOON, hours_ago=-3
    )


def test_the_public_statement_is_for_the_chosen_day_up_to_the_moment(
    client_for, province_coordinator, morning_and_afternoon
):
    client = client_for(province_coordinator)
    assert client.get("/publik/").context["statement"].total == 0  # 2026: nothing
    client.post("/waktu/", {"as_of": "2024-02-14T12:00"})
    page = client.get("/publik/")
    assert page.context["situation"].period.date_to == dt.date(2024, 2, 14)
    assert page.context["statement"].total == 1  # the afternoon's is after noon
    assert page.context["statement"].end == NOON
    client.post("/waktu/", {"reset": "1"})
    assert client.get("/publik/").context["statement"].total == 0


def test_the_region_statement_ends_at_the_chosen_moment(
    client_for, province_coordinator, morning_and_afternoon
):
    client = client_for(province_coordinator)
    url = f"/situasi/wilayah/{KEMANISAN}/?dari=2024-02-14"
    assert client.get(url).context["statement"].total == 2
    client.post("/waktu/", {"as_of": "2024-02-14T12:00"})
    page = client.get(url)
    assert page.context["statement"].total == 1
    assert 'id="statement-until"' in page.content.decode()


def test_the_deployment_plan_counts_the_incidents_up_to_the_chosen_moment(
    client_for, province_coordinator
):
    """A berat incident at a TPS not assessed makes it rawan (vulnerability.py); as
    of a moment before it happened, it is not."""
    place_incident(KEMANISAN, severity="berat", tps="3673041003005", at=NOON)
    client = client_for(province_coordinator)
    url = "/situasi/pengerahan/36.73/"

    def rawan(response) -> int:
        return response.context["plan"].total.counts["rawan"]

    assert rawan(client.get(url)) == 1
    client.post("/waktu/", {"as_of": "2024-02-14T08:00"})
    page = client.get(url)
    assert rawan(page) == 0 and 'id="plan-as-of"' in page.content.decode()
    client.post("/waktu/", {"reset": "1"})
    assert rawan(client.get(url)) == 1
