"""A self-hosted SMS gateway calling the desk over HTTP: Kannel's ``sms-service``
``get-url``/``post-url``, Gammu SMSD's ``RunOnReceive`` script posting to us, or any
Android/modem gateway that can call a URL with the sender and the text.

Shape followed: the Kannel User's Guide, "Setting up a SMS gateway", table
"Parameters (escape codes)", and Kannel's ``urltrans.c``: the operator writes a URL
such as::

    get-url = "https://desk.example/intake/sms/?key=SECRET&sender=%p&to=%P
               &text=%b&id=%I&time=%T&smsc=%i"

``%p`` sender, ``%P`` receiver, ``%a`` all words (spaces squeezed) or ``%b`` the
message as sent, ``%I`` Kannel's message UUID, ``%t`` send time as
``YYYY-MM-DD+HH:MM:SS`` in UTC (Kannel formats it with ``gmtime``), ``%T`` send time
as Unix seconds, ``%i`` the *SMSC connection's* id. Accepted parameter names:

* sender: ``sender`` | ``from`` | ``phone`` | ``msisdn``
* text: ``text`` | ``message`` | ``msg`` | ``body``
* message id: ``id`` | ``message_id`` | ``msgid``
* time: ``time`` | ``timestamp`` | ``sent_at`` | ``sent_timestamp``
* receiver: ``to`` | ``receiver`` | ``recipient``; SMSC link: ``smsc`` | ``smsc_id``

``smsc_id`` is deliberately *not* a message id: Kannel's ``%i`` names the SMSC
connection (``telkomsel``), the same for every message on that link, so using it
for idempotency would drop every message after the first.

``provider_id`` is the gateway's message id (Kannel ``%I``) or ``""`` when the
gateway sends none; then retries cannot be recognised and the caller must accept
possible duplicates.

Times without an offset are taken as UTC (Kannel's ``%t``). A gateway that writes
local time (WIB) must send an offset (``2024-02-14T10:15:00+07:00``) or Unix time.

The shared secret comes in the ``key`` (or ``secret``) parameter or a header; check
it with :func:`gateway_verify` before parsing. Answer with ``text/plain``: Kannel
sends a non-empty body back to the sender as an SMS.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from .base import (
    SMS_GATEWAY,
    Inbound,
    clean_text,
    first_of,
    from_unix,
    payload_error,
    require_secret,
    same_secret,
    sender_from,
    signature_error,
)

GATEWAY_CONTENT_TYPE = "text/plain; charset=utf-8"

SENDER_NAMES = ("sender", "from", "phone", "msisdn")
TEXT_NAMES = ("text", "message", "msg", "body")
ID_NAMES = ("id", "message_id", "msgid")
TIME_NAMES = ("time", "timestamp", "sent_at", "sent_timestamp")
TO_NAMES = ("to", "receiver", "recipient")
SMSC_NAMES = ("smsc", "smsc_id")
SECRET_NAMES = ("key", "secret")

# Kannel's %t: "2024-02-14+03:15:00" (the + is a URL-encoded space; either may
# arrive), and the older documented "YYYY-MM-DD HH:MM".
_KANNEL_TIME = re.compile(r"(\d{4}-\d{2}-\d{2})[ T+](\d{2}:\d{2}(?::\d{2})?)")


def gateway_verify(
    secret: str, params: Mapping[str, Any], header: str | None = None
) -> None:
    """Check the shared secret, from ``header`` (e.g. ``X-Gateway-Key``) if given,
    else from the ``key``/``secret`` parameter; raise SignatureError if wrong."""
    require_secret(secret, "SMS gateway key")
    given = header if header else first_of(params, SECRET_NAMES)
    if not given:
        raise signature_error("missing_key", "gateway key parameter/header missing")
    if not same_secret(secret, given):
        raise signature_error("bad_key", "gateway key does not match")


def _parse_time(raw: str) -> datetime:
    value = raw.strip()
    if value.isdigit():
        return from_unix(value, "time")
    match = _KANNEL_TIME.fullmatch(value)
    if match:
        value = f"{match.group(1)}T{match.group(2)}"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise payload_error(
            "bad_time", "waktu kirim tidak sah", f"time not understood: {raw!r}"
        ) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def gateway_parse(params: Mapping[str, str]) -> Inbound:
    """The gateway's GET query or POST form as an :class:`Inbound`.

    The secret parameter never reaches ``meta``.
    """
    raw_sender = (first_of(params, SENDER_NAMES) or "").strip()
    if not raw_sender:
        raise payload_error(
            "missing_sender",
            "pengirim tidak ada",
            f"none of the sender parameters {SENDER_NAMES} present",
        )
    text = first_of(params, TEXT_NAMES)
    if text is None:
        raise payload_error(
            "missing_text",
            "isi pesan tidak ada",
            f"none of the text parameters {TEXT_NAMES} present",
        )
    raw_time = first_of(params, TIME_NAMES)
    meta: dict[str, Any] = {}
    to = first_of(params, TO_NAMES)
    if to:
        meta["to"] = to.strip()
    smsc = first_of(params, SMSC_NAMES)
    if smsc:
        meta["smsc"] = smsc.strip()
    return Inbound(
        channel=SMS_GATEWAY,
        provider_id=(first_of(params, ID_NAMES) or "").strip(),
        sender=sender_from(raw_sender),
        sender_name="",
        text=clean_text(text),
        sent_at=_parse_time(raw_time) if raw_time and raw_time.strip() else None,
        attachments=[],
        reply_to=raw_sender,
        meta=meta,
    )
