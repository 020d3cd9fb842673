"""Sending an SMS through Kannel's sendsms HTTP interface (smsbox's
``sendsms-port``): the request and what Kannel's answer means.

Pure code: no database, no network; ``intake/outbound.py`` sends.

Shape followed: the Kannel User's Guide, "SMS Push (send-sms) CGI interface" and
"SMS Push (send-sms) CGI variables", checked against Kannel 1.4.5 (Debian)::

    GET {sendsms-url}?username=U&password=P&to=%2B62...&text=...&from=DESK
        &charset=UTF-8&coding=0|2

``username``/``password`` name a ``group = sendsms-user``; ``to`` is the number
with ``+`` (URL-encoded: a bare ``+`` or space would separate several
receivers); ``from`` may be left out when the smsbox has a ``global-sender``.
Text in the GSM 03.38 alphabet goes with ``coding=0`` (7-bit); any other character
(an emoji, curly quotes, most non-Latin letters) makes it ``coding=2`` (UCS-2),
as a phone would send it. Either way the text is written in UTF-8 and
``charset=UTF-8`` tells Kannel so; Kannel converts it to the SMSC's alphabet.

Long text. Kannel splits a text longer than one SMS into concatenated parts
itself (``concatenation = true`` in the sendsms-user group) but silently drops
what lies beyond its ``max-messages``. The desk therefore cuts the text to
``parts`` SMS first (:func:`sms_fit`, at a word, with ``...``), so what the
phone shows always ends where the desk meant, and the sendsms-user needs
``max-messages`` at least ``DESKPEMILU_SMS_MAX_PARTS``.

Kannel's answers (smsbox.c):

* 202 ``0: Accepted for delivery``: sent on to the SMSC.
* 202 ``3: Queued for later delivery``: no SMSC is connected now; Kannel keeps
  the message (in its store) and sends it when one is. Accepted: from here it is
  Kannel's to deliver.
* 400 (``Missing receiver number, rejected``, ``Sender missing and no global
  set, rejected``, a bad coding or charset) and 403 (``Authorization failed for
  sendsms``, ``Not routable. Do not try again.``, a number on a black list):
  the same request can never succeed; given up at once.
* 5xx (``Sending failed.``, ``Temporal failure, try again later.``), no answer
  (Kannel not running: connection refused) or a time-out: tried again later.
"""

from __future__ import annotations

from urllib.parse import urlencode

from deskpemilu.intake.gsm7 import EXTENSION, SMS_GSM7, SMS_UCS2, sms_units

# One part of a concatenated SMS loses room to its header (UDH, 6 octets).
PART_GSM7 = 153
PART_UCS2 = 67
ELLIPSIS = "..."
CODING_GSM7 = "0"
CODING_UCS2 = "2"


def sms_capacity(encoding: str, parts: int) -> int:
    """How many units (characters; GSM extensions and emoji count two) `parts`
    SMS carry in `encoding` (``gsm7`` or ``ucs2``)."""
    if parts <= 1:
        return SMS_GSM7 if encoding == "gsm7" else SMS_UCS2
    return parts * (PART_GSM7 if encoding == "gsm7" else PART_UCS2)


def sms_parts(text: str) -> int:
    """How many SMS `text` takes."""
    encoding, units = sms_units(text)
    for parts in range(1, 256):
        if units <= sms_capacity(encoding, parts):
            return parts
    return 255


def sms_fit(text: str, parts: int, keep: str = "") -> str:
    """`text` followed by `keep` when they fit `parts` SMS; else `text` cut at the
    last space that leaves room for ``...`` and `keep` (mid-word only when no
    space is near the end), then `keep` whole (a link must not be cut)."""
    whole = text + keep
    if sms_parts(whole) <= parts:
        return whole
    encoding, _ = sms_units(whole)
    room = sms_capacity(encoding, parts) - len(ELLIPSIS)
    room -= sum(_units(ch, encoding) for ch in keep)
    kept: list[str] = []
    used = 0
    for ch in text:
        units = _units(ch, encoding)
        if used + units > room:
            break
        kept.append(ch)
        used += units
    cut = "".join(kept)
    space = cut.rfind(" ")
    if space >= len(cut) * 2 // 3:
        cut = cut[:space]
    return cut.rstrip() + ELLIPSIS + keep


def _units(ch: str, encoding: str) -> int:
    if encoding == "gsm7":
        return 2 if ch in EXTENSION else 1
    return 2 if ord(ch) > 0xFFFF else 1


def sms_coding(text: str) -> str:
    """Kannel's ``coding``: 0 (7-bit) for GSM 03.38 text, else 2 (UCS-2)."""
    encoding, _ = sms_units(text)
    return CODING_GSM7 if encoding == "gsm7" else CODING_UCS2


def kannel_recipient(number: str) -> str:
    """A number in the desk's normal form (``6281...``) as Kannel's ``to``:
    international, with ``+``."""
    number = number.strip()
    return number if number.startswith("+") else f"+{number}"


def kannel_sendsms(
    url: str,
    *,
    username: str,
    password: str,
    sender: str,
    to: str,
    text: str,
    dlr_url: str = "",
    dlr_mask: int = 0,
) -> str:
    """The GET request's URL for one SMS (`text` as it should arrive: cut it with
    :func:`sms_fit` first). An empty `sender` leaves ``from`` to Kannel's
    ``global-sender``. A `dlr_url` asks Kannel for delivery reports
    (``dlr-mask``, e.g. 1 delivered + 2 failed) at that URL, where Kannel
    replaces ``%d`` with the report's type."""
    query = {
        "username": username,
        "password": password,
        "to": kannel_recipient(to),
        "text": text,
        "charset": "UTF-8",
        "coding": sms_coding(text),
    }
    if sender:
        query["from"] = sender
    if dlr_url and dlr_mask:
        query["dlr-mask"] = str(dlr_mask)
        query["dlr-url"] = dlr_url
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}{urlencode(query)}"


def kannel_gives_up(status: int) -> bool:
    """Whether Kannel's HTTP status says the same request can never succeed."""
    return 400 <= status < 500
