"""The dashboard's numbers: the day counts the worker keeps (tally) and the selectors
that read them must give what counting the incidents directly gives, however the
incidents came, changed or moved."""

import datetime as dt

import pytest
from django.utils import timezone

from deskpemilu.accounts.models import Agency
from deskpemilu.core.timeutil import wib_date
from deskpemilu.elections.models import Stage
from deskpemilu.incidents import services as incident_services
from deskpemilu.incidents.models import Assignment, Incident
from deskpemilu.intake.models import TpsCheckin
from deskpemilu.regions.models import TPS, Region
from deskpemilu.situation import selectors, services
from deskpemilu.situation.models import DashboardState, DayCategoryCount, DayCount
from deskpemilu.situation.selectors.dashboard import Period
from deskpemilu.situation.services.tally import CATEGORY_GRAINS, COUNT_GRAINS

from .conftest import AT, CURUG, KEMANISAN, KOTA_SERANG, place_incident

pytestmark = pytest.mark.django_db

DAY = AT.date()
WEEK = Period(DAY - dt.timedelta(days=6), DAY)
PANDEGLANG_DESA = "36.01.01.2001"


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def summary(user, code: str, period: Period = WEEK) -> dict:
    return selectors.dashboard_summary(user, region(code), period)


def counted_directly(user, code: str, period: Period = WEEK) -> dict:
    """The same summary with the day counts out of the way."""
    DashboardState.objects.filter(pk=1).update(rebuilt_at=None)
    try:
        return summary(user, code, period)
    finally:
        DashboardState.objects.filter(pk=1).update(rebuilt_at=timezone.now())


NUMBERS = ("total", "open", "significant", "by_severity", "by_status", "timeline")


def numbers(result: dict) -> dict:
    children = {c["code"]: c["by_severity"] for c in result["children"]}
    return {key: result[key] for key in NUMBERS} | {"children": children}


@pytest.fixture
def mixed():
    """Incidents over three days, three kab/kota and every status."""
    place_incident(KEMANISAN, severity="kritis", hours_ago=1)
    place_incident(KEMANISAN, severity="sedang", status="selesai", hours_ago=30)
    place_incident(KEMANISAN, severity="ringan", status="ditolak", hours_ago=2)
    place_incident(CURUG, severity="berat", status="ditangani", hours_ago=50)
    place_incident(KOTA_SERANG, severity="ringan", status="terverifikasi")
    place_incident(PANDEGLANG_DESA, severity="berat", tps="3601012001001")
    place_incident("36", severity="sedang")
    place_incident(KEMANISAN, severity="kritis", hours_ago=24 * 20)  # before


def test_the_day_counts_give_what_counting_the_incidents_gives(
    province_coordinator, mixed
):
    report = services.tally_refresh()
    assert report.days is None  # the first run counts every day
    assert DayCount.objects.exists()
    for code in ("36", KOTA_SERANG, CURUG, KEMANISAN):
        assert numbers(summary(province_coordinator, code)) == numbers(
            counted_directly(province_coordinator, code)
        )
    result = summary(province_coordinator, "36")
    assert result["total"] == 6  # the rejected one and the old one left out
    assert result["by_status"]["ditolak"] == 1
    assert result["significant"] == 3
    kota_serang = next(c for c in result["children"] if c["code"] == KOTA_SERANG)
    assert (kota_serang["incidents"], kota_serang["significant"]) == (4, 2)


def kept(model, field: str) -> dict:
    return {
        (row.grain, row.day, row.area, row.stage_id, getattr(row, field), row.status): (
            row.n
        )
        for row in model.objects.all()
    }


def counted(grains: tuple[int, ...], field: str) -> dict:
    """What the day counts must hold, counted here one incident at a time."""
    result: dict = {}
    for incident in Incident.objects.all():
        for grain in grains:
            key = (
                grain,
                wib_date(incident.occurred_at),
                incident.area_code[:grain],
                incident.stage_id,
                getattr(incident, field),
                incident.status,
            )
            result[key] = result.get(key, 0) + 1
    return result


