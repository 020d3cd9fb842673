"""Deliveries through real servers: an SMTP sink receives the e-mail; an agency's
receiver checks the signature, fails the first POST and takes the second, and the
log shows both; an unreachable server costs the assigning request nothing."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from deskpemilu.accounts.models import Agency
from deskpemilu.intake.models import OutboundMessage
from deskpemilu.notifications.models import (
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
    WebhookEndpoint,
)
from deskpemilu.notifications.tasks import deliveries_send
from deskpemilu.notifications.tests.conftest import burst
from deskpemilu.notifications.tests.test_events import assign, new_incident

pytestmark = pytest.mark.django_db


def test_the_worker_sends_the_assignment_by_email_to_a_real_smtp_server(
    smtp_sink, province_coordinator, police_liaison, django_capture_on_commit_callbacks
):
    police_liaison.email = "kasat@polres.example"
    police_liaison.save()
    incident = new_incident(province_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assign(province_coordinator, incident)
    assert smtp_sink.count() == 0  # the request only wrote rows
    burst()
    [envelope] = smtp_sink.messages
    assert envelope.rcpt_tos == ["kasat@polres.example"]
    text = envelope.content.decode()
    assert "Penugasan baru: Bagi amplop dekat TPS" in text
    assert f"/kejadian/{incident.pk}/" in text
    [delivery] = Delivery.objects.filter(channel="email")
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 1
    [attempt] = delivery.attempt_log.all()
    assert attempt.ok and attempt.status.startswith("250")


def test_a_signed_webhook_failed_once_is_retried_and_both_attempts_are_logged(
    receiver, province_coordinator, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        agency=Agency.objects.get(code="polres-pandeglang"),
        url=receiver.url,
        secret=receiver.secret,
    )
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        [assignment] = assign(province_coordinator, new_incident(province_coordinator))
    burst()
    [delivery] = Delivery.objects.filter(channel="webhook")
    assert delivery.status == DeliveryStatus.QUEUED and delivery.attempts == 1
    assert "HTTP 500" in list(delivery.attempt_log.values_list("status", flat=True))
    # Not yet due again: a burst now sends nothing.
    deliveries_send.enqueue()
    burst()
    assert len(receiver.received) == 1
    with time_machine.travel(delivery.next_attempt_at + dt.timedelta(seconds=1)):
        deliveries_send.enqueue()
        burst()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 2
    log = list(delivery.attempt_log.values_list("ok", "status"))
    assert log == [(False, "HTTP 500"), (True, "HTTP 200")]
    first, second = receiver.received
    assert all(r.signature_ok and r.fresh for r in receiver.received)
    assert first.body["id"] == second.body["id"]  # the same event, sent again
    assert second.body["data"]["assignment_id"] == assignment.pk
    assert second.body["event"] == "assigned"


def test_a_webhook_with_a_wrong_secret_is_refused_by_the_receiver(
    receiver, province_coordinator, django_capture_on_commit_callbacks
):
    WebhookEndpoint.objects.create(
        agency=Agency.objects.get(code="polres-pandeglang"),
        url=receiver.url,
        secret="bukan-rahasianya",
    )
    with django_capture_on_commit_callbacks(execute=True):
        assign(province_coordinator, new_incident(province_coordinator))
    burst()
    [seen] = receiver.received
    assert not seen.signature_ok and seen.answered == 401
    # A refusal (4xx) will not change by sending again: given up at once.
    [delivery] = Delivery.objects.filter(channel="webhook")
    assert delivery.status == DeliveryStatus.FAILED


def test_unreachable_smtp_and_endpoint_do_not_touch_the_assigning_request(
    nobody_listens,
    province_coordinator,
    police_liaison,
    client_for,
    django_capture_on_commit_callbacks,
):
    police_liaison.email = "kasat@polres.example"
    police_liaison.save()
    WebhookEndpoint.objects.create(
        agency=Agency.objects.get(code="polres-pandeglang"),
        url=f"http://127.0.0.1:{nobody_listens}/tidak-ada",
    )
    incident = new_incident(province_coordinator)
    polres = Agency.objects.get(code="polres-pandeglang")
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(province_coordinator).post(
            reverse("incidents:assign", args=[incident.pk]),
            {"agencies": [polres.pk], "version": incident.version},
        )
    assert response.status_code == 302
    # The request wrote the rows and tried nothing: no attempt yet.
    assert Delivery.objects.filter(status=DeliveryStatus.QUEUED).count() == 2
    assert not DeliveryAttempt.objects.exists()
    burst()  # the worker meets the closed ports, logs them and waits
    attempts = DeliveryAttempt.objects.order_by("delivery__channel")
    assert [(a.ok, a.delivery.channel) for a in attempts] == [
        (False, "email"),
        (False, "webhook"),
    ]
    assert all(a.error for a in attempts)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"queued"}


def test_an_administrator_sends_failed_deliveries_again_from_the_admin(
    receiver, province_coordinator, client_for, django_capture_on_commit_callbacks
):
    from conftest import make_member

    admin = make_member("admin_banten", "kesbangpol-banten", "administrator", "36")
    admin.is_staff = True
    admin.save()
    WebhookEndpoint.objects.create(
        agency=Agency.objects.get(code="polres-pandeglang"),
        url=receiver.url,
        secret=receiver.secret,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assign(province_coordinator, new_incident(province_coordinator))
    Delivery.objects.update(status=DeliveryStatus.FAILED, attempts=4)
    delivery = Delivery.objects.get()
    page = client_for(admin).get(
        reverse("admin:notifications_delivery_change", args=[delivery.pk])
    )
    assert page.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(
            reverse("admin:notifications_delivery_changelist"),
            {"action": "retry", ACTION_CHECKBOX_NAME: [delivery.pk]},
        )
    assert response.status_code == 302
    burst()
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT and len(receiver.received) == 1


def test_a_coordinator_who_is_staff_cannot_retry_deliveries(
    province_coordinator, client_for
):
    province_coordinator.is_staff = True
    province_coordinator.save()
    page = client_for(province_coordinator).get(
        reverse("admin:notifications_delivery_changelist")
    )
    assert page.status_code == 403


def test_a_phone_notification_goes_through_intakes_outbound_queue(
    settings, province_coordinator, police_liaison, django_capture_on_commit_callbacks
):
    settings.DESKPEMILU_WHATSAPP_PHONE_NUMBER_ID = "10987"
    # Should the provider's sending run, it meets a closed local port, not the world.
    settings.DESKPEMILU_WHATSAPP_API_BASE = "http://127.0.0.1:9"
    police_liaison.phone = "0812-0000-0009"
    police_liaison.save()
    with django_capture_on_commit_callbacks(execute=True):
        assign(province_coordinator, new_incident(province_coordinator))
    burst()
    [queued] = OutboundMessage.objects.all()
    assert (queued.channel, queued.recipient) == ("whatsapp", "6281200000009")
    assert queued.meta == {"phone_number_id": "10987"}
    assert queued.body.startswith("Penugasan baru")
    assert Delivery.objects.get(channel="phone").status == DeliveryStatus.SENT


def test_the_daily_digest_sends_one_email_instead_of_one_each(
    smtp_sink,
    province_coordinator,
    police_liaison,
    client_for,
    django_capture_on_commit_callbacks,
):
    from deskpemilu.notifications.services import digests_queue

    police_liaison.email = "kasat@polres.example"
    police_liaison.save()
    client_for(police_liaison).post(
        reverse("notifications:preferences"),
        {"assigned:email": "1", "assigned:desk": "1", "daily_digest": "1"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        assign(province_coordinator, new_incident(province_coordinator))
        assign(province_coordinator, new_incident(province_coordinator))
    burst()
    assert smtp_sink.count() == 0  # no e-mail each
    evening = timezone.now().replace(hour=12, minute=0)  # 19:00 WIB
    with time_machine.travel(evening + dt.timedelta(days=1)):
        with django_capture_on_commit_callbacks(execute=True):
            assert digests_queue(now=timezone.now()) == 1
            assert digests_queue(now=timezone.now()) == 0  # once a day
        burst()
    [envelope] = smtp_sink.messages
    text = envelope.content.decode()
    assert "2 notifikasi" in text and text.count("Penugasan baru") == 2
