"""An incident's history in words: the stored values of its events (codes, choice
values, ISO times) shown as the names and labels people read."""

from __future__ import annotations

import datetime as dt

from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils import formats, timezone

from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents.models import Incident
from deskpemilu.incidents.taxonomy import Category, Severity
from deskpemilu.regions.models import TPS, Region

register = template.Library()

_CHOICES = {"category": Category, "severity": Severity}


@register.filter
def field_label(name: str) -> str:
    """'category' -> 'kategori' (the field's verbose name in the active language)."""
    try:
        field = Incident._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    return str(getattr(field, "verbose_name", name))


@register.filter
def change_value(value: object, field: str) -> str:
    """A stored value of a field shown in words: a category or severity by its label,
    a region by its name, a TPS by its name and desa, a time in WIB."""
    if value in (None, ""):
        return "—"
    text = str(value)
    if field in _CHOICES:
        choices = _CHOICES[field]
        return str(choices(text).label) if text in choices.values else text
    if field == "region":
        return region_name(text)
    if field == "tps":
        tps = TPS.objects.select_related("desa").filter(code=text).first()
        return f"{tps.name}, {tps.desa.name}" if tps else text
    if field == "occurred_at":
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
        local = timezone.localtime(moment, WIB)
        return formats.date_format(local, "DATETIME_FORMAT")
    return text


@register.filter
def region_name(code: object) -> str:
    """A dotted region code by the region's name ('36.02.01.2002' -> 'Cibadak ...'),
    the code itself when no region has it."""
    region = Region.objects.filter(code=str(code)).only("name", "kind").first()
    return f"{region.name} ({code})" if region else str(code)
