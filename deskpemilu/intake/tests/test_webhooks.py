"""Provider webhooks end to end: real HTTP requests in the providers' shapes, the real
database, the parser and the incident workflow."""

import base64
import hashlib
import hmac
import json
from pathlib import Path
from urllib.parse import parse_qsl, urlencode

import pytest
from django.test import Client

from deskpemilu.accounts.models import Agency
from deskpemilu.incidents import services as incident_services
from deskpemilu.incidents.models import Incident, IncidentEvent
from deskpemilu.intake.models import (
    InboundMessage,
    OutboundMessage,
    ReporterRole,
    TpsCheckin,
)
from deskpemilu.intake.services import reporter_upsert
from deskpemilu.regions.models import TPS

pytestmark = pytest.mark.django_db
PAYLOADS = Path(__file__).parent / "payloads"
KEY = "kunci-gateway-uji"
TWILIO_TOKEN = "twilio-token-uji"
WA_SECRET = "wa-app-secret"
TG_SECRET = "tg-secret-uji"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    settings.DESKPEMILU_TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.DESKPEMILU_WHATSAPP_APP_SECRET = WA_SECRET
    settings.DESKPEMILU_WHATSAPP_VERIFY_TOKEN = "verify-me"
    settings.DESKPEMILU_TELEGRAM_SECRET = TG_SECRET


@pytest.fixture
def officer(db):
    return reporter_upsert(
        phone="6281234567890",
        name="Budi (PPL Sumberjaya)",
        role=ReporterRole.FIELD_OFFICER,
        tps=TPS.objects.get(code="3601012001001"),
    )


def sms(text, sender="081234567890", msg_id="k-1", key=KEY):
    return Client().get(
        "/webhooks/sms", {"sender": sender, "text": text, "id": msg_id, "key": key}
    )


def test_a_checkin_by_sms_is_recorded_and_confirmed():
    response = sms("buka 3601012001001 0705")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.startswith("OK M") and "3601012001001" in body and "07.05" in body
    checkin = TpsCheckin.objects.get()
    assert (checkin.tps.code, checkin.stage) == ("3601012001001", "buka")
    message = InboundMessage.objects.get()
    assert (message.status, message.kind, message.sender) == (
        "parsed",
        "checkin",
        "6281234567890",
    )


def test_a_retried_sms_is_stored_once_and_answered_the_same():
    first = sms("BUKA 3601012001001", msg_id="same")
    second = sms("BUKA 3601012001001", msg_id="same")
    assert first.content == second.content
    assert InboundMessage.objects.count() == 1 and TpsCheckin.objects.count() == 1


def test_a_message_that_cannot_be_read_is_kept_and_answered_in_indonesian():
    response = sms("BUAK 3601012001001")
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.status == "failed" and message.body == "BUAK 3601012001001"
    assert message.reply == response.content.decode() and "INFO" in message.reply


def test_an_unknown_tps_gets_a_precise_reply():
    response = sms("BUKA 3601019999001")
    assert "3601019999001 tidak terdaftar" in response.content.decode()
    assert InboundMessage.objects.get().error_code == "unknown_tps"


def test_a_wrong_gateway_key_is_refused_and_nothing_is_stored():
    assert sms("BUKA 3601012001001", key="salah").status_code == 403
    assert InboundMessage.objects.count() == 0


def test_an_authentic_request_without_sender_is_kept_raw():
    response = Client().get("/webhooks/sms", {"text": "BUKA 3601012001001", "key": KEY})
    assert response.status_code == 400
    message = InboundMessage.objects.get()
    assert message.status == "failed" and "BUKA" in message.raw


def test_an_oversize_body_is_refused_with_413(settings):
    settings.DESKPEMILU_MAX_BODY_BYTES = 100
    response = Client().post(
        f"/webhooks/sms?key={KEY}", {"sender": "0812", "text": "x" * 500}
    )
    assert response.status_code == 413


def test_an_incident_from_an_unknown_sender_waits_in_the_inbox():
    response = sms("LAPOR 3601012001001 PU B ada bagi amplop dekat TPS", sender="0899")
    assert "belum terdaftar" in response.content.decode()
    assert Incident.objects.count() == 0
    message = InboundMessage.objects.get()
    assert message.kind == "incident" and message.area_code == "3601012001"
    assert (message.status, message.error_code) == ("parsed", "")
    assert message.tps.code == "3601012001001"
    assert message.region == message.tps.desa
    assert message.parsed["place_code"] == "3601012001001"
    assert message.parsed["severity"] == "berat"
    assert message.reply == f"Laporan diterima ({message.ref}). " + (
        "Nomor Anda belum terdaftar; petugas desk akan memeriksa laporan ini."
    )


def test_an_incident_in_a_region_from_an_unknown_sender_waits_in_the_inbox():
    response = sms("LAPOR 36.01.01 PU S ada bagi amplop di pasar", sender="0899")
    assert "belum terdaftar" in response.content.decode()
    message = InboundMessage.objects.get()
    assert (message.status, message.kind, message.tps) == ("parsed", "incident", None)
    assert message.region.code == "36.01.01" and message.area_code == "360101"


