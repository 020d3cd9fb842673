"""Who may do what with results (accounts.access): each predicate for a persona who
may, one who may not (a read-only leader, a police liaison), and one outside the
scope (the Kota Serang operator at a Pandeglang place, or a user with no seat)."""

import pytest

from deskpemilu.accounts import access
from deskpemilu.regions.models import TPS
from deskpemilu.results.models import SheetFlag

pytestmark = pytest.mark.django_db

SERANG_KECAMATAN = "36.73.04"
PANDEGLANG_KECAMATAN = "36.01.01"
SERANG_TPS = "3673041003001"
PANDEGLANG_TPS = "3601012001001"


@pytest.fixture
def nobody(django_user_model):
    return django_user_model.objects.create_user("tamu", password="x-uji-12345")


def test_desk_staff_of_any_scope_open_the_results_entry(
    kabkota_operator, province_coordinator, leader, police_liaison, nobody
):
    assert access.can_open_results_entry(kabkota_operator)
    assert access.can_open_results_entry(province_coordinator)
    assert not access.can_open_results_entry(leader)
    assert not access.can_open_results_entry(police_liaison)
    assert not access.can_open_results_entry(nobody)


def test_results_are_written_by_desk_staff_whose_scope_holds_the_place(
    kabkota_operator, province_coordinator, leader, police_liaison
):
    assert access.can_write_results(kabkota_operator, SERANG_KECAMATAN)
    assert access.can_write_results(province_coordinator, PANDEGLANG_KECAMATAN)
    assert not access.can_write_results(leader, SERANG_KECAMATAN)
    assert not access.can_write_results(police_liaison, PANDEGLANG_KECAMATAN)
    assert not access.can_write_results(kabkota_operator, PANDEGLANG_KECAMATAN)
    assert not access.can_write_results(kabkota_operator, "36")


def test_the_whole_country_is_written_only_by_those_who_see_everything(
    province_coordinator, django_user_model
):
    root = django_user_model.objects.create_superuser("akar", password="x-uji-12345")
    assert access.can_write_results(root, "")
    assert not access.can_write_results(province_coordinator, "")


def test_a_tps_value_is_decided_by_desk_staff_whose_scope_holds_the_tps(
    kabkota_operator, leader
):
    serang, pandeglang = (TPS.objects.get(code=c) for c in (SERANG_TPS, PANDEGLANG_TPS))
    assert access.can_decide_results(kabkota_operator, serang)
    assert not access.can_decide_results(leader, serang)
    assert not access.can_decide_results(kabkota_operator, pandeglang)


def test_a_flag_is_closed_by_desk_staff_whose_scope_holds_its_tps(
    kabkota_operator, leader
):
    serang, pandeglang = (
        SheetFlag(tps_code=SERANG_TPS),
        SheetFlag(tps_code=PANDEGLANG_TPS),
    )
    assert access.can_close_flag(kabkota_operator, serang)
    assert not access.can_close_flag(leader, serang)
    assert not access.can_close_flag(kabkota_operator, pandeglang)


def test_screens_are_run_by_desk_staff_whose_scope_holds_the_whole_kecamatan(
    kabkota_operator, leader
):
    assert access.can_run_screens(kabkota_operator, "36.73")
    assert access.can_run_screens(kabkota_operator, SERANG_KECAMATAN + ".1003")
    assert not access.can_run_screens(leader, "36.73")
    assert not access.can_run_screens(kabkota_operator, PANDEGLANG_KECAMATAN)


def test_the_scope_as_a_filter_on_an_undotted_code_column(
    kabkota_operator, leader, nobody
):
    def tps_of(user):
        return TPS.objects.filter(access.within_scope(user, "code"))

    assert tps_of(kabkota_operator).count() == 1877
    assert not tps_of(kabkota_operator).filter(code=PANDEGLANG_TPS).exists()
    assert tps_of(leader).count() == TPS.objects.count()
    assert not tps_of(nobody).exists()
