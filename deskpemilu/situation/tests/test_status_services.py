"""Recomputing region statuses from incidents, overrides and the statement, on the
real Banten tree."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from deskpemilu.incidents.models import Incident
from deskpemilu.regions.models import TPS, Region
from deskpemilu.situation import selectors, services
from deskpemilu.situation import status_rules as sr
from deskpemilu.situation.models import RegionStatus, StatusChange, StatusOverride
from deskpemilu.situation.services import SituationError

from .conftest import AT, CURUG, KEMANISAN, KOTA_SERANG, place_incident

pytestmark = pytest.mark.django_db


def level(code: str) -> str:
    return RegionStatus.objects.get(region__code=code).level


def status(code: str) -> RegionStatus:
    return RegionStatus.objects.get(region__code=code)


def test_every_region_gets_a_status_and_without_incidents_all_are_aman():
    report = services.status_recompute(at=AT)
    assert report.regions == RegionStatus.objects.count() == 1716
    assert set(RegionStatus.objects.values_list("level", flat=True)) == {"aman"}
    assert StatusChange.objects.count() == 1716  # the first level of each region
    assert str(report).startswith("Status 1716 wilayah dihitung")


def test_the_score_summed_in_sql_is_the_score_of_the_rules():
    cases = [
        ("kritis", "baru", 1),
        ("berat", "selesai", 30),
        ("sedang", "ditangani", 100),
        ("ringan", "terverifikasi", 167),
    ]
    for severity, state, hours in cases:
        place_incident(KEMANISAN, severity=severity, status=state, hours_ago=hours)
    # None of these count: rejected, before the window, after the moment.
    place_incident(KEMANISAN, severity="kritis", status="ditolak")
    place_incident(KEMANISAN, severity="kritis", hours_ago=169)
    place_incident(KEMANISAN, severity="kritis", hours_ago=-1)
    services.status_recompute(at=AT)
    expected = sum(sr.incident_weight(s, st, h) for s, st, h in cases)
    desa = status(KEMANISAN)
    assert desa.own_score == pytest.approx(expected)
    assert (desa.incident_count, desa.open_count, desa.significant_count) == (4, 3, 2)
    assert status(KOTA_SERANG).score == pytest.approx(expected)
    assert status("36").incident_count == 4


def test_one_kritis_incident_in_a_desa_does_not_paint_the_province():
    place_incident(KEMANISAN, severity="kritis")
    services.status_recompute(at=AT)
    assert [level(c) for c in (KEMANISAN, CURUG, KOTA_SERANG, "36")] == [
        "rawan",
        "siaga",
        "waspada",
        "aman",
    ]
    assert status(CURUG).rule == "worst_child"
    assert status(CURUG).reason.startswith("Siaga: satu tingkat di bawah")


def test_an_incident_at_a_tps_counts_for_its_desa():
    place_incident(KEMANISAN, severity="berat", tps="3673041003005")
    services.status_recompute(at=AT)
    assert level(KEMANISAN) == "siaga"


def test_history_is_written_only_when_a_level_changes():
    services.status_recompute(at=AT)
    first = StatusChange.objects.count()
    assert services.status_recompute(at=AT).changed == 0
    place_incident(KEMANISAN, severity="kritis")
    report = services.status_recompute(at=AT)
    assert report.changed == 3  # desa, kecamatan, kab/kota; not the province
    assert StatusChange.objects.count() == first + 3
    change = StatusChange.objects.filter(region__code=KEMANISAN).first()
    assert (change.from_level, change.to_level, change.source) == (
        "aman",
        "rawan",
        "computed",
    )
    assert change.reason == (
        "Rawan: 1 kejadian kritis terbuka \u2013 uji kritis baru di Kemanisan "
        "(skor 23,9)."
    )
    kecamatan = RegionStatus.objects.get(region__code=CURUG)
    assert kecamatan.reason == (
        "Siaga: satu tingkat di bawah Kemanisan yang berstatus rawan."
    )
    assert kecamatan.score > 0  # the score is still kept


def test_the_words_name_the_heaviest_incident_and_its_tps():
    tps = TPS.objects.filter(desa__code=KEMANISAN).order_by("number")[6]
    place_incident(KEMANISAN, severity="sedang", hours_ago=2)
    place_incident(KEMANISAN, severity="kritis", tps=tps.code, hours_ago=3)
    place_incident(KEMANISAN, severity="berat", status="selesai", hours_ago=1)
    services.status_recompute(at=AT)
    reason = RegionStatus.objects.get(region__code=KEMANISAN).reason
    assert reason.startswith(
        "Rawan: 1 kejadian kritis dan 1 sedang terbuka dan 1 kejadian berat "
        f"sudah selesai \u2013 uji kritis baru di TPS {tps.number:03d} Kemanisan"
    )


def test_the_heaviest_is_weighed_with_its_age_and_the_newest_wins_among_equals():
    def named(*placed: tuple[str, str, str, float]) -> str:
        Incident.objects.all().delete()
        for title, severity, state, hours in placed:
            incident = place_incident(
                KEMANISAN, severity=severity, status=state, hours_ago=hours
            )
            Incident.objects.filter(pk=incident.pk).update(title=title)
        services.status_recompute(at=AT)
        return RegionStatus.objects.get(region__code=KEMANISAN).reason

    cases = [
        # The younger of two kritis weighs more (another age step), in either order.
        ("muda", [("tua", "kritis", "baru", 40), ("muda", "kritis", "baru", 2)]),
        ("muda", [("muda", "kritis", "baru", 2), ("tua", "kritis", "baru", 40)]),
        # Age against severity: a kritis a week old weighs less than a fresh
        # sedang, one 30 hours old more.
        ("segar", [("lama", "kritis", "baru", 160), ("segar", "sedang", "baru", 1)]),
        ("lama", [("lama", "kritis", "baru", 30), ("segar", "sedang", "baru", 1)]),
        # The same weight (open, same step) in another state: the later recorded.
        (
            "kedua",
            [("pertama", "kritis", "ditangani", 2), ("kedua", "kritis", "baru", 3)],
        ),
        (
            "kedua",
            [("pertama", "kritis", "baru", 2), ("kedua", "kritis", "ditangani", 3)],
        ),
    ]
    for heaviest, placed in cases:
        assert f"\u2013 {heaviest} di" in named(*placed), placed


def test_status_calms_down_as_incidents_age():
    place_incident(KEMANISAN, severity="kritis", hours_ago=1)
    services.status_recompute(at=AT)
    assert level(KEMANISAN) == "rawan"
    services.status_recompute(at=AT + dt.timedelta(hours=48))
    assert level(KEMANISAN) == "siaga"
    services.status_recompute(at=AT + dt.timedelta(days=8))
    assert level(KEMANISAN) == "aman"


# Overrides -----------------------------------------------------------------


def override(user, code=KOTA_SERANG, level="siaga", hours=24, reason="Unjuk rasa"):
    return services.status_override_create(
        actor=user,
        region=Region.objects.get(code=code),
        level=level,
        reason=reason,
        expires_at=timezone.now() + dt.timedelta(hours=hours),
    )


def test_a_coordinator_sets_a_status_and_it_is_kept_in_the_history(
    province_coordinator,
):
    services.status_recompute(at=AT)
    made = override(province_coordinator)
    serang = status(KOTA_SERANG)
    assert (serang.level, serang.computed_level, serang.override) == (
        "siaga",
        "aman",
        made,
    )
    assert serang.reason == "Ditetapkan koordinator: Unjuk rasa"
    assert level("36") == "waspada"  # one step below its worst kab/kota
    change = StatusChange.objects.filter(region__code=KOTA_SERANG).first()
    assert (change.source, change.to_level, change.actor) == (
        "override",
        "siaga",
        province_coordinator,
    )
    assert "Unjuk rasa" in change.reason


def test_an_override_at_the_same_level_is_still_recorded(province_coordinator):
    services.status_recompute(at=AT)
    before = StatusChange.objects.count()
    override(province_coordinator, level="aman")
    assert StatusChange.objects.count() == before + 1


def test_only_a_coordinator_may_set_a_status(kabkota_operator, leader, police_liaison):
    for user in (kabkota_operator, leader, police_liaison):
        with pytest.raises(PermissionDenied):
            override(user)
    assert not StatusOverride.objects.exists()


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"level": "genting"}, "bad_level"),
        ({"reason": "  "}, "reason_required"),
        ({"hours": -1}, "expiry_past"),
        ({"hours": 24 * 31}, "expiry_too_far"),
    ],
)
def test_an_override_needs_a_level_a_reason_and_a_near_expiry(
    province_coordinator, changes, code
):
    with pytest.raises(SituationError) as caught:
        override(province_coordinator, **changes)
    assert caught.value.code == code


def test_an_override_before_any_recompute_computes_first(province_coordinator):
    override(province_coordinator)
    assert RegionStatus.objects.count() == 1716
    assert level(KOTA_SERANG) == "siaga"


def test_an_expired_override_ends_at_the_next_recompute(province_coordinator):
    services.status_recompute(at=AT)
    made = override(province_coordinator, hours=1)
    services.status_recompute(at=timezone.now() + dt.timedelta(hours=2))
    made.refresh_from_db()
    assert made.end_kind == "expired" and made.ended_at == made.expires_at
    assert level(KOTA_SERANG) == "aman"
    assert status(KOTA_SERANG).override is None
    change = StatusChange.objects.filter(region__code=KOTA_SERANG).first()
    assert (change.source, change.from_level, change.to_level) == (
        "override_end",
        "siaga",
        "aman",
    )


def test_a_coordinator_lifts_an_override_early(province_coordinator):
    services.status_recompute(at=AT)
    made = override(province_coordinator)
    services.status_override_end(
        actor=province_coordinator, override=made, reason="Sudah kondusif"
    )
    assert level(KOTA_SERANG) == "aman"
    made.refresh_from_db()
    assert (made.end_kind, made.ended_by) == ("lifted", province_coordinator)
    latest = StatusChange.objects.filter(region__code=KOTA_SERANG).first()
    assert latest.reason == "Penetapan status siaga dicabut: Sudah kondusif"
    with pytest.raises(SituationError):
        services.status_override_end(actor=province_coordinator, override=made)


def test_a_new_override_replaces_the_one_in_force(province_coordinator):
    first = override(province_coordinator, level="siaga")
    second = override(province_coordinator, level="rawan")
    first.refresh_from_db()
    assert first.end_kind == "replaced"
    assert status(KOTA_SERANG).override == second
    assert level(KOTA_SERANG) == "rawan"


# Statement for the record -----------------------------------------------------------


def statement_for(user, code, day=dt.date(2024, 2, 14), days=1):
    start = dt.datetime.combine(day, dt.time.min, tzinfo=AT.tzinfo)
    region = Region.objects.get(code=code)
    return selectors.region_statement(
        user, region, start, start + dt.timedelta(days=days)
    )


def test_the_statement_counts_minor_handled_and_rejected_incidents(
    province_coordinator,
):
    place_incident(KEMANISAN, severity="ringan")
    place_incident(CURUG, severity="sedang", status="selesai")
    place_incident(KEMANISAN, severity="kritis", status="ditolak")  # a hoax
    place_incident("36.01", severity="kritis")  # elsewhere
    result = statement_for(province_coordinator, KOTA_SERANG)
    assert result.significant == [] and result.significant_count == 0
    assert (result.total, result.rejected) == (2, 1)
    assert result.by_severity == {"ringan": 1, "sedang": 1, "berat": 0, "kritis": 0}
    assert result.by_status == {"baru": 1, "selesai": 1, "ditolak": 1}


def test_the_statement_names_the_worst_level_on_record(province_coordinator):
    services.status_recompute(at=AT - dt.timedelta(days=1))
    place_incident(KEMANISAN, severity="kritis")
    services.status_recompute(at=AT)
    assert statement_for(province_coordinator, KEMANISAN).worst_level == "rawan"
    assert statement_for(province_coordinator, "36").worst_level == "aman"
    later = statement_for(province_coordinator, "36", day=dt.date(2024, 3, 1))
    assert later.worst_level == "aman"  # the level in force when it started


# The public level -----------------------------------------------------------------


def test_the_public_level_counts_verified_incidents_only(province_coordinator):
    place_incident(KEMANISAN, severity="kritis")  # new: not yet information
    place_incident("36.01.01.2001", severity="kritis", status="terverifikasi")
    services.status_recompute(at=AT)
    kemanisan, desa = status(KEMANISAN), status("36.01.01.2001")
    assert (kemanisan.level, kemanisan.public_level) == ("rawan", "aman")
    assert (desa.level, desa.public_level) == ("rawan", "rawan")
    assert desa.public_own_score == pytest.approx(desa.own_score)
    # An override rolls up again from the stored scores: both levels stay.
    services.status_override_create(
        actor=province_coordinator,
        region=Region.objects.get(code=KOTA_SERANG),
        level="siaga",
        reason="Massa berkumpul",
        expires_at=timezone.now() + dt.timedelta(days=1),
    )
    assert status(KEMANISAN).public_level == "aman"
    assert status("36.01.01.2001").public_level == "rawan"
    assert status(KOTA_SERANG).public_level == "siaga"


def test_a_category_set_as_significant_counts_in_the_status(settings):
    settings.DESKPEMILU_STATEMENT_SIGNIFICANT_CATEGORIES = ("kekerasan",)
    clash = place_incident(KEMANISAN, severity="ringan")
    clash.category = "kekerasan"
    clash.save(update_fields=["category"])
    place_incident(KEMANISAN, severity="ringan")
    services.status_recompute(at=AT)
    assert status(KEMANISAN).significant_count == 1
