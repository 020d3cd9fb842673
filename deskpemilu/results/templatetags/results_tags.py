"""Small filters of the results pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

from deskpemilu.results import labels

register = template.Library()


@register.filter
def get_item(mapping: Any, key: object) -> Any:
    """`mapping[key]`, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def index(items: Any, number: Any) -> Any:
    """The item of a 1-based number (a ballot number), or ""."""
    try:
        return items[int(number) - 1]
    except (IndexError, TypeError, ValueError):
        return ""


@register.filter
def percent(value: Any, digits: int = 1) -> str:
    """0.1234 -> "12,3 %" in the page's language."""
    if value is None or value == "":
        return ""
    # Rounded here: number_format cuts the digits off (95.65 would show 95,6).
    places = int(digits)
    return f"{number_format(round(float(value) * 100, places), places)}\u00a0%"


@register.filter
def percent_number(value: Any) -> str:
    """0.1234 -> "12.3" for CSS (always a dot)."""
    try:
        return f"{float(value) * 100:.1f}"
    except (TypeError, ValueError):
        return "0"


# The codes the desk keeps, in words (results/labels.py) ------------------------


@register.filter
def field_label(name: Any) -> str:
    """'dpt_laki' -> 'DPT laki-laki'."""
    return labels.field_label(str(name or ""))


@register.filter
def check_label(name: Any) -> str:
    """'sum_mismatch' -> 'Suara paslon dijumlah = suara sah'."""
    return labels.check_label(str(name or ""))


@register.filter
def source_label(name: Any) -> str:
    """'kpu_sirekap' -> 'KPU (Sirekap)'."""
    return labels.source_label(str(name or ""))


@register.filter
def in_words(text: Any) -> str:
    """A check's detail with the field and source codes in it as their labels
    ('suara_sah = 110' -> 'suara sah = 110'): the stored text keeps the codes."""
    return labels.detail_in_words(str(text or ""))


@register.filter
def screen_detail(result: Any) -> str:
    """A statistical screen's finding in the page's language."""
    return labels.screen_detail(result)
