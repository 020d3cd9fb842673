"""The duty roster and the shift handover: who is on duty, the note a shift leaves,
and its acknowledgement by the next shift."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from conftest import make_member
from deskpemilu.accounts.models import Role, User
from deskpemilu.coordination.models import Handover, Shift
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db


def shift(code: str, people: list[User], start_hours: float, hours: float = 8) -> Shift:
    """A shift starting `start_hours` from now (negative: begun)."""
    region = Region.objects.get(code=code)
    start = timezone.now() + dt.timedelta(hours=start_hours)
    made = Shift.objects.create(
        region=region,
        area_code=region.code_nodot,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=hours),
        created_by=people[0],
    )
    made.people.set(people)
    return made


@pytest.fixture
def night_operator(db) -> User:
    return make_member("operator_malam", "kesbangpol-banten", Role.OPERATOR, "36")


def test_a_coordinator_puts_people_on_the_roster(
    province_coordinator, night_operator, client_for
):
    client = client_for(province_coordinator)
    page = client.get(reverse("coordination:roster", args=["36"]))
    assert page.status_code == 200
    assert 'id="shift-form"' in page.content.decode()
    response = client.post(
        reverse("coordination:shift-create", args=["36"]),
        {
            "starts_at": "2024-02-14T07:00",
            "ends_at": "2024-02-14T15:00",
            "people": [night_operator.pk],
        },
    )
    assert response.status_code == 302
    made = Shift.objects.get()
    assert list(made.people.all()) == [night_operator]


def test_a_shift_that_ends_before_it_starts_is_refused(
    province_coordinator, night_operator, client_for
):
    response = client_for(province_coordinator).post(
        reverse("coordination:shift-create", args=["36"]),
        {
            "starts_at": "2024-02-14T15:00",
            "ends_at": "2024-02-14T07:00",
            "people": [night_operator.pk],
        },
    )
    assert response.status_code == 422
    assert "Akhir giliran harus sesudah mulainya." in response.content.decode()
    assert not Shift.objects.exists()


def test_an_operator_may_not_manage_the_roster(
    night_operator, province_coordinator, client_for
):
    client = client_for(night_operator)
    assert (
        'id="shift-form"'
        not in client.get(reverse("coordination:roster", args=["36"])).content.decode()
    )
    response = client.post(
        reverse("coordination:shift-create", args=["36"]),
        {
            "starts_at": "2024-02-14T07:00",
            "ends_at": "2024-02-14T15:00",
            "people": [province_coordinator.pk],
        },
    )
    assert response.status_code == 403


def test_a_roster_outside_the_scope_is_not_found(kabkota_operator, client_for):
    client = client_for(kabkota_operator)
    assert client.get(reverse("coordination:roster", args=["36.01"])).status_code == 404
    assert client.get(reverse("coordination:roster", args=["36.73"])).status_code == 200


def test_someone_outside_the_desk_cannot_be_put_on_its_shift(
    serang_coordinator, police_liaison
):
    from django.core.exceptions import PermissionDenied

    from deskpemilu.coordination import services
    from deskpemilu.coordination.services import CoordinationError

    serang = Region.objects.get(code="36.73")
    now = timezone.now()
    with pytest.raises(CoordinationError) as refused:
        services.shift_create(
            actor=serang_coordinator,
            region=serang,
            starts_at=now,
            ends_at=now + dt.timedelta(hours=8),
            people=[police_liaison],  # Pandeglang's: not a member of Serang's desk
        )
    assert refused.value.code == "bad_people"
    with pytest.raises(PermissionDenied):
        services.shift_create(
            actor=serang_coordinator,
            region=Region.objects.get(code="36"),
            starts_at=now,
            ends_at=now + dt.timedelta(hours=8),
            people=[serang_coordinator],
        )


def test_the_shift_writes_its_handover_and_the_next_shift_acknowledges_it(
    kabkota_operator, serang_coordinator, client_for
):
    night = make_member("malam_serang", "pemkot-serang", Role.OPERATOR, "36.73")
    current = shift("36.73", [kabkota_operator], -2)
    shift("36.73", [night], 6)
    writer = client_for(kabkota_operator)
    page = writer.get(reverse("coordination:roster", args=["36.73"]))
    assert 'id="handover-form"' in page.content.decode()
    response = writer.post(
        reverse("coordination:handover-write", args=[current.pk]),
        {"open_matters": "K000012 belum ditangani", "to_watch": "TPS 005 Kemanisan"},
    )
    assert response.status_code == 302
    handover = Handover.objects.get()
    # The writer is not the next shift: no button, and a POST is refused.
    page = writer.get(reverse("coordination:roster", args=["36.73"])).content.decode()
    assert 'data-acknowledged="no"' in page
    assert reverse("coordination:handover-acknowledge", args=[handover.pk]) not in page
    ack = reverse("coordination:handover-acknowledge", args=[handover.pk])
    assert writer.post(ack).status_code == 403
    reader = client_for(night)
    assert (
        ack
        in reader.get(reverse("coordination:roster", args=["36.73"])).content.decode()
    )
    assert reader.post(ack).status_code == 302
    handover.refresh_from_db()
    assert handover.acknowledged_by == night and handover.acknowledged_at
    page = reader.get(reverse("coordination:roster", args=["36.73"])).content.decode()
    assert 'data-acknowledged="yes"' in page and "K000012 belum ditangani" in page
    # Read is read: a second acknowledgement and a rewrite are conflicts.
    assert reader.post(ack).status_code == 409
    rewrite = writer.post(
        reverse("coordination:handover-write", args=[current.pk]),
        {"open_matters": "diubah"},
    )
    assert rewrite.status_code == 409
    handover.refresh_from_db()
    assert handover.open_matters == "K000012 belum ditangani"


def test_someone_not_on_the_shift_may_not_write_its_handover(
    kabkota_operator, client_for
):
    other = make_member("lain_serang", "pemkot-serang", Role.OPERATOR, "36.73")
    current = shift("36.73", [kabkota_operator], -1)
    response = client_for(other).post(
        reverse("coordination:handover-write", args=[current.pk]),
        {"open_matters": "x"},
    )
    assert response.status_code == 403
    assert not Handover.objects.exists()


def test_a_shift_outside_the_scope_is_not_found(
    kabkota_operator, province_coordinator, client_for
):
    lebak = shift("36.02", [province_coordinator], -1)
    response = client_for(kabkota_operator).post(
        reverse("coordination:handover-write", args=[lebak.pk]),
        {"open_matters": "x"},
    )
    assert response.status_code == 404
