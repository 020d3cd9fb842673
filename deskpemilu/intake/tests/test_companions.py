"""Messages that complete another: a location or photo without text, a Telegram edit;
and citizens who write in their own words. Through the real webhooks, in the shapes
the providers document (Meta's "location" and "image" messages, Telegram's Update
with "location", "photo" and "edited_message")."""

import hashlib
import hmac
import json

import pytest
from django.test import Client

from deskpemilu.incidents.models import Incident
from deskpemilu.intake.models import InboundMessage, TpsCheckin
from deskpemilu.intake.services import reporter_upsert
from deskpemilu.regions.models import TPS, Region

pytestmark = pytest.mark.django_db
KEY = "kunci-gateway-uji"
TG_SECRET = "tg-secret-uji"
WA_SECRET = "wa-app-secret"
LAPOR = "LAPOR 3601012001001 PU B ada pembagian amplop di dekat TPS"
WA_PHONE = "6281234567890"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    settings.DESKPEMILU_TELEGRAM_SECRET = TG_SECRET
    settings.DESKPEMILU_WHATSAPP_APP_SECRET = WA_SECRET


@pytest.fixture
def officer(db):
    return reporter_upsert(
        phone=WA_PHONE,
        name="Siti (PPL Sumberjaya)",
        role="field_officer",
        tps=TPS.objects.get(code="3601012001001"),
    )


def sumberjaya() -> tuple[float | None, float | None]:
    desa = Region.objects.get(code="36.01.01.2001")
    return desa.centroid_lat, desa.centroid_lng


def whatsapp(message: dict) -> None:
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [
                {
                    "id": "102290129340398",
                    "changes": [
                        {
                            "field": "messages",
                            "value": {
                                "messaging_product": "whatsapp",
                                "metadata": {
                                    "display_phone_number": "15550783881",
                                    "phone_number_id": "106540352242922",
                                },
                                "contacts": [
                                    {"profile": {"name": "Siti"}, "wa_id": WA_PHONE}
                                ],
                                "messages": [
                                    {
                                        "from": WA_PHONE,
                                        "timestamp": "1707880507",
                                        **message,
                                    }
                                ],
                            },
                        }
                    ],
                }
            ],
        }
    ).encode()
    signature = hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
    response = Client().post(
        "/webhooks/whatsapp",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=f"sha256={signature}",
    )
    assert response.status_code == 200, response.content


def telegram(kind: str = "message", message_id: int = 10, **content) -> None:
    user = {"id": 5551234, "is_bot": False, "first_name": "Rudi"}
    update = {
        "update_id": 700000 + message_id + (1000 if kind != "message" else 0),
        kind: {
            "message_id": message_id,
            "from": user,
            "chat": {"id": 5551234, "type": "private", "first_name": "Rudi"},
            "date": 1707880800,
            **content,
        },
    }
    response = Client().post(
        "/webhooks/telegram",
        json.dumps(update),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TG_SECRET,
    )
    assert response.status_code == 200, response.content


def sms(text: str, sender: str = "081299990000", msg_id: str = "k-1") -> str:
    response = Client().get(
        "/webhooks/sms", {"sender": sender, "text": text, "id": msg_id, "key": KEY}
    )
    assert response.status_code == 200
    return response.content.decode()


def latest() -> InboundMessage | None:
    return InboundMessage.objects.order_by("-pk").first()


# --- locations and photos without text -----------------------------------------------


def test_a_location_after_a_report_joins_its_incident_with_the_point(officer):
    whatsapp({"id": "wamid.report", "type": "text", "text": {"body": LAPOR}})
    incident = Incident.objects.get()
    lat, lng = sumberjaya()
    whatsapp(
        {
            "id": "wamid.location",
            "type": "location",
            "location": {"latitude": lat, "longitude": lng, "name": "TPS 001"},
        }
    )
    located = latest()
    assert (located.status, located.kind) == ("parsed", "media")
    assert "Pesan kosong" not in located.reply
    assert incident.ref in located.reply and "lokasi" in located.reply
    incident.refresh_from_db()
    assert (incident.lat, incident.lng) == pytest.approx((lat, lng))
    assert incident.sources.filter(message=located).exists()
    assert incident.events.filter(action="source_added").exists()
    # The reply goes back to the sender through the outbound queue.
    assert located.outboundmessage_set.get().body == located.reply


