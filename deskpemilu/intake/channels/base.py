"""What every channel adapter shares: the normalised message, the two errors, and
phone-number normalisation.

Pure code: no database, no ORM, no network. Each provider module turns that
provider's documented webhook request into :class:`Inbound` values.

Decisions that hold for every channel:

* ``text`` is kept exactly as the provider delivered it, except that trailing
  whitespace and newlines are removed (gateways and phones pad messages; a report
  never ends in meaningful blanks). Leading and inner whitespace, line breaks and
  case are left alone, because the message parser reads structured codes.
* ``sent_at`` is an aware UTC datetime when the provider gives a time, else None.
* ``sender`` is a phone number as digits with its country code and no ``+``
  (Indonesian numbers normalised to ``62...``, see :func:`normalise_phone`), or a
  prefixed id for senders that are not phones (``tg:<id>``, ``wa:<BSUID>``), or, for
  alphanumeric SMS senders such as ``TELKOMSEL``, the sender as given.
* ``reply_to`` is the address in the form the provider itself uses to send back
  (Twilio: ``+62...`` or ``whatsapp:+62...``; gateway: the sender string the gateway
  gave; WhatsApp: the ``wa_id``; Telegram: the chat id).
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from deskpemilu.core import jsonload

# The providers' documented JSON payloads nest about ten levels deep; a body nested
# deeper is refused as unreadable before anything recurses into it.
MAX_JSON_DEPTH = 64

SMS_TWILIO = "sms_twilio"
SMS_GATEWAY = "sms_gateway"
WHATSAPP = "whatsapp"
TELEGRAM = "telegram"


@dataclass(frozen=True)
class Inbound:
    """One message as received from a provider, in the desk's own terms."""

    channel: str
    """``sms_twilio`` | ``sms_gateway`` | ``whatsapp`` | ``telegram``."""
    provider_id: str
    """The provider's id for this message; the same on every retry of the same
    delivery, so ``(channel, provider_id)`` deduplicates. Empty when the provider
    gives none (an SMS gateway configured without a message id)."""
    sender: str
    sender_name: str
    text: str
    sent_at: datetime | None
    attachments: list[dict[str, Any]]
    reply_to: str
    meta: dict[str, Any] = field(default_factory=dict)


class ChannelError(Exception):
    """A request refused. ``message`` is Indonesian (for the desk's logs and
    screens), ``detail`` is English (for the engineer), ``code`` is short and stable
    (fits ``InboundMessage.error_code``)."""

    def __init__(self, code: str, message: str, detail: str) -> None:
        self.code = code
        self.message = message
        self.detail = detail
        super().__init__(f"{message} ({detail})")


class SignatureError(ChannelError):
    """Missing or wrong signature/secret, or none configured: answer 403."""


class PayloadError(ChannelError, ValueError):
    """A request that is not the provider's documented shape: answer 400."""


def signature_error(code: str, detail: str) -> SignatureError:
    return SignatureError(code, "Permintaan ditolak: tanda tangan tidak sah.", detail)


def payload_error(code: str, what: str, detail: str) -> PayloadError:
    return PayloadError(code, f"Pesan tidak dapat dibaca: {what}.", detail)


def require_secret(secret: str, name: str) -> None:
    """Refuse everything when the shared secret is not configured (fail closed)."""
    if not secret:
        raise SignatureError(
            "not_configured",
            "Permintaan ditolak: kunci rahasia kanal belum diatur.",
            f"{name} is not configured; refusing every request",
        )


def same_secret(expected: str, given: str) -> bool:
    """Constant-time comparison of two secrets (any characters)."""
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))


# --- phone numbers ---------------------------------------------------------------

_PHONE_SHAPE = re.compile(r"\+?[\d\s().\-/]+")
_MIN_DIGITS = 3  # operator short codes such as 3636
_MIN_INDONESIAN = 9  # 62 + the shortest area code and subscriber number
_MAX_DIGITS = 15  # E.164