def test_every_grain_holds_what_counting_each_incident_gives(province_coordinator):
    """The counts the summaries read, at each grain, against a count of each
    incident (placed at a TPS, a desa, a kecamatan, a kab/kota and the province),
    after the first run and after a later one recounted the days touched."""
    voting = Stage.objects.get(name="Pemungutan suara")
    for code in (KEMANISAN, CURUG, KOTA_SERANG, "36", PANDEGLANG_DESA):
        place_incident(code, severity="berat", hours_ago=3)
    place_incident(KEMANISAN, severity="ringan", tps="3673041003001", hours_ago=30)
    moved = place_incident(CURUG, severity="kritis", status="ditangani", hours_ago=50)
    Incident.objects.filter(pk=moved.pk).update(stage=voting)
    services.tally_refresh()
    assert COUNT_GRAINS == (10, 6, 4) and CATEGORY_GRAINS == (6, 4, 2)
    assert kept(DayCount, "severity") == counted(COUNT_GRAINS, "severity")
    assert kept(DayCategoryCount, "category") == counted(CATEGORY_GRAINS, "category")
    incident_services.incident_transition(
        actor=province_coordinator,
        incident_id=moved.pk,
        version=moved.version,
        target="selesai",
    )
    place_incident(PANDEGLANG_DESA, severity="sedang", hours_ago=1)
    assert services.tally_refresh().days == 2
    assert kept(DayCount, "severity") == counted(COUNT_GRAINS, "severity")
    assert kept(DayCategoryCount, "category") == counted(CATEGORY_GRAINS, "category")


def test_a_new_report_counts_at_once_and_once_only(province_coordinator, mixed):
    services.tally_refresh()
    before = summary(province_coordinator, "36")["total"]
    incident_services.incident_create(
        actor=None,
        category="kekerasan",
        severity="berat",
        title="bentrok",
        occurred_at=AT - dt.timedelta(hours=3),
        region=region(KEMANISAN),
    )
    assert summary(province_coordinator, "36")["total"] == before + 1
    assert services.tally_refresh().days == 1
    assert summary(province_coordinator, "36")["total"] == before + 1


def test_a_status_change_and_a_moved_day_are_recounted(province_coordinator):
    incident = incident_services.incident_create(
        actor=None,
        category="kekerasan",
        severity="berat",
        title="bentrok",
        occurred_at=AT - dt.timedelta(hours=1),
        region=region(KEMANISAN),
    )
    services.tally_refresh()
    incident_services.incident_transition(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=incident.version,
        target="ditolak",
        reason="hoaks",
    )
    incident_services.incident_update(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=incident.version + 1,
        changes={"occurred_at": AT - dt.timedelta(days=3)},
    )
    report = services.tally_refresh()
    assert report.days == 2  # the day it left and the day it moved to
    result = summary(province_coordinator, "36")
    assert (result["total"], result["by_status"]["ditolak"]) == (0, 1)
    assert numbers(result) == numbers(counted_directly(province_coordinator, "36"))


def test_a_period_and_a_stage_filter(province_coordinator, mixed):
    services.tally_refresh()
    today = Period(DAY, DAY)
    assert summary(province_coordinator, "36", today)["total"] == 4
    voting = Stage.objects.get(name="Pemungutan suara")
    tagged = place_incident(KEMANISAN, severity="ringan")
    tagged.stage = voting
    tagged.save()
    services.tally_refresh(full=True)
    staged = selectors.dashboard_period(stage_id=voting.pk)
    assert (staged.date_from, staged.date_to) == (DAY, DAY)
    assert summary(province_coordinator, "36", staged)["total"] == 1


def test_the_timeline_counts_per_day_and_category(province_coordinator, mixed):
    services.tally_refresh()
    timeline = summary(province_coordinator, "36")["timeline"]
    assert timeline["unit"] == "day" and len(timeline["buckets"]) == 7
    assert timeline["buckets"][-1] == "2024-02-14"
    assert sum(sum(values) for values in timeline["series"].values()) == 6
    long = Period(DAY - dt.timedelta(days=90), DAY)
    assert summary(province_coordinator, "36", long)["timeline"]["unit"] == "week"


def test_a_kecamatan_from_the_counts_and_a_desa(province_coordinator, mixed):
    services.tally_refresh()
    result = summary(province_coordinator, CURUG)
    assert result["total"] == 3
    assert [c["code"] for c in result["children"] if c["incidents"]] == [KEMANISAN]
    assert summary(province_coordinator, KEMANISAN)["children"] == []


