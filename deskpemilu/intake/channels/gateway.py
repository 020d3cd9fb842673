"""A self-hosted SMS gateway calling the desk over HTTP: Kannel's ``sms-service``
``get-url``, Gammu SMSD's ``RunOnReceive`` script calling us, or any Android/modem
gateway that can call a URL (GET query or POST form) with the sender and the text.

Shape followed: the Kannel User's Guide, "Setting up a SMS gateway", table
"Parameters (escape codes)", and Kannel's ``urltrans.c``: the operator writes a URL
such as (docs/gateways.md has the whole configuration)::

    get-url = "https://desk.example/webhooks/sms?key=SECRET&sender=%p&to=%P
               &text=%b&coding=%c&charset=%C&id=%I&time=%t&smsc=%i"

``%p`` sender, ``%P`` receiver, ``%b`` the message as sent (its bytes,
URL-encoded), ``%c`` its coding, ``%C`` its charset, ``%I`` Kannel's message UUID,
``%t`` send time as ``YYYY-MM-DD+HH:MM:SS`` in UTC (Kannel formats it with
``gmtime``), ``%T`` send time as Unix seconds, ``%i`` the *SMSC connection's* id.
``%a`` (all words, spaces squeezed) must not be used: it squeezes the byte 0x20
inside UCS-2 text too, which breaks the UTF-16 of any character with 0x20 in it
(curly quotes U+201C/U+201D, the dash U+2013). Kannel's ``post-url`` (the text as
the request body with ``X-Kannel-*`` headers) is not supported: use ``get-url``.
Accepted parameter names:

* sender: ``sender`` | ``from`` | ``phone`` | ``msisdn``
* text: ``text`` | ``message`` | ``msg`` | ``body``
* message id: ``id`` | ``message_id`` | ``msgid``
* time: ``time`` | ``timestamp`` | ``sent_at`` | ``sent_timestamp``
* receiver: ``to`` | ``receiver`` | ``recipient``; SMSC link: ``smsc`` | ``smsc_id``
* the text's coding and charset: ``coding`` (Kannel's ``%c``) and ``charset``
  (``%C``)

Text encoding. A phone sends an SMS with one character outside the GSM alphabet
(an emoji, curly quotes) as UCS-2, and Kannel hands its bytes on as UTF-16BE with
``coding=2``/``charset=UTF-16BE``; 7-bit text (``coding=0``) comes as UTF-8; 8-bit
data (``coding=1``, charset ``8-BIT``) as the phone's bytes. The query or form is
therefore read as bytes (:func:`gateway_form`), never by a framework that decodes
it as UTF-8, and the text is decoded by :func:`decode_text`: by ``charset`` when it
names UTF-16BE/UCS-2, UTF-8, ISO-8859-1 or WINDOWS-1252, else by ``coding``; bytes
with no usable hint are read as UTF-16BE when they hold NUL bytes (a gateway
configured without ``coding``), else UTF-8, else WINDOWS-1252.

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
sends a non-empty body back to the sender as an SMS, in the GSM 7-bit alphabet
with ``?`` for any character it lacks, unless the answer carries
``X-Kannel-Coding: 2`` (:func:`gateway_reply_headers`, for an answer that quotes an
emoji or curly quotes back) and the ``sms-service`` has
``accept-x-kannel-headers = true``: then it goes as UCS-2, as a phone would send it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

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
CODING_NAMES = ("coding",)
CHARSET_NAMES = ("charset",)

# Kannel's %c: 0 = 7-bit GSM text (handed on as UTF-8), 1 = 8-bit data, 2 = UCS-2.
_CODING_CODECS = {"0": "utf-8", "2": "utf-16-be"}
# Kannel's %C, and the names other gateways write; "8-BIT" names no charset.
_CHARSET_CODECS = {
    "UTF-16BE": "utf-16-be",
    "UTF-16": "utf-16-be",  # Kannel's UCS-2 is big-endian, without a BOM
    "UCS-2": "utf-16-be",
    "UCS2": "utf-16-be",
    "UCS-2BE": "utf-16-be",
    "UTF-8": "utf-8",
    "UTF8": "utf-8",
    "ISO-8859-1": "latin-1",
    "ISO8859-1": "latin-1",
    "LATIN1": "latin-1",
    "WINDOWS-1252": "cp1252",
    "CP1252": "cp1252",
}

# GSM 03.38: the 7-bit default alphabet and its extension table, as Unicode.
GSM_7BIT = frozenset(
    "@\u00a3$\u00a5\u00e8\u00e9\u00f9\u00ec\u00f2\u00c7\n\u00d8\u00f8\r\u00c5\u00e5"
    "\u0394_\u03a6\u0393\u039b\u03a9\u03a0\u03a8\u03a3\u0398\u039e\u00c6\u00e6\u00df\u00c9"
    " !\"#\u00a4%&'()*+,-./0123456789:;<=>?"
    "\u00a1ABCDEFGHIJKLMNOPQRSTUVWXYZ\u00c4\u00d6\u00d1\u00dc\u00a7"
    "\u00bfabcdefghijklmnopqrstuvwxyz\u00e4\u00f6\u00f1\u00fc\u00e0"
    "\f^{}\\[~]|\u20ac"
)
KANNEL_UCS2 = {"X-Kannel-Coding": "2"}

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


def _fallback(data: bytes) -> str:
    """Bytes with no usable charset: UTF-8 when they are UTF-8, else WINDOWS-1252
    (the five bytes it leaves undefined read as ISO-8859-1), which never fails."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _guess(data: bytes) -> str:
    """A NUL byte never occurs in text a phone sends except as UTF-16 (UCS-2)."""
    if b"\x00" in data and len(data) % 2 == 0:
        try:
            return data.decode("utf-16-be")
        except UnicodeDecodeError:
            pass
    return _fallback(data)


