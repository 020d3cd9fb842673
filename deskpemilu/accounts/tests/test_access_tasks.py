"""Access for the agency's side (issue 12): whose tasks, whose home is Tugas saya,
who closes an incident and sees the incidents ready to close."""

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_member
from deskpemilu.accounts import access
from deskpemilu.accounts.models import Agency, Role
from deskpemilu.incidents import services
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db


def incident_in(code: str):
    return services.incident_create(
        actor=None,
        category="kekerasan",
        severity="sedang",
        title="Uji",
        region=Region.objects.get(code=code),
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )


def test_a_liaisons_tasks_are_their_own_agencys(police_liaison, leader):
    polres = Agency.objects.get(code="polres-pandeglang")
    assert access.agencies_acted_for(police_liaison) == {polres.pk}
    assert access.has_tasks(police_liaison) and access.home_is_tasks(police_liaison)
    # A leader's seat is read-only: no tasks, the dashboard.
    assert access.agencies_acted_for(leader) == frozenset()
    assert not access.has_tasks(leader) and not access.home_is_tasks(leader)


def test_desk_staff_who_are_also_liaisons_keep_the_dashboard(db):
    both = make_member("ganda", "polres-pandeglang", Role.LIAISON, "36.01")
    both.memberships.create(
        agency=Agency.objects.get(code="pemkab-pandeglang"),
        role=Role.OPERATOR,
        region=Region.objects.get(code="36.01"),
    )
    assert access.has_tasks(both) and not access.home_is_tasks(both)


def test_a_coordinator_in_scope_closes_an_operator_does_not_nor_one_elsewhere(
    province_coordinator, kabkota_operator
):
    serang = incident_in("36.73")
    lebak = incident_in("36.02")
    coordinator_serang = make_member(
        "koordinator_serang", "pemkot-serang", Role.COORDINATOR, "36.73"
    )
    assert access.can_close_incident(province_coordinator, lebak)
    assert access.can_close_incident(coordinator_serang, serang)
    assert not access.can_close_incident(kabkota_operator, serang)
    assert not access.can_close_incident(coordinator_serang, lebak)  # outside
    assert access.can_see_ready_to_close(coordinator_serang)
    assert not access.can_see_ready_to_close(kabkota_operator)
