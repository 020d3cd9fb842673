"""From an event to its rows: who is told, in the bell and on which channel, as
their choices say; the periodic sweep tells each deadline once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from conftest import make_member
from deskpemilu.accounts.models import Agency, Role
from deskpemilu.core.events import announce
from deskpemilu.incidents import services as incidents
from deskpemilu.notifications import services
from deskpemilu.notifications.models import (
    Announced,
    Delivery,
    Notification,
    Preference,
    WebhookEndpoint,
)
from deskpemilu.notifications.sweep import due_events_announce
from deskpemilu.regions.models import TPS

pytestmark = pytest.mark.django_db


def new_incident(actor, severity="berat"):
    return incidents.incident_create(
        actor=actor,
        category="politik_uang",
        severity=severity,
        title="Bagi amplop dekat TPS",
        tps=TPS.objects.get(code="3601012001001"),
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )


def assign(actor, incident, code="polres-pandeglang", deadline=None):
    return incidents.incident_assign(
        actor=actor,
        incident_id=incident.pk,
        agency_ids=[Agency.objects.get(code=code).pk],
        deadline=deadline,
    )


def test_an_assignment_tells_the_agencys_members_in_the_bell(
    province_coordinator, police_liaison, django_capture_on_commit_callbacks
):
    incident = new_incident(province_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assign(province_coordinator, incident)
    [note] = Notification.objects.filter(user=police_liaison)
    assert note.kind == "assigned" and note.read_at is None
    assert note.url == f"/kejadian/{incident.pk}/"
    assert "Polres Pandeglang" in note.body or "Pandeglang" in note.body
    # The coordinator who assigned is not of the agency: nothing for them.
    assert not Notification.objects.filter(user=province_coordinator).exists()


def test_a_rolled_back_write_tells_nobody(
    province_coordinator, police_liaison, django_capture_on_commit_callbacks
):
    from django.db import transaction

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                announce("critical_incident", incident_id=1, region_code="36")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == [] and not Notification.objects.exists()


def test_an_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        announce("assigend", assignment_id=1)


def test_email_and_phone_follow_the_roles_defaults_and_the_persons_choices(
    settings, province_coordinator, police_liaison, django_capture_on_commit_callbacks
):
    settings.DESKPEMILU_EMAIL_HOST = "127.0.0.1"
    police_liaison.email, police_liaison.phone = "kasat@polres.example", "6281200000009"
    police_liaison.save()
    other = make_member("wakil_polres", "polres-pandeglang", Role.LIAISON, "36.01")
    other.email = "wakil@polres.example"
    other.save()
    # The other liaison wants no e-mail of assignments, and no bell either.
    Preference.objects.create(
        user=other, kind="assigned", channel="email", enabled=False
    )
    Preference.objects.create(
        user=other, kind="assigned", channel="desk", enabled=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        assign(province_coordinator, new_incident(province_coordinator))
    mine = Delivery.objects.filter(notification__user=police_liaison)
    assert sorted(mine.values_list("channel", "recipient")) == [
        ("email", "kasat@polres.example"),
        ("phone", "6281200000009"),
    ]
    assert not Delivery.objects.filter(notification__user=other).exists()
    assert not Notification.objects.filter(user=other).exists()


def test_a_critical_incident_tells_the_desk_of_its_region_not_other_kabkota(
    province_coordinator,
    kabkota_operator,
    police_liaison,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        new_incident(province_coordinator, severity="kritis")
    told = set(Notification.objects.values_list("user__username", "kind"))
    # Pandeglang's incident: the province coordinator; not Kota Serang's operator,
    # not a liaison (agencies hear of what they are assigned).
    assert told == {("koordinator", "critical_incident")}


def test_a_non_critical_incident_tells_nobody(
    province_coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        new_incident(province_coordinator, severity="berat")
    assert callbacks == [] and not Notification.objects.exists()


def test_an_agency_webhook_hears_only_its_events(
    province_coordinator, django_capture_on_commit_callbacks
):
    polres = Agency.objects.get(code="polres-pandeglang")
    WebhookEndpoint.objects.create(agency=polres, url="http://127.0.0.1:9/a")
    WebhookEndpoint.objects.create(
        agency=polres, url="http://127.0.0.1:9/b", events=["overdue"]
    )
    WebhookEndpoint.objects.create(
        agency=polres, url="http://127.0.0.1:9/c", active=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = assign(province_coordinator, new_incident(province_coordinator))
    [hook] = Delivery.objects.filter(channel="webhook")
    assert hook.recipient.endswith("/a") and hook.data["event"] == "assigned"
    assert hook.data["data"]["assignment_id"] == assignment.pk


def test_the_sweep_tells_a_deadline_approaching_and_then_overdue_once_each(
    province_coordinator, police_liaison, django_capture_on_commit_callbacks
):
    incident = new_incident(province_coordinator)
    soon = timezone.now() + dt.timedelta(hours=1)
    assign(province_coordinator, incident, deadline=soon)
    with django_capture_on_commit_callbacks(execute=True):
        assert due_events_announce(timezone.now()) == {"deadline_soon": 1}
        assert due_events_announce(timezone.now()) == {}
        later = soon + dt.timedelta(minutes=5)
        assert due_events_announce(later) == {"overdue": 1}
        assert due_events_announce(later) == {}
    kinds = list(
        Notification.objects.filter(user=police_liaison)
        .order_by("id")
        .values_list("kind", flat=True)
    )
    assert kinds == ["deadline_soon", "overdue"]
    assert Announced.objects.count() == 2


def test_a_region_alert_and_a_report_reach_the_desk_of_the_region(
    province_coordinator, kabkota_operator, leader, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        announce("region_alert", region_code="36.73", level="rawan", from_level="aman")
        announce(
            "report_issued",
            report_id=7,
            title="Laporan situasi harian",
            url="/laporan/7/",
            region_code="36",
        )
    told = sorted(Notification.objects.values_list("user__username", "kind"))
    assert told == [
        ("koordinator", "region_alert"),
        ("koordinator", "report_issued"),
        ("operator_serang", "region_alert"),
        ("sekda", "region_alert"),
        ("sekda", "report_issued"),
    ]


def test_the_fan_out_counts_its_deliveries(police_liaison, province_coordinator):
    assert (
        services.notifications_create(kind="assigned", payload={"assignment_id": 0})
        == 0
    )
