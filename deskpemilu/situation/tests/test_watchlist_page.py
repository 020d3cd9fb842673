"""The election-day watchlist page: TPS not heard from, with whom to call."""

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from deskpemilu.core.timeutil import WIB
from deskpemilu.intake.auth import api_client_create
from deskpemilu.intake.models import ReporterRole, TpsCheckin
from deskpemilu.intake.services import reporter_upsert
from deskpemilu.regions.models import TPS, Region
from deskpemilu.situation.models import TpsVulnerability

pytestmark = pytest.mark.django_db
URL = "/situasi/pantau/36.73.01/"
DAY = dt.date(2024, 2, 14)  # the election's voting day (desk/bootstrap.py)


def test_the_watchlist_needs_a_login():
    assert Client().get(URL).status_code == 302


def test_another_kabkota_is_not_found(client_for, kabkota_operator):
    assert (
        client_for(kabkota_operator).get("/situasi/pantau/36.01.01/").status_code == 404
    )


def test_silent_tps_are_listed_with_a_masked_phone_to_call(
    client_for, kabkota_operator
):
    tps = TPS.objects.filter(code__startswith="367301").order_by("code").first()
    reporter_upsert(
        phone="6281299990001", name="Pak Amir", role=ReporterRole.FIELD_OFFICER, tps=tps
    )
    response = client_for(kabkota_operator).get(URL + "?tahap=buka")
    html = response.content.decode()
    assert response.status_code == 200
    assert tps.code in html and "Pak Amir" in html
    assert "6281299990001" not in html  # personal data masked for an operator


def test_an_unknown_stage_is_not_found(client_for, kabkota_operator):
    assert client_for(kabkota_operator).get(URL + "?tahap=makan").status_code == 404


# The chosen now, the voting day, the order and the counts -------------------------

DESA_URL = "/situasi/pantau/36.73.04.1003/"  # Kemanisan, 23 TPS


def kemanisan(number: int) -> TPS:
    return TPS.objects.get(code=f"3673041003{number:03d}")


def wib(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)


def rated(number: int, *flags: str) -> None:
    """Bawaslu's indicators for one TPS (no flags: assessed, nothing found)."""
    TpsVulnerability.objects.create(tps=kemanisan(number), **dict.fromkeys(flags, True))


def codes(response) -> list[str]:
    return [row.code for row in response.context["rows"]]


def test_a_chosen_now_counts_check_ins_up_to_that_moment(client_for, kabkota_operator):
    """The header's "as of" bounds the check-ins and decides whether the deadline
    has passed; reset goes back to now."""
    TpsCheckin.objects.create(tps=kemanisan(1), stage="buka", reported_at=wib(7, 10))
    client = client_for(kabkota_operator)
    now = client.get(DESA_URL + "?tahap=buka")
    assert kemanisan(1).code not in codes(now)
    assert now.context["page"].paginator.count == 22

    client.post("/waktu/", {"as_of": "2024-02-14T07:00"})
    before = client.get(DESA_URL + "?tahap=buka")
    assert kemanisan(1).code in codes(before)  # its check-in came at 07.10
    assert before.context["page"].paginator.count == 23
    assert not any(row.silent for row in before.context["rows"])  # 07.30 not yet
    assert "14 Feb 2024 07.00" in before.content.decode()

    client.post("/waktu/", {"as_of": "2024-02-14T08:00"})
    late = client.get(DESA_URL + "?tahap=buka")
    assert kemanisan(1).code not in codes(late)
    assert all(row.silent for row in late.context["rows"])

    client.post("/waktu/", {"reset": "1"})
    assert client.get(DESA_URL + "?tahap=buka").context["page"].paginator.count == 22


def test_a_buka_accepted_today_leaves_the_list_when_today_is_the_voting_day(
    client_for, kabkota_operator
):
    """Coverage is counted for the election's voting day, or the day chosen on the
    page (a rehearsal): a BUKA through the intake API today takes its TPS off."""
    _, token = api_client_create(name="Gateway latihan")
    gateway = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    body = {"id": "r-1", "sender": "081299990002", "text": f"BUKA {kemanisan(4).code}"}
    sent = gateway.post(
        "/api/v1/intake/messages", json.dumps(body), content_type="application/json"
    )
    assert sent.status_code == 201 and sent.json()["kind"] == "checkin"

    client = client_for(kabkota_operator)
    election_day = client.get(DESA_URL + "?tahap=buka")
    assert election_day.context["watch"].vote_date == DAY  # the election's
    assert kemanisan(4).code in codes(election_day)
    today = timezone.localtime(timezone.now(), WIB).date()
    # The page offers the desk's day (the real now here) as the voting day ...
    assert f"hari={today.isoformat()}" in election_day.content.decode()
    rehearsal = client.get(DESA_URL + f"?tahap=buka&hari={today.isoformat()}")
    assert rehearsal.context["watch"].vote_date == today
    assert kemanisan(4).code not in codes(rehearsal)
    assert rehearsal.context["page"].paginator.count == 22


