"""Telegram Bot API: the webhook's secret token, the ``Update`` object, and
``sendMessage``.

Shapes followed (core.telegram.org/bots/api):

* ``setWebhook``: with ``secret_token`` set, every webhook request carries the
  header ``X-Telegram-Bot-Api-Secret-Token`` with that exact value (no signature
  over the body; Telegram does not sign updates).
* ``Update``: ``update_id`` and at most one of ``message``, ``edited_message``,
  ``channel_post``, ``edited_channel_post``, ``callback_query``, ... The four
  message kinds are read; every other kind gives ``[]``.
* ``Message``: ``message_id``, ``from`` (``User``: ``id``, ``is_bot``,
  ``first_name``, ``last_name``, ``username``; absent in channels, where
  ``sender_chat`` is set), ``chat`` (``id``, ``type``, ``title``), ``date`` (Unix),
  ``edit_date``, ``text`` or ``caption``, ``photo`` (array of ``PhotoSize``, the
  largest last), ``document``, ``video``, ``audio``, ``voice``, ``sticker``,
  ``location``, ``contact``.
* ``sendMessage``: ``POST {api}/bot<token>/sendMessage`` with ``chat_id``,
  ``text`` and, to answer a given message, ``reply_parameters`` (``ReplyParameters``:
  ``message_id``, ``allow_sending_without_reply``). Since Bot API 7.0 this replaces
  the older ``reply_to_message_id``.

``provider_id`` is ``"<chat_id>:<message_id>"`` (a message id is unique only within
its chat), which a redelivered update repeats. An edit is a new report, so an
edited message gets ``"<chat_id>:<message_id>:e<edit_date>"``: the edit is stored,
and a retry of the same edit is still recognised. The ``update_id`` is in ``meta``.
"""

from __future__ import annotations

from typing import Any

from .base import (
    TELEGRAM,
    Inbound,
    PayloadError,
    clean_text,
    from_unix,
    json_body,
    normalise_phone,
    payload_error,
    require_secret,
    same_secret,
    signature_error,
)

BOT_API = "https://api.telegram.org"
TEXT_LIMIT = 4096
_UNKNOWN_SHAPE = "struktur pesan Telegram tidak dikenali"
MESSAGE_KINDS = ("message", "edited_message", "channel_post", "edited_channel_post")


def telegram_verify(secret: str, header: str | None) -> None:
    """Check ``X-Telegram-Bot-Api-Secret-Token``; raise SignatureError if wrong."""
    require_secret(secret, "Telegram webhook secret")
    if not header:
        raise signature_error(
            "missing_secret", "X-Telegram-Bot-Api-Secret-Token is missing"
        )
    if not same_secret(secret, header):
        raise signature_error(
            "bad_secret", "X-Telegram-Bot-Api-Secret-Token does not match"
        )


