"""The statement for the record from the database: incidents handled and open, the
TPS that reported, the status of the regions and the coordinators' overrides."""

import datetime as dt
import json

import pytest
from django.utils import timezone

from deskpemilu.core.timeutil import WIB, wib_date
from deskpemilu.incidents.models import Incident
from deskpemilu.intake.models import TpsCheckin
from deskpemilu.regions.models import TPS, Region
from deskpemilu.situation import selectors, services

from .conftest import AT, KEMANISAN, KOTA_SERANG, place_incident

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 2, 14)


def period(day: dt.date = DAY) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=WIB)
    return start, start + dt.timedelta(days=1)


def statement_of(user, code: str = "36", day: dt.date = DAY):
    return selectors.region_statement(user, Region.objects.get(code=code), *period(day))


def report_from(share: int) -> int:
    """Every `share`-th TPS of the province checks in at 07:10 on voting day."""
    ids = list(TPS.objects.order_by("code").values_list("id", flat=True)[::share])
    at = dt.datetime.combine(DAY, dt.time(7, 10), tzinfo=WIB)
    TpsCheckin.objects.bulk_create(
        TpsCheckin(tps_id=pk, stage="buka", reported_at=at) for pk in ids
    )
    return len(ids)


def incident(code: str, category: str, severity: str, status: str) -> Incident:
    made = place_incident(code, severity=severity, status=status)
    made.category = category
    made.save(update_fields=["category"])
    return made


@pytest.fixture
def enough(settings):
    """A fifth of the TPS report; the desk asks for a tenth."""
    settings.DESKPEMILU_STATEMENT_MIN_COVERAGE = 10
    report_from(5)


def test_the_seed_sentence_on_a_day_when_it_holds(province_coordinator, enough):
    incident(KEMANISAN, "unjuk_rasa", "ringan", "baru")  # keeps "damai" unsaid
    services.status_recompute(at=AT)
    result = statement_of(province_coordinator)
    assert result.text == (
        "Provinsi Banten, 14 Februari 2024: aman dan kondusif; "
        "tidak ada kejadian signifikan."
    )
    assert result.safe and result.can_state
    assert result.coverage.tps_reported == 6665
    assert result.coverage.regions_reported == result.coverage.regions_total == 8
    damai = result.part("damai")
    assert not damai.holds and "1 kejadian" in damai.why


def test_the_same_day_refused_with_its_reasons_when_a_clash_is_open(
    province_coordinator, enough
):
    clash = incident(KEMANISAN, "kekerasan", "kritis", "terverifikasi")
    handled = incident(KEMANISAN, "politik_uang", "berat", "ditangani")
    incident(KEMANISAN, "kekerasan", "kritis", "ditolak")  # a hoax
    services.status_recompute(at=AT)
    result = statement_of(province_coordinator)
    assert result.text == (
        "Provinsi Banten, 14 Februari 2024: kondusif; 1 kejadian signifikan belum "
        "tertangani, 1 lainnya telah ditangani."
    )
    assert not result.safe
    assert result.significant == [clash, handled]
    assert result.significant_count == 2
    significant = result.part("signifikan")
    assert [e.url for e in significant.evidence] == [
        f"/kejadian/{clash.pk}/",
        f"/kejadian/{handled.pk}/",
    ]
    assert "(belum tertangani)" in significant.evidence[0].detail
    assert "(tertangani)" in significant.evidence[1].detail
    assert [e.url for e in result.part("aman").evidence] == [f"/kejadian/{clash.pk}/"]
    # Kota Serang is only waspada: the province stays kondusif.
    assert result.part("kondusif").holds


def test_a_handled_clash_is_named_as_handled(province_coordinator, enough):
    incident(KEMANISAN, "kekerasan", "berat", "selesai")
    services.status_recompute(at=AT)
    result = statement_of(province_coordinator)
    assert result.safe
    assert result.text.endswith(
        "aman, damai dan kondusif; tidak ada kejadian signifikan yang belum "
        "tertangani (1 telah ditangani)."
    )