def test_the_most_urgent_come_first(client_for, kabkota_operator):
    """Sangat rawan, rawan, not assessed, kurang rawan; within a class the TPS
    silent longest (no check-in at all before one that opened)."""
    rated(9, "riwayat_kekerasan", "riwayat_intimidasi")  # sangat rawan
    rated(7, "riwayat_kekerasan")  # rawan
    rated(5, "riwayat_kekerasan")  # rawan, but it opened
    rated(2)  # assessed, nothing found: kurang rawan
    TpsCheckin.objects.create(tps=kemanisan(5), stage="buka", reported_at=wib(7, 5))
    TpsCheckin.objects.create(tps=kemanisan(1), stage="buka", reported_at=wib(7, 5))
    client = client_for(kabkota_operator)
    client.post("/waktu/", {"as_of": "2024-02-14T14:00"})
    response = client.get(DESA_URL + "?tahap=tutup")
    order = codes(response)
    assert order[:3] == [kemanisan(n).code for n in (9, 7, 5)]
    not_assessed = [kemanisan(n).code for n in (3, 4, 6, 8, *range(10, 24), 1)]
    assert order[3:-1] == not_assessed  # no 1, which opened, after the silent ones
    assert order[-1] == kemanisan(2).code
    rows = response.context["rows"]
    assert [r.tps_class for r in rows[:4]] == [
        "sangat_rawan",
        "rawan",
        "rawan",
        "belum_dinilai",
    ]
    # How long: silent since the first stage's deadline it missed.
    assert rows[1].overdue_since == wib(7, 30)  # never opened
    assert rows[2].overdue_since == wib(13, 30)  # opened, did not close
    html = response.content.decode()
    assert html.index('data-class="sangat_rawan"') < html.index('data-class="rawan"')


def test_the_count_per_kecamatan_links_to_its_list(client_for, kabkota_operator):
    rated(9, "riwayat_kekerasan")
    TpsCheckin.objects.create(tps=kemanisan(1), stage="buka", reported_at=wib(7, 5))
    client = client_for(kabkota_operator)
    response = client.get("/situasi/pantau/36.73/?tahap=buka")
    counts = {k.code: k for k in response.context["watch"].kecamatan}
    total = TPS.objects.filter(code__startswith="3673").count()
    assert sum(k.missing for k in counts.values()) == total - 1
    curug = counts["36.73.04"]
    assert curug.name == "Curug"
    assert curug.missing == TPS.objects.filter(code__startswith="367304").count() - 1
    assert curug.rawan == 1
    # The most rawan first, each count a link to that kecamatan's own list.
    assert response.context["watch"].kecamatan[0].code == "36.73.04"
    html = response.content.decode()
    assert f'href="/situasi/pantau/36.73.04/?tahap=buka">{curug.missing}</a>' in html
    listed = client.get("/situasi/pantau/36.73.04/?tahap=buka")
    assert listed.context["page"].paginator.count == curug.missing


def test_whom_to_call_includes_reporters_covering_the_tps_at_any_level(
    client_for, province_coordinator
):
    """The reporter posted at the TPS, then those of its desa, kecamatan, kab/kota
    and province."""
    tps = kemanisan(3)
    reporter_upsert(
        phone="6281200000001",
        name="Bu Kecamatan",
        role=ReporterRole.FIELD_OFFICER,
        region=Region.objects.get(code="36.73.04"),
    )
    reporter_upsert(
        phone="6281200000002",
        name="Pak Kota",
        role=ReporterRole.FIELD_OFFICER,
        region=Region.objects.get(code="36.73"),
    )
    reporter_upsert(
        phone="6281200000003", name="Pak TPS", role=ReporterRole.FIELD_OFFICER, tps=tps
    )
    response = client_for(province_coordinator).get(DESA_URL + "?tahap=buka")
    row = next(r for r in response.context["rows"] if r.code == tps.code)
    assert [(c.name, c.why) for c in row.contacts] == [
        ("Pak TPS", "tps"),
        ("Bu Kecamatan", "kecamatan"),
        ("Pak Kota", "kabkota"),
    ]
    assert "Pak Kota" in response.content.decode()
