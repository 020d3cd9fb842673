"""Date and moment fields typed as day/month/year, whatever the browser's locale.

A native `<input type=date>` shows the browser's own order (month first on an
American laptop), so the desk's fields are text boxes in the language's typed format
(deskpemilu/formats/: `DATE_INPUT_FORMATS[0]`, "14/02/2024", and "14/02/2024
14:05" for a moment, read as WIB); ISO ("2024-02-14", "2024-02-14T14:05", what links
and the old pickers send) is accepted too. Views that read a raw query parameter use
`parse_day` / `parse_moment`, so a link and a form mean the same thing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy

from deskpemilu.core.timeutil import WIB

DAY_PLACEHOLDER = gettext_lazy("dd/mm/yyyy")
MOMENT_PLACEHOLDER = gettext_lazy("dd/mm/yyyy hh:mm")


class DayInput(forms.DateInput):
    """A text box for a date, written and read day/month/year."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "placeholder": DAY_PLACEHOLDER,
            "inputmode": "numeric",
            "autocomplete": "off",
            "size": 10,
            "class": "day-input",
        }
        super().__init__(attrs=base | (attrs or {}), format="%d/%m/%Y")


class MomentInput(forms.DateTimeInput):
    """A text box for a moment (WIB), written and read day/month/year hours:minutes."""

    input_type = "text"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        base = {
            "placeholder": MOMENT_PLACEHOLDER,
            "autocomplete": "off",
            "size": 16,
            "class": "moment-input",
        }
        super().__init__(attrs=base | (attrs or {}), format="%d/%m/%Y %H:%M")


def day_field(label: Any, *, required: bool = True, **kwargs: Any) -> forms.DateField:
    """A date form field with the desk's day/month/year text box."""
    return forms.DateField(label=label, required=required, widget=DayInput(), **kwargs)


def moment_field(
    label: Any, *, required: bool = True, **kwargs: Any
) -> forms.DateTimeField:
    """A moment form field (a wall-clock time, read as WIB) with the desk's text box."""
    return forms.DateTimeField(
        label=label, required=required, widget=MomentInput(), **kwargs
    )


def parse_day(raw: str | None) -> dt.date | None:
    """A typed or linked date (d/m/Y or ISO), None when it is not one."""
    text = (raw or "").strip()
    for pattern in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def parse_moment(raw: str | None) -> dt.datetime | None:
    """A typed or linked moment (d/m/Y H:M or ISO, with or without an offset), read
    as WIB when it names no zone; None when it is not one."""
    text = (raw or "").strip()
    for pattern in formats.get_format("DATETIME_INPUT_FORMATS"):
        try:
            moment = dt.datetime.strptime(text, pattern)
        except ValueError:
            continue
        return moment.replace(tzinfo=WIB)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if timezone.is_aware(moment) else moment.replace(tzinfo=WIB)
