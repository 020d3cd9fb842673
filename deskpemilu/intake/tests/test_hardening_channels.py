"""The channels' edges: secrets kept out of the stored raw request, JSON nested
without end refused as unreadable (kept raw, 400) instead of a 500, and the 413 of
an over-size body in the endpoint's own kind. The same at the WSGI door (chunked
bodies, the limit before Django) is in test_bodylimit.py and, against the real
server, test_live_intake.py."""

from __future__ import annotations

import hashlib
import hmac
import json
from urllib.parse import urlencode

import pytest
from django.test import Client

from deskpemilu.core import jsonload
from deskpemilu.intake.auth import api_client_create
from deskpemilu.intake.channels import PayloadError, whatsapp_parse
from deskpemilu.intake.models import InboundMessage
from deskpemilu.intake.webhooks import redact

pytestmark = pytest.mark.django_db
KEY = "kunci-gateway-rahasia-42"
WA_SECRET = "wa-app-secret"
TG_SECRET = "tg-secret-uji"
TPS = "3601012001001"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    settings.DESKPEMILU_WHATSAPP_APP_SECRET = WA_SECRET
    settings.DESKPEMILU_TELEGRAM_SECRET = TG_SECRET


# --- secrets are not stored -----------------------------------------------------


def test_the_gateway_key_in_the_query_is_not_stored():
    query = f"sender=0812&key={KEY}&text=BUKA+{TPS}&id=s-1"
    assert Client().get(f"/webhooks/sms?{query}").status_code == 200
    raw = InboundMessage.objects.get().raw
    assert KEY not in raw
    assert raw == f"sender=0812&key=***&text=BUKA+{TPS}&id=s-1"


