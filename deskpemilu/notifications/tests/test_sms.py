"""SMS as a person's channel: chosen per event in "Notifikasi saya" (offered only
while the desk sends SMS), written short (what, where, the reference, the link),
and sent by the real worker through intake's outbound queue to the real Kannel,
whose phone network (fakesmsc) gets it; Kannel away costs the request nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine
from django.urls import reverse

from deskpemilu.accounts.models import Agency
from deskpemilu.devtools.sinks import free_port
from deskpemilu.intake.channels import kannel as k
from deskpemilu.intake.models import OutboundMessage, OutboundStatus
from deskpemilu.intake.tasks import outbound_send
from deskpemilu.intake.tests.kannel import PASSWORD, USER, Kannel
from deskpemilu.notifications.models import Delivery, DeliveryStatus, Preference
from deskpemilu.notifications.tests.conftest import burst
from deskpemilu.notifications.tests.test_events import new_incident

pytestmark = pytest.mark.django_db
NUMBER = "+6281200000009"
BASE = "https://desk.example.go.id"


@pytest.fixture(scope="module")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kannel]:
    with Kannel(tmp_path_factory.mktemp("kannel")) as running:
        yield running


@pytest.fixture
def sms_on(settings):
    """SMS on, towards a port where nothing listens unless a test says so."""
    settings.DESKPEMILU_SMS_SENDSMS_URL = f"http://127.0.0.1:{free_port()}/sendsms"
    settings.DESKPEMILU_SMS_SENDSMS_USER = USER
    settings.DESKPEMILU_SMS_SENDSMS_PASSWORD = PASSWORD
    settings.DESKPEMILU_SMS_FROM = "DESKPEMILU"
    settings.DESKPEMILU_NOTIFY_BASE_URL = BASE
    return settings


@pytest.fixture
def liaison_on_sms(police_liaison, client_for, sms_on):
    """The Polres liaison, with a phone, ticks SMS for assignments in the grid."""
    police_liaison.phone = "0812-0000-0009"
    police_liaison.save()
    client = client_for(police_liaison)
    page = client.get(reverse("notifications:preferences"))
    grid = {row.kind: dict(row.cells) for row in page.context["choices"].rows}
    assert grid["assigned"]["sms"] is False  # nobody gets SMS unless they choose
    answer = client.post(
        reverse("notifications:preferences"),
        {"assigned:desk": "1", "assigned:sms": "1", "overdue:email": "1"},
    )
    assert answer.status_code == 302
    return police_liaison


def assign_by_page(client, incident) -> None:
    polres = Agency.objects.get(code="polres-pandeglang")
    answer = client.post(
        reverse("incidents:assign", args=[incident.pk]),
        {"agencies": [polres.pk], "version": incident.version},
    )
    assert answer.status_code == 302


def work(django_capture_on_commit_callbacks) -> None:
    """The worker, once: the delivery queued as an outbound SMS, then sent."""
    with django_capture_on_commit_callbacks(execute=True):
        burst()
    with django_capture_on_commit_callbacks(execute=True):
        burst()


def test_the_grid_offers_sms_only_while_the_desk_sends_it(
    police_liaison, client_for, settings
):
    settings.DESKPEMILU_SMS_SENDSMS_URL = ""
    client = client_for(police_liaison)
    page = client.get(reverse("notifications:preferences"))
    assert [code for code, _ in page.context["channels"]] == ["desk", "email", "phone"]
    assert page.context["choices"].sms_off
    assert 'data-sms="off"' in page.content.decode()
    assert 'name="assigned:sms"' not in page.content.decode()
    # A choice made while SMS was on survives a save while it is off.
    Preference.objects.create(
        user=police_liaison, kind="assigned", channel="sms", enabled=True
    )
    client.post(reverse("notifications:preferences"), {"assigned:desk": "1"})
    assert Preference.objects.get(user=police_liaison, channel="sms").enabled
    settings.DESKPEMILU_SMS_SENDSMS_URL = "http://127.0.0.1:13013/cgi-bin/sendsms"
    page = client.get(reverse("notifications:preferences"))
    assert 'name="assigned:sms"' in page.content.decode()
    assert 'data-sms="off"' not in page.content.decode()
    grid = {row.kind: dict(row.cells) for row in page.context["choices"].rows}
    assert grid["assigned"]["sms"] is True


def test_an_assignment_reaches_the_liaisons_phone_by_sms_through_kannel(
    liaison_on_sms,
    province_coordinator,
    client_for,
    kannel,
    sms_on,
    django_capture_on_commit_callbacks,
):
    sms_on.DESKPEMILU_SMS_SENDSMS_URL = kannel.sendsms_url
    incident = new_incident(province_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assign_by_page(client_for(province_coordinator), incident)
    [delivery] = Delivery.objects.filter(channel="sms")
    assert delivery.body.startswith(f"Penugasan baru: #{incident.pk} Bagi amplop")
    work(django_capture_on_commit_callbacks)
    kannel.wait(lambda: any(s.to == NUMBER for s in kannel.received()), "the SMS")
    [sms] = [s for s in kannel.received() if s.to == NUMBER]
    # GSM text: 7-bit, one SMS; the sender names the desk.
    assert (sms.sender, sms.coding, sms.parts) == ("DESKPEMILU", "text", 1)
    assert sms.text.startswith(
        f"Penugasan baru: #{incident.pk} Bagi amplop dekat TPS (berat) di Sumberjaya, "
        "tenggat "
    )
    assert "Bagi amplop dekat TPS" in sms.text
    assert sms.text.endswith(f" {BASE}/kejadian/{incident.pk}/")
    assert k.sms_parts(sms.text) <= 2
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert OutboundMessage.objects.get().status == OutboundStatus.SENT


def test_a_title_outside_the_gsm_alphabet_goes_as_ucs2_in_at_most_two_sms(
    liaison_on_sms,
    province_coordinator,
    client_for,
    kannel,
    sms_on,
    django_capture_on_commit_callbacks,
):
    sms_on.DESKPEMILU_SMS_SENDSMS_URL = kannel.sendsms_url
    liaison_on_sms.phone = "0812-0000-0019"
    liaison_on_sms.save()
    incident = new_incident(province_coordinator)
    incident.title = (
        "\u201cSerangan fajar\u201d \u2013 amplop dibagi, warga marah \U0001f621"
    )
    incident.save()
    with django_capture_on_commit_callbacks(execute=True):
        assign_by_page(client_for(province_coordinator), incident)
    work(django_capture_on_commit_callbacks)
    number = "+6281200000019"
    kannel.wait(lambda: any(s.to == number for s in kannel.received()), "the SMS")
    [sms] = [s for s in kannel.received() if s.to == number]
    # UCS-2 keeps the quotes and the emoji; it takes two SMS, cut at a word.
    assert (sms.coding, sms.parts) == ("data", 2)
    assert sms.text.startswith(
        f"Penugasan baru: #{incident.pk} \u201cSerangan fajar\u201d \u2013 amplop"
    )
    assert "\U0001f621" in sms.text
    assert sms.text.endswith(f"... {BASE}/kejadian/{incident.pk}/")
    assert k.sms_parts(sms.text) == 2


def test_kannel_away_costs_the_request_nothing_and_is_tried_again(
    liaison_on_sms,
    province_coordinator,
    client_for,
    kannel,
    sms_on,
    django_capture_on_commit_callbacks,
    caplog,
):
    liaison_on_sms.phone = "0812-0000-0029"
    liaison_on_sms.save()
    incident = new_incident(province_coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        assign_by_page(client_for(province_coordinator), incident)
    # The request only wrote rows: nothing was sent, nothing tried.
    assert not OutboundMessage.objects.exists()
    work(django_capture_on_commit_callbacks)
    message = OutboundMessage.objects.get()
    assert (message.status, message.attempts) == (OutboundStatus.QUEUED, 1)
    assert "refused" in message.last_error.lower()
    assert f"outbound {message.pk} attempt 1 failed" in caplog.text
    # Kannel is back; the worker's next pass after the wait sends it.
    sms_on.DESKPEMILU_SMS_SENDSMS_URL = kannel.sendsms_url
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        with django_capture_on_commit_callbacks(execute=True):
            outbound_send.enqueue()
        burst()
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.SENT, 2)
    number = "+6281200000029"
    kannel.wait(lambda: any(s.to == number for s in kannel.received()), "the SMS")
