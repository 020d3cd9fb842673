"""Small filters of the results pages."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.formats import number_format

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
    return f"{number_format(float(value) * 100, int(digits))}\u00a0%"


@register.filter
def percent_number(value: Any) -> str:
    """0.1234 -> "12.3" for CSS (always a dot)."""
    try:
        return f"{float(value) * 100:.1f}"
    except (TypeError, ValueError):
        return "0"
