"""Election-day coverage: who has checked in, who is silent, and whom to call."""

import datetime as dt

import pytest

from deskpemilu.core.timeutil import WIB
from deskpemilu.intake.models import Reporter, TpsCheckin
from deskpemilu.regions.models import TPS, Region
from deskpemilu.situation import selectors

from .conftest import CURUG, KEMANISAN

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 2, 14)


def wib(hour: int, minute: int = 0, day: dt.date = DAY) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=WIB)


def tps(number: int) -> TPS:
    return TPS.objects.get(code=f"3673041003{number:03d}")


def checkin(number: int, stage: str, at: dt.datetime, reporter=None) -> None:
    TpsCheckin.objects.create(
        tps=tps(number), stage=stage, reported_at=at, reporter=reporter
    )


def region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def checkins():
    checkin(1, "buka", wib(7, 5))
    checkin(2, "hitung", wib(17, 40))  # never said "buka", but it clearly opened
    checkin(3, "buka", wib(7, 0, DAY - dt.timedelta(days=1)))  # the day before


def by_stage(coverage) -> dict:
    return {s.stage: s for s in coverage.stages}


def test_a_tps_counts_as_checked_in_for_a_stage_and_the_ones_before_it(
    province_coordinator, checkins
):
    result = selectors.coverage_summary(
        province_coordinator, region(CURUG), at=wib(8), vote_date=DAY
    )
    stages = by_stage(result)
    assert (stages["buka"].total, stages["buka"].checked_in) == (161, 2)
    assert stages["tutup"].checked_in == stages["hitung"].checked_in == 1
    assert stages["kirim"].checked_in == 0
    assert stages["buka"].past_deadline and stages["buka"].silent == 159
    assert not stages["tutup"].past_deadline and stages["tutup"].silent == 0
    assert len(result.rows) == 10  # the desa of Curug
    kemanisan = next(r for r in result.rows if r.code == "3673041003")
    assert kemanisan.name == "Kemanisan"
    assert by_stage(kemanisan)["buka"].checked_in == 2


def test_a_desa_is_shown_tps_by_tps(province_coordinator, checkins):
    result = selectors.coverage_summary(
        province_coordinator, region(KEMANISAN), at=wib(8), vote_date=DAY
    )
    assert len(result.rows) == 23
    first = result.rows[0]
    assert (first.code, by_stage(first)["buka"].checked_in) == ("3673041003001", 1)


def test_the_voting_day_is_the_elections_by_default(province_coordinator):
    result = selectors.coverage_summary(
        province_coordinator, region(KEMANISAN), at=wib(6)
    )
    assert result.vote_date == DAY
    assert by_stage(result)["buka"].deadline == wib(7, 30)
    assert by_stage(result)["buka"].silent == 0  # not yet 07:30


def test_the_watchlist_lists_the_silent_tps_with_whom_to_call(
    province_coordinator, checkins
):
    posted = Reporter.objects.create(
        phone="081200000004", name="Ani", role="field_officer", tps=tps(4)
    )
    village = Reporter.objects.create(
        phone="081200000099",
        name="Pak Lurah",
        role="village_head",
        region=region(KEMANISAN),
    )
    checkin(4, "buka", wib(7, 10, DAY - dt.timedelta(days=1)), reporter=posted)
    missing = selectors.coverage_missing(
        province_coordinator, region(KEMANISAN), "buka", vote_date=DAY
    )
    assert missing.count() == 21
    page = list(missing[:2])
    assert [t.code for t in page] == ["3673041003003", "3673041003004"]
    rows = selectors.missing_rows(
        province_coordinator, page, "buka", at=wib(8), vote_date=DAY
    )
    assert (
        rows[0].silent and rows[0].desa == "Kemanisan" and rows[0].kecamatan == "Curug"
    )
    assert rows[0].kabkota == "KOTA SERANG"
    assert [(c.name, c.phone, c.why) for c in rows[0].contacts] == [
        ("Pak Lurah", "6281*******99", "desa")
    ]
    assert [(c.name, c.why) for c in rows[1].contacts] == [
        ("Ani", "tps"),
        ("Pak Lurah", "desa"),
    ]
    assert village.is_active


def test_the_last_sender_of_a_tps_is_a_contact_and_administrators_see_numbers(
    superuser,
):
    sender = Reporter.objects.create(
        phone="081300000001", name="Budi", role="kpps", region=region(CURUG)
    )
    checkin(5, "buka", wib(7, 20), reporter=sender)
    missing = selectors.coverage_missing(
        superuser, region(KEMANISAN), "tutup", vote_date=DAY
    )
    row = next(
        r
        for r in selectors.missing_rows(
            superuser, list(missing), "tutup", at=wib(14), vote_date=DAY
        )
        if r.code == "3673041003005"
    )
    assert row.reached == "buka"
    assert [(c.name, c.phone, c.why) for c in row.contacts] == [
        ("Budi", "6281300000001", "checkin")
    ]


def test_before_the_deadline_a_missing_tps_is_not_silent(province_coordinator):
    missing = list(
        selectors.coverage_missing(
            province_coordinator, region(KEMANISAN), "kirim", vote_date=DAY
        )[:1]
    )
    row = selectors.missing_rows(
        province_coordinator, missing, "kirim", at=wib(20), vote_date=DAY
    )[0]
    assert not row.silent