def test_overdue_follow_ups_and_voting_day_coverage(province_coordinator):
    incident = place_incident(KEMANISAN, severity="berat")
    Assignment.objects.create(
        incident=incident,
        agency=Agency.objects.get(code="polresta-serang-kota"),
        deadline=timezone.now() - dt.timedelta(hours=1),
    )
    tps = TPS.objects.get(code="3673041003001")
    TpsCheckin.objects.create(tps=tps, stage="hitung", reported_at=AT)
    assert summary(province_coordinator, "36")["overdue"] is None  # not run yet
    services.figures_refresh()
    result = summary(province_coordinator, KOTA_SERANG)
    assert result["overdue"] == 1
    coverage = {row["stage"]: row for row in result["coverage"]["stages"]}
    assert result["coverage"]["vote_date"] == "2024-02-14"
    assert coverage["buka"]["checked_in"] == 1  # hitung counts for buka too
    assert coverage["kirim"]["checked_in"] == 0
    assert coverage["kirim"]["silent"] == 1877  # long past its deadline
    assert summary(province_coordinator, "36.01")["overdue"] == 0


def test_the_map_gets_the_latest_incidents_with_a_place(province_coordinator, mixed):
    data = selectors.dashboard_points(province_coordinator, region("36"), WEEK)
    # Six in the week; the one placed at the province as a whole has no point.
    assert len(data["points"]) == 5 and not data["truncated"]
    first = data["points"][0]
    assert first[3] == 3 and first[6] == 0  # kritis, at the desa's centre
    capped = selectors.dashboard_points(
        province_coordinator, region("36"), WEEK, limit=2
    )
    assert len(capped["points"]) == 2 and capped["truncated"]


def test_new_reports_are_listed_for_the_region_only(kabkota_operator):
    marks = selectors.dashboard_changes(kabkota_operator, region(KOTA_SERANG))
    assert marks["new"] == [] and not marks["changed"]
    place_incident(KEMANISAN, severity="kritis")
    elsewhere = place_incident(PANDEGLANG_DESA, severity="kritis")
    after = selectors.dashboard_changes(
        kabkota_operator,
        region(KOTA_SERANG),
        event_after=marks["event"],
        incident_after=marks["incident"],
    )
    assert [row["region"] for row in after["new"]] == ["Kemanisan"]
    assert after["incident"] == elsewhere.pk  # the next poll starts from there


def test_new_reports_of_a_quiet_region_behind_a_busy_one(
    kabkota_operator, province_coordinator
):
    """The first render's "Laporan baru" looks through the newest incidents in
    windows (200, then 2,000), then asks the table itself: a quiet region's reports
    are found behind any number of newer ones elsewhere, and a busy region lists its
    own newest, newest first."""
    quiet = place_incident(KEMANISAN, severity="kritis")
    elsewhere = Region.objects.get(code=PANDEGLANG_DESA)
    Incident.objects.bulk_create(
        Incident(
            title=f"ramai {i}",
            category="lainnya",
            severity="ringan",
            status="ditangani" if i % 3 else "baru",
            region=elsewhere,
            area_code=elsewhere.code_nodot,
            occurred_at=AT,
        )
        for i in range(2100)
    )
    serang = selectors.dashboard_new(kabkota_operator, region(KOTA_SERANG))
    assert [row["id"] for row in serang] == [quiet.pk]
    banten = selectors.dashboard_new(province_coordinator, region("36"))
    newest_baru = list(
        Incident.objects.filter(status="baru").order_by("-id").values_list("id")[:20]
    )
    assert [row["id"] for row in banten] == [pk for (pk,) in newest_baru]


def test_the_period_asked_for(settings):
    default = selectors.dashboard_period(today=DAY)
    assert (default.date_from, default.date_to) == (DAY - dt.timedelta(days=6), DAY)
    swapped = selectors.dashboard_period(date_from=DAY, date_to=DAY.replace(day=1))
    assert swapped.date_from < swapped.date_to
    long = selectors.dashboard_period(date_from=dt.date(2020, 1, 1), date_to=DAY)
    assert long.days == 400


def test_the_public_counts_only_what_the_desk_verified(mixed):
    services.tally_refresh()
    situation = selectors.public_situation(today=DAY)
    assert situation.total == 3  # terverifikasi, ditangani, selesai
    assert len(situation.kabkota) == 8
