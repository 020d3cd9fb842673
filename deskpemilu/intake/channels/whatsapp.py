"""WhatsApp Business Platform, Cloud API: webhook verification, the ``messages``
webhook, its signature, and a text message to send.

Shapes followed (developers.facebook.com, WhatsApp Business Platform):

* Webhooks "Verification requests": ``GET ?hub.mode=subscribe&hub.verify_token=...
  &hub.challenge=...``; answer 200 with the challenge.
* "Event notification payloads" / "Validating payloads": header
  ``X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body bytes)>``.
* Messages webhook reference (text, image, audio, video, document, sticker,
  location, contacts, interactive, button, reaction, system, unsupported) and
  status messages webhook reference::

    {"object": "whatsapp_business_account",
     "entry": [{"id": WABA_ID, "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": ..., "phone_number_id": ...},
        "contacts": [{"profile": {"name": ...}, "wa_id": ...}],
        "messages": [{"from": ..., "id": "wamid...", "timestamp": "...",
                      "type": "text", "text": {"body": ...}}]
        # or "statuses": [...] and no "messages"
     }}]}]}

  Several entries, changes and messages may come in one POST; every message
  becomes one Inbound; status-only payloads give ``[]``.
* Business-scoped user ids (2026): a user with a username may arrive without a
  phone number (no ``from``/``wa_id``); the BSUID (``user_id``) is used then,
  as sender ``wa:<BSUID>``, and replies go to it through the ``recipient`` field.
* "Send messages", text: ``POST {graph}/{phone_number_id}/messages`` with a bearer
  token and ``{"messaging_product": "whatsapp", "recipient_type": "individual",
  "to": ..., "type": "text", "text": {"preview_url": false, "body": ...}}``.

``provider_id`` is the ``wamid``, which Meta repeats on every redelivery.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from typing import Any

from .base import (
    WHATSAPP,
    Inbound,
    PayloadError,
    clean_text,
    first_value,
    from_unix,
    json_body,
    payload_error,
    require_secret,
    same_secret,
    sender_from,
    signature_error,
)

GRAPH_API = "https://graph.facebook.com/v21.0"
TEXT_LIMIT = 4096
_UNKNOWN_SHAPE = "struktur pesan WhatsApp tidak dikenali"
_MEDIA_TYPES = ("image", "video", "audio", "document", "sticker")


def whatsapp_verify_challenge(params: Mapping[str, str], verify_token: str) -> str:
    """Answer Meta's subscription check: the ``hub.challenge`` to echo back (as
    ``text/plain``), or SignatureError when the mode or token is wrong."""
    require_secret(verify_token, "WhatsApp verify token")
    if first_value(params, "hub.mode") != "subscribe":
        raise signature_error("bad_mode", "hub.mode is not 'subscribe'")
    given = first_value(params, "hub.verify_token")
    if not given or not same_secret(verify_token, given):
        raise signature_error("bad_verify_token", "hub.verify_token does not match")
    challenge = first_value(params, "hub.challenge")
    if not challenge:
        raise payload_error(
            "missing_challenge", "tantangan verifikasi tidak ada", "hub.challenge"
        )
    return challenge


def whatsapp_verify_signature(app_secret: str, body: bytes, header: str | None) -> None:
    """Check ``X-Hub-Signature-256`` against the raw body; raise SignatureError."""
    require_secret(app_secret, "WhatsApp app secret")
    if not header:
        raise signature_error("missing_signature", "X-Hub-Signature-256 is missing")
    scheme, _, given = header.strip().partition("=")
    if scheme.lower() != "sha256" or not given:
        raise signature_error("bad_signature", "X-Hub-Signature-256 is not sha256=...")
    expected = hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), given.lower().encode("utf-8")):
        raise signature_error("bad_signature", "X-Hub-Signature-256 does not match")


def _bad(what: str, detail: str) -> PayloadError:
    return payload_error("bad_payload", what, detail)


def _dict(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise _bad(_UNKNOWN_SHAPE, f"{where} is not an object")
    return value


def _list(value: Any, where: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _bad(_UNKNOWN_SHAPE, f"{where} is not a list")
    return value


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# What one message says: its text, attachments and extra meta.
_Content = tuple[str, list[dict[str, Any]], dict[str, Any]]


def _text(part: dict[str, Any], message: dict[str, Any], kind: str) -> _Content:
    return clean_text(part.get("body")), [], {}


def _media(part: dict[str, Any], message: dict[str, Any], kind: str) -> _Content:
    item: dict[str, Any] = {"type": kind, "id": str(part.get("id") or "")}
    for key, name in (("mime", "mime_type"), ("sha256", "sha256"), ("url", "url")):
        if part.get(name):
            item[key] = part[name]
    if part.get("filename"):
        item["filename"] = part["filename"]
    if part.get("voice"):
        item["voice"] = True
    return clean_text(part.get("caption")), [item], {}


def _location(part: dict[str, Any], message: dict[str, Any], kind: str) -> _Content:
    item = {"type": "location"}
    for key in ("latitude", "longitude", "name", "address", "url"):
        if part.get(key) is not None:
            item[key] = part[key]
    return "", [item], {}


def _contacts(part: dict[str, Any], message: dict[str, Any], kind: str) -> _Content:
    cards = []
    for card in _list(message.get("contacts"), "message.contacts"):
        card = _obj(card)
        name = _obj(card.get("name"))
        phones = [
            p.get("phone") or p.get("wa_id")
            for p in _list(card.get("phones"), "contacts.phones")
            if isinstance(p, dict)
        ]
        cards.append({"name": name.get("formatted_name", ""), "phones": phones})
    return "", [{"type": "contacts", "contacts": cards}], {}


def _interactive(part: dict[str, Any], message: dict[str, Any], kind: str) -> _Content:
    chosen = part.get("button_reply") or part.get("list_reply") or {}
    if isinstance(chosen, dict):
        return clean_text(chosen.get("title")), [], {"reply_id": chosen.get("id", "")}
    return "", [], {}


def _button(part: dict[str, Any], message: dict[str, Any], kind: str) -> _Content:
    return clean_text(part.get("text")), [], {"payload": part.get("payload", "")}


def _reaction(part: dict[str, Any], message: dict[str, Any], kind: str) -> _Content:
    extra = {"reaction_to": part.get("message_id", "")}
    return clean_text(part.get("emoji")), [], extra


_CONTENT: dict[str, Callable[[dict[str, Any], dict[str, Any], str], _Content]] = {
    "text": _text,
    **dict.fromkeys(_MEDIA_TYPES, _media),
    "location": _location,
    "contacts": _contacts,
    "interactive": _interactive,
    "button": _button,
    "reaction": _reaction,
    "system": _text,
}


def _content(message: dict[str, Any], kind: str) -> _Content:
    """Text, attachments and extra meta for one message of the given type; an
    unsupported or unknown type (order, ...) is kept, without text."""
    read = _CONTENT.get(kind)
    if read is None:
        return "", [], {}
    return read(_obj(message.get(kind)), message, kind)


def _contact_for(contacts: list[Any], wa_id: str, user_id: str) -> dict[str, Any]:
    cards = [c for c in contacts if isinstance(c, dict)]
    for card in cards:
        if (wa_id and card.get("wa_id") == wa_id) or (
            user_id and card.get("user_id") == user_id
        ):
            return card
    return cards[0] if len(cards) == 1 else {}


def _inbound(message: dict[str, Any], value: dict[str, Any], waba_id: str) -> Inbound:
    wamid = message.get("id")
    if not isinstance(wamid, str) or not wamid:
        raise _bad("nomor pesan WhatsApp tidak ada", "messages[].id missing")
    kind = str(message.get("type") or "")
    sender, reply_to, user_id, profile = _sender(message, value, wamid)
    text, attachments, extra = _content(message, kind)
    metadata = _obj(value.get("metadata"))
    meta: dict[str, Any] = {
        "type": kind,
        "phone_number_id": str(metadata.get("phone_number_id") or ""),
        "display_phone_number": str(metadata.get("display_phone_number") or ""),
        "waba_id": waba_id,
        **extra,
    }
    if user_id:
        meta["user_id"] = user_id
    if profile.get("username"):
        meta["username"] = profile["username"]
    meta.update(_context(message))
    timestamp = message.get("timestamp")
    return Inbound(
        channel=WHATSAPP,
        provider_id=wamid,
        sender=sender,
        sender_name=str(profile.get("name") or "").strip(),
        text=text,
        sent_at=from_unix(timestamp, "timestamp") if timestamp else None,
        attachments=attachments,
        reply_to=reply_to,
        meta=meta,
    )


def _sender(
    message: dict[str, Any], value: dict[str, Any], wamid: str
) -> tuple[str, str, str, dict[str, Any]]:
    """Who sent the message: (sender, reply_to, BSUID, profile): the phone number
    (``wa_id``) when there is one, else the business-scoped user id."""
    wa_id = str(message.get("from") or "")
    user_id = str(message.get("from_user_id") or "")
    contacts = _list(value.get("contacts"), "value.contacts")
    contact = _contact_for(contacts, wa_id, user_id)
    wa_id = wa_id or str(contact.get("wa_id") or "")
    user_id = user_id or str(contact.get("user_id") or "")
    if wa_id:
        sender, reply_to = sender_from(wa_id), wa_id
    elif user_id:
        sender, reply_to = f"wa:{user_id}", user_id
    else:
        raise payload_error(
            "missing_sender", "pengirim tidak ada", f"no from/wa_id/user_id for {wamid}"
        )
    return sender, reply_to, user_id, _obj(contact.get("profile"))


def _context(message: dict[str, Any]) -> dict[str, Any]:
    """Meta from the message's context (the message it answers, forwarding) and
    the errors WhatsApp reports for it."""
    meta: dict[str, Any] = {}
    context = message.get("context")
    if isinstance(context, dict):
        if context.get("id"):
            meta["context_id"] = context["id"]
        if context.get("forwarded") or context.get("frequently_forwarded"):
            meta["forwarded"] = True
    errors = _list(message.get("errors"), "messages[].errors")
    if errors:
        meta["errors"] = [
            {"code": e.get("code"), "title": e.get("title", "")}
            for e in errors
            if isinstance(e, dict)
        ]
    return meta


def whatsapp_parse(body: bytes) -> list[Inbound]:
    """Every message in every entry and change of a ``messages`` webhook, in order;
    ``[]`` when the POST only carries statuses or other fields."""
    payload = _dict(json_body(body), "body")
    if payload.get("object") != "whatsapp_business_account":
        raise _bad(
            "bukan notifikasi WhatsApp",
            f"object is {payload.get('object')!r}, not 'whatsapp_business_account'",
        )
    found: list[Inbound] = []
    for entry in _list(payload.get("entry"), "entry"):
        entry = _dict(entry, "entry[]")
        waba_id = str(entry.get("id") or "")
        for change in _list(entry.get("changes"), "entry[].changes"):
            change = _dict(change, "changes[]")
            if change.get("field") != "messages":
                continue
            value = _dict(change.get("value"), "changes[].value")
            for message in _list(value.get("messages"), "value.messages"):
                found.append(_inbound(_dict(message, "messages[]"), value, waba_id))
    return found


def whatsapp_outbound(
    base_url: str,
    token: str,
    phone_number_id: str,
    to: str,
    text: str,
    reply_to_message_id: str | None = None,
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The request that sends ``text`` to a WhatsApp user: ``(url, headers, json)``.

    ``base_url`` is the Graph API root with its version (:data:`GRAPH_API`). ``to``
    is a ``wa_id`` (digits) or, for users known only by BSUID, the BSUID, which is
    sent in ``recipient``. ``reply_to_message_id`` (a wamid) quotes that message.
    Free text is only delivered inside the 24-hour customer-service window.
    """
    if not (token and phone_number_id and to):
        raise ValueError("token, phone_number_id and to are required")
    if not text or len(text) > TEXT_LIMIT:
        raise ValueError(f"text must be 1..{TEXT_LIMIT} characters")
    address = to.strip().lstrip("+")
    body: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        ("to" if address.isdigit() else "recipient"): address,
        "type": "text",
        "text": {"preview_url": False, "body": text},
    }
    if reply_to_message_id:
        body["context"] = {"message_id": reply_to_message_id}
    url = f"{base_url.rstrip('/')}/{phone_number_id}/messages"
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    return url, headers, body
