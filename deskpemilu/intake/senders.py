"""The one normal form of a sender, wherever it enters the desk (a reporter's phone
in the admin or an import, an API message's sender, a webhook, a handle linked from
the inbox).

Pure code: no Django, no database.

* A phone number: digits with the country code, no ``+`` (``0812-0000-0004``,
  ``+62 812 0000 0004`` and ``6281200000004`` are all ``6281200000004``; see
  :func:`deskpemilu.intake.channels.base.normalise_phone`).
* A Telegram user: ``tg:<numeric id>``; a WhatsApp user known only by its
  business-scoped id: ``wa:<BSUID>`` (the prefix in lower case, no spaces).
* Anything else (an alphanumeric SMS sender such as ``TELKOMSEL``) as given,
  trimmed: it cannot be mistaken for a number.
"""

from __future__ import annotations

import re

from deskpemilu.intake.channels.base import PayloadError, normalise_phone

_PREFIXED = re.compile(r"(?i)\s*(tg|wa)\s*:\s*(\S+)\s*")
HANDLE_PREFIXES = ("tg:", "wa:")


def is_normal_phone(value: str) -> bool:
    """Already in normal form (the common case, checked without a regex)."""
    return value.isdigit() and value.startswith("62") and 9 <= len(value) <= 15


def normal_handle(raw: str) -> str:
    """A sender in its normal form (see the module's docstring); never raises."""
    text = (raw or "").strip()
    if is_normal_phone(text) or text.startswith(HANDLE_PREFIXES) and " " not in text:
        return text
    if text.isdigit() and text[:1] == "0" and text[1:2] != "0":
        # The common local form (0812...), without the general parser.
        local = "62" + text[1:]
        if is_normal_phone(local):
            return local
    prefixed = _PREFIXED.fullmatch(text)
    if prefixed:
        return f"{prefixed.group(1).lower()}:{prefixed.group(2)}"
    try:
        return normalise_phone(text)
    except PayloadError:
        return text


def phone_or_error(raw: str) -> str:
    """A phone number in normal form; raises ValueError with an Indonesian message
    for anything that is not one."""
    try:
        return normalise_phone(raw)
    except PayloadError:
        raise ValueError(
            f"{raw!r} bukan nomor telepon. Tulis nomor HP seperti 0812-3456-7890 "
            "atau +62 812 3456 7890."
        ) from None


def handle_or_error(raw: str) -> str:
    """A handle a reporter may be known by: a phone number, ``tg:<id>`` or
    ``wa:<id>``; raises ValueError with an Indonesian message otherwise."""
    handle = normal_handle(raw)
    if handle.startswith(HANDLE_PREFIXES):
        if handle.startswith("tg:") and not handle[3:].lstrip("-").isdigit():
            raise ValueError(
                f"{raw!r}: id Telegram berupa angka, misalnya tg:123456789."
            )
        return handle
    return phone_or_error(raw)
