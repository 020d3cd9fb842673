"""The deployment plan of a kab/kota and of the province, and Polres personnel."""

import pytest
from django.core.exceptions import PermissionDenied

from deskpemilu.accounts.models import Agency
from deskpemilu.regions.codes import nodot
from deskpemilu.regions.models import TPS, Region
from deskpemilu.situation import deployment, selectors, services
from deskpemilu.situation.services import SituationError

from .conftest import CURUG, KEMANISAN, KOTA_SERANG, place_incident

pytestmark = pytest.mark.django_db


def plan_for(user, code):
    return selectors.deployment_plan(user, Region.objects.get(code=code))


def kurang_rawan_only(code: str) -> dict[str, int]:
    """Class counts when no TPS has data or incidents: special ones are khusus, the
    others not assessed (planned as kurang rawan)."""
    tps = TPS.objects.filter(code__startswith=nodot(code))
    special = tps.filter(is_special=True).count()
    return {
        "belum_dinilai": tps.count() - special,
        "kurang_rawan": 0,
        "rawan": 0,
        "sangat_rawan": 0,
        "khusus": special,
    }


def test_a_kab_kota_plan_has_one_row_per_kecamatan_with_the_pattern_need(
    province_coordinator,
):
    plan = plan_for(province_coordinator, KOTA_SERANG)
    assert [row.code for row in plan.rows] == [f"36.73.0{i}" for i in range(1, 7)]
    curug = next(row for row in plan.rows if row.code == CURUG)
    assert curug.counts == kurang_rawan_only(CURUG)
    assert curug.need == deployment.need_for(curug.counts)
    # 161 TPS not assessed in Curug, planned as kurang rawan:
    # 2 x ceil(161/8) = 42 .. 2 x ceil(161/4) = 82
    assert (curug.need.police_min, curug.need.police_max) == (42, 82)
    assert curug.need.linmas == 322
    assert plan.total.need.police_min == sum(r.need.police_min for r in plan.rows)
    assert sum(plan.total.counts.values()) == 1877
    assert plan.pattern["rawan"] == "2:2:4"


def test_riskier_tps_need_more_police(province_coordinator):
    before = next(
        r for r in plan_for(province_coordinator, KOTA_SERANG).rows if r.code == CURUG
    )
    place_incident(KEMANISAN, severity="kritis", tps="3673041003001")
    after = next(
        r for r in plan_for(province_coordinator, KOTA_SERANG).rows if r.code == CURUG
    )
    assert after.counts == {**before.counts, "belum_dinilai": 160, "sangat_rawan": 1}
    # The sangat rawan TPS gets its own pair (2-1-2) while the other 160 fit in 20
    # groups of 8 instead of 21: still 42 police at least. A second one tips it.
    assert after.need == deployment.Need(42, 82, 322)
    place_incident(KEMANISAN, severity="kritis", tps="3673041003002")
    again = next(
        r for r in plan_for(province_coordinator, KOTA_SERANG).rows if r.code == CURUG
    )
    assert again.need == deployment.Need(2 * 20 + 4, 2 * 40 + 4, 322)


def test_without_a_personnel_report_the_shortfall_is_unknown(province_coordinator):
    plan = plan_for(province_coordinator, KOTA_SERANG)
    assert plan.total.agency == "Polresta Serang Kota"
    assert plan.total.police_shortfall is None
    assert all(row.police_shortfall is None for row in plan.rows)


def test_the_polres_personnel_is_shared_over_the_kecamatan_by_need(
    province_coordinator, kabkota_operator
):
    plan = plan_for(province_coordinator, KOTA_SERANG)
    need = plan.total.need
    police = need.police_min - 30
    services.polres_personnel_set(
        actor=kabkota_operator,
        agency=Agency.objects.get(code="polresta-serang-kota"),
        police=police,
        linmas=need.linmas + 50,
    )
    plan = plan_for(province_coordinator, KOTA_SERANG)
    assert plan.total.police_available == police
    assert plan.total.police_shortfall == 30
    assert sum(row.police_available for row in plan.rows) == police
    assert sum(row.police_shortfall for row in plan.rows) == 30
    assert plan.total.linmas_shortfall == 0
    assert all(row.linmas_shortfall == 0 for row in plan.rows)


def test_the_province_plan_has_one_row_per_kab_kota_with_its_polres(
    province_coordinator, police_liaison
):
    services.polres_personnel_set(
        actor=police_liaison,
        agency=Agency.objects.get(code="polres-pandeglang"),
        police=1000,
        linmas=20000,
    )
    plan = plan_for(province_coordinator, "36")
    assert len(plan.rows) == 8
    pandeglang = plan.rows[0]
    assert (pandeglang.code, pandeglang.agency) == ("36.01", "Polres Pandeglang")
    assert pandeglang.police_available == 1000
    assert pandeglang.police_shortfall == max(pandeglang.need.police_min - 1000, 0)
    assert plan.rows[1].police_available is None
    assert plan.total.police_available == 1000
    assert sum(plan.total.counts.values()) == 33324


def test_a_plan_is_for_a_kab_kota_or_the_province(province_coordinator):
    with pytest.raises(ValueError):
        plan_for(province_coordinator, CURUG)


def test_personnel_is_reported_by_its_polres_or_the_desk_of_its_kab_kota(
    police_liaison, kabkota_operator, leader
):
    serang_kota = Agency.objects.get(code="polresta-serang-kota")
    for user in (police_liaison, leader):
        with pytest.raises(PermissionDenied):
            services.polres_personnel_set(
                actor=user, agency=serang_kota, police=1, linmas=1
            )
    with pytest.raises(SituationError):
        services.polres_personnel_set(
            actor=kabkota_operator, agency=serang_kota, police=-1, linmas=1
        )
    with pytest.raises(SituationError):
        services.polres_personnel_set(
            actor=kabkota_operator,
            agency=Agency.objects.get(code="pemkot-serang"),
            police=1,
            linmas=1,
        )
    record = services.polres_personnel_set(
        actor=kabkota_operator, agency=serang_kota, police=900, linmas=4000
    )
    assert (record.police, record.updated_by) == (900, kabkota_operator)