def decode_text(data: bytes, coding: str | None, charset: str | None) -> str:
    """The message bytes as text, by the gateway's ``charset`` (Kannel ``%C``)
    when it names one, else its ``coding`` (Kannel ``%c``), else by their look.

    Never fails: bytes that do not fit the named charset are read as with no
    hint (UTF-16 with U+FFFD for a broken pair); the raw request keeps them as
    sent.
    """
    name = (charset or "").strip().upper().replace("_", "-")
    codec = _CHARSET_CODECS.get(name) or _CODING_CODECS.get((coding or "").strip())
    if codec is None:
        return _guess(data)
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        if codec == "utf-16-be":
            return data.decode(codec, errors="replace")
        return _guess(data)


def gateway_form(encoded: str | bytes) -> dict[str, list[str]]:
    """A query string or ``application/x-www-form-urlencoded`` body, read as bytes:
    the text parameter decoded by :func:`decode_text`, every other value as
    UTF-8 (else WINDOWS-1252). ``+`` is a space, as in any form."""
    if isinstance(encoded, bytes):
        encoded = encoded.decode("latin-1")
    # latin-1 maps each percent-decoded byte to one character: the bytes survive.
    pairs = parse_qsl(encoded, keep_blank_values=True, encoding="latin-1")
    found: dict[str, list[bytes]] = {}
    for name, value in pairs:
        found.setdefault(_fallback(name.encode("latin-1")), []).append(
            value.encode("latin-1")
        )
    coding = _first_ascii(found, CODING_NAMES)
    charset = _first_ascii(found, CHARSET_NAMES)
    return {
        name: [
            decode_text(value, coding, charset)
            if name in TEXT_NAMES
            else _fallback(value)
            for value in values
        ]
        for name, values in found.items()
    }


def _first_ascii(found: dict[str, list[bytes]], names: tuple[str, ...]) -> str | None:
    for name in names:
        if found.get(name):
            return found[name][0].decode("ascii", errors="replace")
    return None


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


def gateway_reply_headers(text: str) -> dict[str, str]:
    """Headers for the plain-text answer: ``X-Kannel-Coding: 2`` (send as UCS-2)
    when the answer has a character the GSM 7-bit alphabet lacks. Gateways other
    than Kannel ignore it."""
    return dict(KANNEL_UCS2) if any(c not in GSM_7BIT for c in text) else {}


def gateway_parse(params: Mapping[str, Any]) -> Inbound:
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