def _bad(detail: str) -> PayloadError:
    return payload_error("bad_payload", _UNKNOWN_SHAPE, detail)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _id(value: object, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad(f"{where} is not an integer")
    return value


def _name(user: dict[str, Any]) -> str:
    full = " ".join(
        str(part) for part in (user.get("first_name"), user.get("last_name")) if part
    )
    return full.strip() or str(user.get("username") or user.get("title") or "")


def _attachments(message: dict[str, Any]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    photos = message.get("photo")
    if isinstance(photos, list) and photos:
        largest = _obj(photos[-1])
        found.append(
            {
                "type": "image",
                "id": largest.get("file_id", ""),
                "unique_id": largest.get("file_unique_id", ""),
                "width": largest.get("width"),
                "height": largest.get("height"),
            }
        )
    for kind in ("document", "video", "audio", "voice", "video_note", "sticker"):
        part = message.get(kind)
        if isinstance(part, dict):
            item = {
                "type": kind,
                "id": part.get("file_id", ""),
                "unique_id": part.get("file_unique_id", ""),
            }
            if part.get("mime_type"):
                item["mime"] = part["mime_type"]
            if part.get("file_name"):
                item["filename"] = part["file_name"]
            found.append(item)
    location = message.get("location")
    if isinstance(location, dict):
        found.append(
            {
                "type": "location",
                "latitude": location.get("latitude"),
                "longitude": location.get("longitude"),
            }
        )
    contact = message.get("contact")
    if isinstance(contact, dict):
        found.append(
            {
                "type": "contact",
                "phone": contact.get("phone_number", ""),
                "name": _name(contact),
                "user_id": contact.get("user_id"),
            }
        )
    return found


def telegram_parse(body: bytes) -> list[Inbound]:
    """An ``Update`` as zero or one :class:`Inbound` (a list, like WhatsApp's)."""
    update = json_body(body)
    if not isinstance(update, dict):
        raise _bad("update is not an object")
    update_id = _id(update.get("update_id"), "update_id")
    kind = next((k for k in MESSAGE_KINDS if k in update), None)
    if kind is None:
        return []
    message = update[kind]
    if not isinstance(message, dict):
        raise _bad(f"{kind} is not an object")
    message_id = _id(message.get("message_id"), f"{kind}.message_id")
    chat = _obj(message.get("chat"))
    chat_id = _id(chat.get("id"), f"{kind}.chat.id")
    user = _obj(message.get("from"))
    sender_id, sender_name = _sender(message, user, chat, chat_id)
    provider_id = f"{chat_id}:{message_id}"
    meta: dict[str, Any] = {
        "update_id": update_id,
        "kind": kind,
        "message_id": message_id,
        "chat_type": str(chat.get("type") or ""),
    }
    if kind.startswith("edited_"):
        edit_date = message.get("edit_date")
        provider_id += f":e{edit_date if edit_date is not None else update_id}"
        meta["edited"] = True
        meta["original_id"] = f"{chat_id}:{message_id}"
    meta.update(_about_sender(message, user))
    text = message.get("text")
    if text is None:
        text = message.get("caption")
    date = message.get("date")
    return [
        Inbound(
            channel=TELEGRAM,
            provider_id=provider_id,
            sender=f"tg:{sender_id}",
            sender_name=sender_name,
            text=clean_text(text),
            sent_at=from_unix(date, "date") if date is not None else None,
            attachments=_attachments(message),
            reply_to=str(chat_id),
            meta=meta,
        )
    ]


def _sender(
    message: dict[str, Any], user: dict[str, Any], chat: dict[str, Any], chat_id: int
) -> tuple[int, str]:
    """The sender's id and name: the user, else the channel or group posting as
    itself (``sender_chat``), else the chat."""
    sender_chat = _obj(message.get("sender_chat"))
    if user.get("id") is not None:
        return _id(user["id"], "from.id"), _name(user)
    if sender_chat.get("id") is not None:
        return _id(sender_chat["id"], "sender_chat.id"), _name(sender_chat)
    return chat_id, _name(chat)


def _about_sender(message: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """Meta on the sender (username, a bot), the message answered, and the
    sender's own number when they shared it as a contact."""
    meta: dict[str, Any] = {}
    if user.get("username"):
        meta["username"] = user["username"]
    if user.get("is_bot"):
        meta["is_bot"] = True
    reply = _obj(message.get("reply_to_message"))
    if isinstance(reply.get("message_id"), int):
        meta["reply_to_message_id"] = reply["message_id"]
    contact = _obj(message.get("contact"))
    if user.get("id") is not None and contact.get("user_id") == user.get("id"):
        try:  # the sender shared their own number: lets the desk match a reporter
            meta["phone"] = normalise_phone(str(contact.get("phone_number") or ""))
        except PayloadError:
            pass
    return meta


def telegram_outbound(
    base_url: str,
    token: str,
    chat_id: str,
    text: str,
    reply_to_message_id: int | None = None,
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """The ``sendMessage`` request: ``(url, headers, json)``. ``base_url`` is the
    Bot API root (:data:`BOT_API`). Plain text (no ``parse_mode``), so nothing in a
    report can be read as markup. The URL contains the bot token: do not log it."""
    if not (token and str(chat_id).strip()):
        raise ValueError("token and chat_id are required")
    if not text or len(text) > TEXT_LIMIT:
        raise ValueError(f"text must be 1..{TEXT_LIMIT} characters")
    chat = str(chat_id).strip()
    body: dict[str, Any] = {
        "chat_id": int(chat) if chat.lstrip("-").isdigit() else chat,
        "text": text,
    }
    if reply_to_message_id is not None:
        body["reply_parameters"] = {
            "message_id": int(reply_to_message_id),
            "allow_sending_without_reply": True,
        }
    url = f"{base_url.rstrip('/')}/bot{token}/sendMessage"
    return url, {"Content-Type": "application/json"}, body