def normalise_phone(raw: str) -> str:
    """A phone number as digits with its country code, no ``+``.

    ``+62 812-3456-7890``, ``0812 3456 7890``, ``6281234567890`` and
    ``0062 81234567890`` all give ``6281234567890``. A leading ``0`` is Indonesia's
    trunk prefix and becomes ``62``; ``00`` is the international prefix and is
    dropped; a ``0`` written after ``+62`` (``+62 0812...``, a common slip) is
    dropped. Other countries keep their code (``+1 415...`` -> ``1415...``). Digits
    with neither ``+`` nor ``0`` in front are taken as already international.

    Raises PayloadError for anything that is not a phone number (letters, empty,
    more than 15 digits, an Indonesian number shorter than 9 digits with ``62``).
    """
    text = (raw or "").strip()
    if not text or not _PHONE_SHAPE.fullmatch(text):
        raise payload_error(
            "bad_phone", "nomor telepon tidak dikenali", f"not a phone number: {raw!r}"
        )
    digits = re.sub(r"\D", "", text)
    if not text.startswith("+"):
        if digits.startswith("00"):
            digits = digits[2:]
        elif digits.startswith("0"):
            digits = "62" + digits[1:]
    if digits.startswith("620"):
        digits = "62" + digits[3:]
    shortest = _MIN_INDONESIAN if digits.startswith("62") else _MIN_DIGITS
    if not shortest <= len(digits) <= _MAX_DIGITS:
        raise payload_error(
            "bad_phone",
            "nomor telepon tidak dikenali",
            f"phone number has {len(digits)} digits: {raw!r}",
        )
    return digits


def sender_from(raw: str) -> str:
    """A phone sender normalised; an alphanumeric sender id (``TELKOMSEL``) kept as
    given, since it cannot be mistaken for a number."""
    try:
        return normalise_phone(raw)
    except PayloadError:
        return raw.strip()


# --- small helpers shared by the adapters ------------------------------------------


def clean_text(value: Any) -> str:
    """Message text as delivered, without trailing whitespace."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise payload_error("bad_text", "isi pesan tidak sah", "text is not a string")
    return value.rstrip()


def json_body(body: bytes) -> Any:
    """A provider's JSON body; PayloadError ``bad_json`` when it is not JSON
    (invalid UTF-8 included) or nests deeper than MAX_JSON_DEPTH."""
    try:
        return jsonload.loads(body, max_depth=MAX_JSON_DEPTH)
    except jsonload.TooDeep as exc:
        raise payload_error(
            "bad_json", "struktur JSON terlalu dalam", f"{exc}"
        ) from None
    except ValueError as exc:  # orjson's JSONDecodeError, invalid UTF-8 included
        raise payload_error(
            "bad_json", "isi permintaan bukan JSON", f"invalid JSON: {exc}"
        ) from None


def first_value(params: Mapping[str, Any], name: str) -> str | None:
    """One form/query value: a Django ``QueryDict``, a dict of strings, or a dict of
    lists (``parse_qs``). The first value wins when a name is repeated."""
    if name not in params:
        return None
    getlist = getattr(params, "getlist", None)
    values = getlist(name) if callable(getlist) else params[name]
    if isinstance(values, list | tuple):
        values = values[0] if values else ""
    if values is None:
        return None
    return str(values)


def first_of(params: Mapping[str, Any], names: tuple[str, ...]) -> str | None:
    for name in names:
        value = first_value(params, name)
        if value is not None:
            return value
    return None


def from_unix(value: Any, what: str) -> datetime:
    """A Unix time (seconds; milliseconds are recognised by size) as aware UTC."""
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise payload_error(
            "bad_time", "waktu kirim tidak sah", f"{what} is not a Unix time: {value!r}"
        ) from None
    if number > 10**11:  # milliseconds (SMSSync-style gateways)
        number //= 1000
    try:
        return datetime.fromtimestamp(number, tz=UTC)
    except (OverflowError, OSError, ValueError):
        raise payload_error(
            "bad_time", "waktu kirim tidak sah", f"{what} out of range: {value!r}"
        ) from None