def test_the_gateway_secret_in_a_posted_form_is_not_stored():
    form = urlencode({"sender": "0812", "text": f"BUKA {TPS}", "secret": KEY})
    response = Client().post(
        "/webhooks/sms", form, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    raw = InboundMessage.objects.get().raw
    assert KEY not in raw and raw == f"sender=0812&text=BUKA+{TPS}&secret=***"


def test_the_key_of_an_unreadable_request_is_not_stored_either():
    response = Client().get(f"/webhooks/sms?text=halo&key={KEY}")
    assert response.status_code == 400
    raw = InboundMessage.objects.get().raw
    assert KEY not in raw and raw == "text=halo&key=***"


def test_a_key_sent_in_the_header_is_not_stored():
    response = Client().get(
        f"/webhooks/sms?sender=0812&text=BUKA+{TPS}", HTTP_X_GATEWAY_KEY=KEY
    )
    assert response.status_code == 200
    assert KEY not in InboundMessage.objects.get().raw


@pytest.mark.parametrize(
    ("encoded", "redacted"),
    [
        ("a=1&key=abc%20d&b=%00x&key2=z", "a=1&key=***&b=%00x&key2=z"),
        ("KEY=s&Secret=t&x=", "KEY=***&Secret=***&x="),
        (
            "access_token=t;api%5Fkey=u&hub.verify_token=v",
            "access_token=***;api%5Fkey=***&hub.verify_token=***",
        ),
        ("key=&key&text=a+b", "key=&key&text=a+b"),  # nothing to hide
        ("", ""),
    ],
)
def test_redaction_masks_secret_values_and_keeps_the_rest_byte_for_byte(
    encoded, redacted
):
    assert redact(encoded) == redacted


# --- JSON nested without end ------------------------------------------------------


def deep(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def whatsapp_post(body: bytes):
    signature = (
        "sha256=" + hmac.new(WA_SECRET.encode(), body, hashlib.sha256).hexdigest()
    )
    return Client().post(
        "/webhooks/whatsapp",
        body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=signature,
    )


def telegram_post(body: bytes):
    return Client().post(
        "/webhooks/telegram",
        body,
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TG_SECRET,
    )


WHATSAPP_DEEP = b'{"object":"whatsapp_business_account","entry":' + deep(100_000) + b"}"
TELEGRAM_DEEP = b'{"update_id":1,"message":' + deep(100_000) + b"}"


@pytest.mark.parametrize(
    ("post", "body"),
    [(whatsapp_post, WHATSAPP_DEEP), (telegram_post, TELEGRAM_DEEP)],
    ids=["whatsapp", "telegram"],
)
def test_a_deeply_nested_signed_body_is_kept_raw_and_answered_400(post, body):
    response = post(body)
    assert response.status_code == 400
    assert "terlalu dalam" in response.content.decode()
    message = InboundMessage.objects.get()
    assert (message.status, message.error_code) == ("failed", "bad_json")
    assert message.raw == body.decode()


def test_a_whatsapp_message_with_a_value_nested_past_any_provider_is_refused():
    """Deep enough to reach the database's JSON encoder through ``meta``, not deep
    enough for the parser to fail."""
    message = {
        "from": "6281234567890",
        "id": "wamid.DEEP1",
        "timestamp": "1707879600",
        "type": "button",
        "button": {"text": "ok", "payload": json.loads(deep(200))},
    }
    value = {"messaging_product": "whatsapp", "messages": [message]}
    body = json.dumps(
        {
            "object": "whatsapp_business_account",
            "entry": [{"id": "1", "changes": [{"field": "messages", "value": value}]}],
        }
    ).encode()
    assert whatsapp_post(body).status_code == 400
    assert InboundMessage.objects.get().error_code == "bad_json"


def test_whatsapp_parse_refuses_deep_json_without_recursing():
    with pytest.raises(PayloadError) as refused:
        whatsapp_parse(WHATSAPP_DEEP)
    assert refused.value.code == "bad_json"


def test_the_api_answers_deep_json_with_its_json_400():
    _, token = api_client_create(name="Uji")
    response = Client().post(
        "/api/v1/intake/messages",
        b'{"sender":"0812","text":' + deep(100_000) + b"}",
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
    assert InboundMessage.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "limit", "deep_enough"),
    [
        (b"[]", 1, False),
        (b"[[]]", 1, True),
        (b'{"a": [{"b": 1}]}', 3, False),
        (b'{"a": [{"b": []}]}', 3, True),
        (b'"text"', 1, False),
        (deep(1024), 1024, False),
        (deep(1025), 1024, True),
        (deep(100_000), 64, True),
    ],
)
def test_json_depth_is_counted_without_recursion(data, limit, deep_enough):
    if deep_enough:
        with pytest.raises(jsonload.TooDeep):
            jsonload.loads(data, max_depth=limit)
    else:
        assert jsonload.loads(data, max_depth=limit) is not None


def test_json_that_is_not_json_is_a_value_error_but_not_too_deep():
    with pytest.raises(ValueError) as refused:
        jsonload.loads(b"{nope")
    assert not isinstance(refused.value, jsonload.TooDeep)


# --- 413 in the endpoint's kind (Django's side; the WSGI door in test_bodylimit) ---


@pytest.mark.parametrize(
    ("post", "body"),
    [(whatsapp_post, b'{"object": "x"}' + b" " * 200), (telegram_post, b" " * 200)],
    ids=["whatsapp", "telegram"],
)
def test_an_over_size_json_webhook_answers_a_json_413(settings, post, body):
    settings.DESKPEMILU_MAX_BODY_BYTES = 100
    response = post(body)
    assert response.status_code == 413
    assert response.json() == {
        "code": "payload_too_large",
        "message": "Isi permintaan terlalu besar; paling banyak 100 bita.",
        "field": "",
    }
    assert InboundMessage.objects.count() == 0


def test_an_over_size_sms_gateway_post_answers_plain_text(settings):
    settings.DESKPEMILU_MAX_BODY_BYTES = 100
    response = Client().post(
        f"/webhooks/sms?key={KEY}", {"sender": "0812", "text": "x" * 500}
    )
    assert response.status_code == 413
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert response.content.decode().startswith("Isi permintaan terlalu besar")


def test_secrets_stored_before_are_masked_by_the_migration():
    import importlib

    from django.apps import apps

    migration = importlib.import_module(
        "deskpemilu.intake.migrations.0007_redact_stored_secrets"
    )
    old = InboundMessage.objects.create(
        channel="sms_gateway",
        body="BUKA 3601012001001",
        raw="sender=0812&text=BUKA+3601012001001&key=rahasia-lama&id=1",
    )
    other = InboundMessage.objects.create(channel="api", raw='{"key=": 1}')
    migration.redact_stored(apps, None)
    old.refresh_from_db()
    other.refresh_from_db()
    assert old.raw == "sender=0812&text=BUKA+3601012001001&key=***&id=1"
    assert other.raw == '{"key=": 1}'


def test_a_multipart_sms_gateway_post_is_read_and_kept_raw_without_the_key():
    response = Client().post(
        "/webhooks/sms", {"sender": "081234567890", "text": "INFO", "key": KEY}
    )
    assert response.status_code == 200, response.content
    message = InboundMessage.objects.get()
    assert message.body == "INFO" and KEY not in message.raw