def test_a_day_when_few_tps_reported_cannot_be_stated(province_coordinator):
    assert report_from(28) == 1191  # 33,324 TPS / 28
    services.status_recompute(at=AT)
    result = statement_of(province_coordinator)
    assert result.text == (
        "Provinsi Banten, 14 Februari 2024: belum dapat dinyatakan: baru 1.191 dari "
        "33.324 TPS (3,6 %) melapor."
    )
    assert not result.can_state and not result.safe
    assert not result.part("cakupan").holds


def test_coverage_is_counted_within_the_users_scope(kabkota_operator, enough):
    result = statement_of(kabkota_operator, KOTA_SERANG)
    assert result.coverage.tps_total == 1877
    assert result.coverage.regions_total == 6  # its kecamatan
    assert result.text.startswith("Kota Serang, 14 Februari 2024: ")


def test_a_day_away_from_voting_needs_no_coverage(province_coordinator):
    services.status_recompute(at=AT + dt.timedelta(days=30))
    result = statement_of(province_coordinator, day=dt.date(2024, 3, 15))
    assert result.can_state and not result.coverage.required
    assert result.text == (
        "Provinsi Banten, 15 Maret 2024: aman, damai dan kondusif; "
        "tidak ada kejadian signifikan."
    )


def test_a_siaga_override_refuses_kondusif_and_lists_its_reason(
    province_coordinator,
):
    services.status_recompute()
    services.status_override_create(
        actor=province_coordinator,
        region=Region.objects.get(code=KOTA_SERANG),
        level="siaga",
        reason="Massa berkumpul di kantor KPU",
        expires_at=timezone.now() + dt.timedelta(days=3),
    )
    result = statement_of(province_coordinator, day=wib_date(timezone.now()))
    kondusif = result.part("kondusif")
    assert not kondusif.holds and not result.safe
    assert "KOTA SERANG (siaga)" in kondusif.why
    override = [e for e in kondusif.evidence if e.kind == "override"]
    assert len(override) == 1
    assert "Massa berkumpul di kantor KPU" in override[0].detail
    assert override[0].url == f"/situasi/wilayah/{KOTA_SERANG}/"
    assert "aman dan damai; tidak ada kejadian signifikan." in result.text


def test_a_region_never_computed_is_not_said_kondusif(province_coordinator):
    result = statement_of(province_coordinator, day=dt.date(2024, 3, 15))
    assert not result.part("kondusif").holds
    assert result.text.endswith(": aman dan damai; tidak ada kejadian signifikan.")


def test_the_statement_freezes_to_json(province_coordinator, enough):
    clash = incident(KEMANISAN, "kekerasan", "kritis", "baru")
    result = statement_of(province_coordinator)
    frozen = json.loads(json.dumps(result.to_dict()))
    assert frozen["text"] == result.text
    assert frozen["region"] == {"code": "36", "name": "BANTEN"}
    assert frozen["start"] == "2024-02-14T00:00:00+07:00"
    assert frozen["significant"][0]["url"] == f"/kejadian/{clash.pk}/"
    assert [p["key"] for p in frozen["parts"]] == [
        "cakupan",
        "signifikan",
        "aman",
        "damai",
        "kondusif",
    ]
    assert frozen["coverage"]["tps_reported"] == 6665


def test_the_public_statement_counts_only_verified_incidents(
    province_coordinator, enough
):
    incident(KEMANISAN, "kekerasan", "kritis", "baru")  # one unverified SMS
    services.status_recompute(at=AT)
    region = Region.objects.get(code="36")
    public = selectors.public_statement(region, *period())
    assert public.safe and public.significant == []
    assert "tidak ada kejadian signifikan." in public.text
    assert not statement_of(province_coordinator).safe