def test_a_location_from_an_unknown_sender_is_a_located_report_for_the_desk(
    province_coordinator, client_for
):
    lat, lng = sumberjaya()
    telegram(location={"latitude": lat, "longitude": lng})
    message = latest()
    assert (message.status, message.kind) == ("parsed", "media")
    assert message.reply.startswith(f"OK {message.ref}: lokasi diterima")
    # Placed by the point, so it reaches the inbox of the desk of that area.
    assert message.area_code == "3601012001"
    assert message.parsed["lat"] == pytest.approx(lat)
    page = client_for(province_coordinator).get(f"/pesan/{message.pk}/")
    html = page.content.decode()
    assert 'id="message-map"' in html and f'data-lat="{lat}"' in html


def test_a_photo_without_caption_is_acknowledged_not_called_empty():
    telegram(
        photo=[
            {"file_id": "AgAD-small", "file_unique_id": "s", "width": 90, "height": 67},
            {
                "file_id": "AgAD-large",
                "file_unique_id": "l",
                "width": 1280,
                "height": 960,
            },
        ]
    )
    message = latest()
    assert (message.status, message.kind) == ("parsed", "media")
    assert "foto diterima" in message.reply and "kosong" not in message.reply


def test_a_report_after_the_location_takes_it(officer):
    lat, lng = sumberjaya()
    whatsapp(
        {
            "id": "wamid.location-first",
            "type": "location",
            "location": {"latitude": lat, "longitude": lng},
        }
    )
    whatsapp({"id": "wamid.report-after", "type": "text", "text": {"body": LAPOR}})
    incident = Incident.objects.get()
    assert (incident.lat, incident.lng) == pytest.approx((lat, lng))
    located = InboundMessage.objects.get(provider_id="wamid.location-first")
    assert located.parsed["joined_to"] == latest().pk
    assert located.area_code == "3601012001"


def test_a_location_outside_the_incidents_region_is_kept_but_not_used(officer):
    whatsapp({"id": "wamid.r", "type": "text", "text": {"body": LAPOR}})
    serang = Region.objects.get(code="36.73")
    whatsapp(
        {
            "id": "wamid.far",
            "type": "location",
            "location": {
                "latitude": serang.centroid_lat,
                "longitude": serang.centroid_lng,
            },
        }
    )
    incident = Incident.objects.get()
    assert incident.lat is None
    assert incident.events.get(action="source_added").changes["point_outside"]


# --- Telegram edits -----------------------------------------------------------------


def test_an_edited_telegram_report_is_an_edit_not_a_second_incident():
    reporter_upsert(phone="081200000001", name="Rudi", role="field_officer")
    from deskpemilu.intake.models import Reporter
    from deskpemilu.intake.services import reporter_handle_add

    reporter_handle_add(reporter=Reporter.objects.get(), handle="tg:5551234")
    telegram(message_id=4521, text=LAPOR)
    incident = Incident.objects.get()
    corrected = LAPOR + " (sekitar 20 orang)"
    telegram("edited_message", message_id=4521, edit_date=1707880920, text=corrected)
    assert Incident.objects.count() == 1
    edit = latest()
    assert (edit.status, edit.kind) == ("parsed", "edit")
    assert edit.parsed["edit_of"] == InboundMessage.objects.order_by("pk").first().pk
    event = incident.events.get(action="sender_edit")
    assert event.note == corrected
    assert incident.ref in edit.reply


def test_an_edit_that_corrects_a_message_not_understood_is_read_as_the_message():
    telegram(message_id=7, text="BUKA 360101200100")  # one digit short
    assert latest().status == "failed"
    telegram(
        "edited_message", message_id=7, edit_date=1707880999, text="BUKA 3601012001001"
    )
    edit = latest()
    assert (edit.status, edit.kind) == ("parsed", "checkin")
    assert edit.parsed["edit_of"] == InboundMessage.objects.order_by("pk").first().pk
    assert TpsCheckin.objects.count() == 1


# --- citizens in their own words ------------------------------------------------------


def test_a_citizen_writing_free_text_by_sms_is_thanked_with_a_reference():
    reply = sms("Pak, di TPS 5 desa kami ada orang bagi-bagi uang")
    message = latest()
    assert (message.status, message.kind) == ("parsed", "free")
    assert message.ref in reply and "Terima kasih" in reply
    assert "Kata pertama" not in reply and "tidak dikenal" not in reply


def test_a_mistyped_field_code_still_gets_the_format_help():
    reply = sms("BUAK 3601012001001")
    assert "tidak dikenal" in reply and latest().status == "failed"


def test_a_registered_officer_writing_free_text_gets_the_format_help():
    reporter_upsert(phone="081299990000", name="Budi", role="field_officer")
    reply = sms("Pak, di TPS 5 desa kami ada orang bagi-bagi uang")
    assert "tidak dikenal" in reply and latest().status == "failed"
