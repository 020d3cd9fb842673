"""Template filters of the intake pages."""

from __future__ import annotations

from django import template

from deskpemilu.intake import labels

register = template.Library()
KEEP_START, KEEP_END = 5, 3


@register.filter
def mask_phone(value: object) -> str:
    """A phone number (or other sender id) with its middle hidden, for people who
    may not see personal data: the first 5 and last 3 characters stay, stars
    between (6281234567890 -> 62812*****890). A value too short to keep both ends
    shows only its first two characters."""
    text = "" if value is None else str(value)
    if len(text) > KEEP_START + KEEP_END:
        hidden = len(text) - KEEP_START - KEEP_END
        return text[:KEEP_START] + "*" * hidden + text[-KEEP_END:]
    if len(text) > 2:
        return text[:2] + "*" * (len(text) - 2)
    return "*" * len(text)


@register.filter
def error_label(code: object) -> str:
    """'unknown_tps' -> 'TPS tidak terdaftar' (intake/labels.py)."""
    return labels.error_label(str(code or ""))


@register.filter
def parsed_label(key: object) -> str:
    """'place_code' -> 'kode tempat' (intake/labels.py)."""
    return labels.parsed_label(str(key or ""))
