"""Planned messages as the HTTP requests each provider sends, signed as the provider
signs them. Pure code, no Django: the desk's own webhook code checks the result.

- SMS gateway (Kannel ``get-url``, docs/gateways.md): ``GET /webhooks/sms`` with
  ``key``, ``sender``, ``to``, ``text``, ``coding``, ``charset``, ``id`` and ``time``
  (UTC, Kannel's ``%t``).
- Twilio: form ``POST /webhooks/twilio``, ``X-Twilio-Signature`` = base64
  HMAC-SHA1(auth token, URL + sorted names and values). Twilio carries no send time.
- WhatsApp Cloud API: JSON ``POST /webhooks/whatsapp``, ``X-Hub-Signature-256`` =
  ``sha256=`` hex HMAC-SHA256(app secret, body); the message's ``timestamp``.
- Telegram: JSON ``POST /webhooks/telegram`` with the secret token header; ``date``.
- JSON API: ``POST /api/v1/intake/messages`` (one) and ``/messages/batch`` with a bearer
  token; ``sent_at``.
The public form and the results API need a session (a CSRF token, a login): the
runner (simulate.run) does those.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from urllib.parse import urlencode

from deskpemilu.simulate.plan import WIB, Message

DESK_NUMBER = "+6281100001234"  # the desk's own SMS number, as the gateway's "to"
WABA_ID, PHONE_NUMBER_ID = "102290129340398", "106540352242922"


@dataclass(frozen=True)
class Secrets:
    """The channels' shared secrets, as the desk is configured with them."""

    gateway_key: str = ""
    twilio_token: str = ""
    whatsapp_secret: str = ""
    telegram_secret: str = ""
    api_token: str = ""


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with its query
    headers: tuple[tuple[str, str], ...]
    body: bytes = b""


def _number(uid: str, seed: int, digits: int) -> int:
    digest = hashlib.sha256(f"{seed}:{uid}".encode()).digest()
    return int.from_bytes(digest[:8]) % int(10**digits)


def gateway(m: Message, seed: int, secrets: Secrets) -> Request:
    query = urlencode(
        {
            "key": secrets.gateway_key,
            "sender": m.sender,
            "to": DESK_NUMBER,
            "text": m.text,
            "coding": "0",
            "charset": "UTF-8",
            "id": f"sim-{seed}-{m.uid}",
            "time": f"{m.at.astimezone(dt.UTC):%Y-%m-%d %H:%M:%S}",
            "smsc": "sim",
        }
    )
    return Request("GET", f"/webhooks/sms?{query}", ())


def twilio_signature(token: str, url: str, params: dict[str, str]) -> str:
    data = url + "".join(name + params[name] for name in sorted(params))
    digest = hmac.new(token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio(m: Message, seed: int, secrets: Secrets, base_url: str) -> Request:
    sid = f"SM{_number(m.uid, seed, 30):032x}"[:34]
    params = {
        "MessageSid": sid,
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": "AC" + "0" * 32,
        "From": m.sender,
        "To": DESK_NUMBER,
        "Body": m.text,
        "NumMedia": "0",
        "NumSegments": "1",
        "FromCountry": "ID",
    }
    path = "/webhooks/twilio"
    signature = twilio_signature(secrets.twilio_token, base_url + path, params)
    return Request(
        "POST",
        path,
        (
            ("Content-Type", "application/x-www-form-urlencoded"),
            ("X-Twilio-Signature", signature),
        ),
        urlencode(params).encode(),
    )


def whatsapp(m: Message, seed: int, secrets: Secrets) -> Request:
    wa_id = m.sender.lstrip("+")
    wamid = "wamid.HBgN" + base64.b64encode(
        hashlib.sha256(f"{seed}:{m.uid}".encode()).digest()[:18]
    ).decode().rstrip("=")
    payload = {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": WABA_ID,
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": DESK_NUMBER.lstrip("+"),
                                "phone_number_id": PHONE_NUMBER_ID,
                            },
                            "contacts": [
                                {"profile": {"name": "Pelapor"}, "wa_id": wa_id}
                            ],
                            "messages": [
                                {
                                    "from": wa_id,
                                    "id": wamid,
                                    "timestamp": str(int(m.at.timestamp())),
                                    "type": "text",
                                    "text": {"body": m.text},
                                }
                            ],
                        },
                    }
                ],
            }
        ],
    }
    body = json.dumps(payload, ensure_ascii=False).encode()
    digest = hmac.new(secrets.whatsapp_secret.encode(), body, hashlib.sha256)
    return Request(
        "POST",
        "/webhooks/whatsapp",
        (
            ("Content-Type", "application/json"),
            ("X-Hub-Signature-256", "sha256=" + digest.hexdigest()),
        ),
        body,
    )


def telegram(m: Message, seed: int, secrets: Secrets) -> Request:
    chat_id = int(m.sender.removeprefix("tg:"))
    update = {
        "update_id": _number(m.uid, seed, 9),
        "channel_post": {
            "message_id": _number(m.uid + "m", seed, 9),
            "sender_chat": {"id": chat_id, "title": "Posko Pemilu", "type": "channel"},
            "chat": {"id": chat_id, "title": "Posko Pemilu", "type": "channel"},
            "date": int(m.at.timestamp()),
            "text": m.text,
        },
    }
    return Request(
        "POST",
        "/webhooks/telegram",
        (
            ("Content-Type", "application/json"),
            ("X-Telegram-Bot-Api-Secret-Token", secrets.telegram_secret),
        ),
        json.dumps(update, ensure_ascii=False).encode(),
    )


def api_item(m: Message, seed: int) -> dict[str, str]:
    return {
        "id": f"sim-{seed}-{m.uid}",
        "sender": m.sender,
        "text": m.text,
        "sent_at": m.at.astimezone(WIB).isoformat(),
    }


def api_one(m: Message, seed: int, secrets: Secrets) -> Request:
    return Request(
        "POST",
        "/api/v1/intake/messages",
        _bearer(secrets),
        json.dumps(api_item(m, seed), ensure_ascii=False).encode(),
    )


def api_batch(messages: list[Message], seed: int, secrets: Secrets) -> Request:
    body = {"messages": [api_item(m, seed) for m in messages]}
    return Request(
        "POST",
        "/api/v1/intake/messages/batch",
        _bearer(secrets),
        json.dumps(body, ensure_ascii=False).encode(),
    )


def _bearer(secrets: Secrets) -> tuple[tuple[str, str], ...]:
    return (
        ("Content-Type", "application/json"),
        ("Authorization", f"Bearer {secrets.api_token}"),
    )


def public_form(m: Message) -> dict[str, str]:
    """The public form's fields (the runner adds the CSRF token)."""
    return dict(m.fields) | {"occurred_at": f"{m.at.astimezone(WIB):%Y-%m-%dT%H:%M}"}


def sheet(m: Message) -> tuple[str, dict[str, object]]:
    """(source, SheetIn body) of a planned result sheet."""
    numbers = dict(m.sheet)
    source = str(numbers.pop("source"))
    votes = [numbers.pop(f"suara_{n}") for n in (1, 2, 3)]
    body: dict[str, object] = {
        "kode_tps": m.tps_code,
        "votes": votes,
        "waktu_sumber": m.at.astimezone(WIB).isoformat(),
        **numbers,
    }
    return source, body