def test_a_field_sms_becomes_an_incident_that_is_worked_to_closure(
    officer, province_coordinator, police_liaison
):
    response = sms("LAPOR 3601012001001 PU B ada bagi amplop dekat TPS 001")
    incident = Incident.objects.get()
    assert incident.ref in response.content.decode()
    assert (incident.category, incident.severity, incident.status) == (
        "politik_uang",
        "berat",
        "baru",
    )
    assert incident.sources.get().message.body.startswith("LAPOR")
    assert incident.tps.code == "3601012001001"
    assert (incident.region.code, incident.area_code) == ("36.01.01.2001", "3601012001")
    coordinator = province_coordinator
    incident = incident_services.incident_transition(
        actor=coordinator,
        incident_id=incident.pk,
        version=incident.version,
        target="terverifikasi",
    )
    polres = Agency.objects.get(code="polres-pandeglang")
    [assignment] = incident_services.incident_assign(
        actor=coordinator, incident_id=incident.pk, agency_ids=[polres.pk]
    )
    assert assignment.deadline > assignment.assigned_at
    incident_services.assignment_acknowledge(
        actor=police_liaison, assignment_id=assignment.pk
    )
    incident_services.followup_record(
        actor=police_liaison,
        assignment_id=assignment.pk,
        action="Dua orang diamankan, amplop disita",
        done=True,
    )
    incident.refresh_from_db()
    # The only agency reported done: the verified incident is being handled.
    assert incident.status == "ditangani"
    incident_services.incident_transition(
        actor=coordinator,
        incident_id=incident.pk,
        version=incident.version,
        target="selesai",
    )
    history = IncidentEvent.objects.filter(incident=incident)
    assert list(history.values_list("action", flat=True)) == [
        "created",
        "status",
        "assigned",
        "acknowledged",
        "followup",
        "all_done",
        "status",
    ]
    assert history.first().actor_label.startswith("Budi")


def twilio_signature(url, params):
    data = url + "".join(k + v for k, v in sorted(params.items()))
    digest = hmac.new(TWILIO_TOKEN.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def test_twilio_sms_is_answered_with_twiml():
    params = dict(parse_qsl((PAYLOADS / "twilio_sms.txt").read_text().strip()))
    params["Body"] = "TUTUP 3601012001001"
    url = "http://testserver/webhooks/twilio"
    response = Client().post(
        "/webhooks/twilio",
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE=twilio_signature(url, params),
    )
    assert response.status_code == 200
    assert (
        response["Content-Type"].startswith("application/xml")
        or "xml" in response["Content-Type"]
    )
    assert "<Response><Message>OK M" in response.content.decode()
    assert TpsCheckin.objects.get().stage == "tutup"


def test_twilio_with_a_bad_signature_is_refused():
    params = dict(parse_qsl((PAYLOADS / "twilio_sms.txt").read_text().strip()))
    response = Client().post(
        "/webhooks/twilio",
        urlencode(params),
        content_type="application/x-www-form-urlencoded",
        HTTP_X_TWILIO_SIGNATURE="AAAA",
    )
    assert response.status_code == 403 and InboundMessage.objects.count() == 0


def wa_post(body: bytes, secret=WA_SECRET):
    signature = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return Client().post(
        "/webhooks/whatsapp",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )


def test_whatsapp_verification_challenge_is_echoed():
    ok = Client().get(
        "/webhooks/whatsapp",
        {
            "hub.mode": "subscribe",
            "hub.verify_token": "verify-me",
            "hub.challenge": "1158201444",
        },
    )
    assert ok.status_code == 200 and ok.content == b"1158201444"
    bad = Client().get(
        "/webhooks/whatsapp",
        {"hub.mode": "subscribe", "hub.verify_token": "x", "hub.challenge": "1"},
    )
    assert bad.status_code == 403


def test_a_whatsapp_message_is_stored_and_its_reply_queued():
    payload = json.loads((PAYLOADS / "whatsapp_text.json").read_text())
    payload["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = (
        "HITUNG 3601012001001"
    )
    body = json.dumps(payload).encode()
    assert wa_post(body).status_code == 200
    assert wa_post(body).status_code == 200  # Meta retries: still one message
    message = InboundMessage.objects.get()
    assert message.channel == "whatsapp" and message.sender_name == "Siti Rahmawati"
    outbound = OutboundMessage.objects.get()
    assert outbound.recipient == "6281234567890" and outbound.body.startswith("OK M")


def test_whatsapp_with_a_tampered_body_is_refused():
    body = (PAYLOADS / "whatsapp_text.json").read_bytes()
    signature = (
        "sha256=" + hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
    )
    response = Client().post(
        "/webhooks/whatsapp",
        body + b" ",
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )
    assert response.status_code == 403 and InboundMessage.objects.count() == 0


def test_whatsapp_status_updates_store_nothing():
    assert (
        wa_post((PAYLOADS / "whatsapp_statuses.json").read_bytes()).status_code == 200
    )
    assert InboundMessage.objects.count() == 0


def test_authentic_malformed_json_is_kept_raw_and_refused():
    response = wa_post(b'{"object": "whatsapp_business_account", "entry": [')
    assert response.status_code == 400
    assert InboundMessage.objects.get().status == "failed"


def test_a_telegram_update_is_taken_with_the_secret_token():
    update = json.loads((PAYLOADS / "telegram_text.json").read_text())
    update["message"]["text"] = "INFO"
    client = Client()
    ok = client.post(
        "/webhooks/telegram",
        json.dumps(update),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TG_SECRET,
    )
    assert ok.status_code == 200
    message = InboundMessage.objects.get()
    assert (
        message.kind == "help" and OutboundMessage.objects.get().body == message.reply
    )
    refused = client.post(
        "/webhooks/telegram",
        json.dumps(update),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN="salah",
    )
    assert refused.status_code == 403
