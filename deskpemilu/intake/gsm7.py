"""How long a reply is as an SMS, and how to keep it in one.

Pure code. A phone network carries an SMS in the GSM 03.38 7-bit alphabet (160
characters in one SMS; the extension characters ``^{}\\[~]|€`` count two) or, as
soon as one character is outside it, in UCS-2 (70 characters). Replies to SMS
channels are written to fit one SMS in the 7-bit alphabet; text the sender typed
that a reply repeats is first brought into that alphabet with :func:`to_gsm7`.
"""

from __future__ import annotations

import unicodedata

SMS_GSM7 = 160
SMS_UCS2 = 70
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENSION = frozenset("^{}\\[~]|€\f")
# Characters phones and keyboards put in for ones of the 7-bit alphabet.
_LOOKALIKE = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\u2026": "...",
        "\u00a0": " ",
        "\t": " ",
        "`": "'",
        "\u00b4": "'",
    }
)


def is_gsm7(text: str) -> bool:
    return all(ch in BASIC or ch in EXTENSION for ch in text)


def sms_units(text: str) -> tuple[str, int]:
    """The encoding a phone network needs for `text` (``gsm7`` or ``ucs2``) and its
    length in that encoding's units (characters; 7-bit extensions count two; a
    character beyond the Basic Multilingual Plane, such as an emoji, two in UCS-2)."""
    if is_gsm7(text):
        return "gsm7", sum(2 if ch in EXTENSION else 1 for ch in text)
    return "ucs2", sum(2 if ord(ch) > 0xFFFF else 1 for ch in text)


def fits_one_sms(text: str) -> bool:
    encoding, units = sms_units(text)
    return units <= (SMS_GSM7 if encoding == "gsm7" else SMS_UCS2)


def to_gsm7(text: str) -> str:
    """`text` in the 7-bit alphabet: look-alikes replaced (curly quotes, dashes),
    accents dropped where the alphabet lacks the letter (``ç`` -> ``c``), anything
    else (an emoji) shown as ``?``."""
    text = text.translate(_LOOKALIKE)
    out = []
    for ch in text:
        if ch in BASIC or ch in EXTENSION:
            out.append(ch)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c)
        )
        out.append(base if base and all(c in BASIC for c in base) else "?")
    return "".join(out)
