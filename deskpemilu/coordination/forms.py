"""Forms of the coordination pages: they read and tidy what a person typed; the
rules (scope, who may, the roster's people) stay in the services."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deskpemilu.accounts.models import Agency, User
from deskpemilu.coordination.models import ActionStatus, ContactRole
from deskpemilu.core.dateinput import day_field, moment_field
from deskpemilu.regions.codes import normalise_region_code
from deskpemilu.regions.models import Region


def _moment(label: Any) -> forms.DateTimeField:
    """A wall-clock time typed day/month/year, read as WIB (core/dateinput.py)."""
    return moment_field(label)


def _region(raw: str) -> Region:
    code = normalise_region_code(raw)
    region = Region.objects.filter(code=code).first() if code else None
    if region is None:
        raise forms.ValidationError(
            _("No region has the code %(code)s.") % {"code": raw}
        )
    return region


class MeetingForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    held_at = _moment(gettext_lazy("Date and time (WIB)"))
    place = forms.CharField(label=gettext_lazy("Place"), max_length=200)
    region = forms.CharField(
        label=gettext_lazy("Desk (region code)"),
        max_length=20,
        help_text=gettext_lazy("The province (36) or a regency/city, e.g. 36.02"),
    )
    agencies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agencies attending"),
        queryset=Agency.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.CharField(
        label=gettext_lazy("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    decisions = forms.CharField(
        label=gettext_lazy("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )

    def clean_region(self) -> Region:
        return _region(self.cleaned_data["region"])


class MeetingEditForm(MeetingForm):
    """The same, without the desk: a meeting stays with the desk that held it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["region"]


class ActionItemForm(forms.Form):
    description = forms.CharField(
        label=gettext_lazy("Action"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner agency"), queryset=Agency.objects.order_by("name")
    )
    due_on = day_field(gettext_lazy("Due date"))
    incidents = forms.CharField(
        label=gettext_lazy("Incidents"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("References, separated by commas, e.g. K000012"),
    )
    regions = forms.CharField(
        label=gettext_lazy("Regions"),
        required=False,
        max_length=500,
        help_text=gettext_lazy("Region codes, separated by commas, e.g. 36.01.02"),
    )

    def clean_incidents(self) -> list[int]:
        ids = []
        for part in re.split(r"[,\s;]+", self.cleaned_data["incidents"].strip()):
            if not part:
                continue
            match = re.fullmatch(r"[Kk]?0*(\d{1,12})", part)
            if match is None:
                raise forms.ValidationError(
                    _("Write incident references such as K000012.")
                )
            ids.append(int(match[1]))
        return ids

    def clean_regions(self) -> list[str]:
        codes = []
        for part in re.split(r"[,\s;]+", self.cleaned_data["regions"].strip()):
            if not part:
                continue
            code = normalise_region_code(part)
            if code is None:
                raise forms.ValidationError(
                    _("No region has the code %(code)s.") % {"code": part}
                )
            codes.append(code)
        return codes


class ActionStatusForm(forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices)


class ShiftForm(forms.Form):
    starts_at = _moment(gettext_lazy("Starts (WIB)"))
    ends_at = _moment(gettext_lazy("Ends (WIB)"))
    people = forms.ModelMultipleChoiceField(
        label=gettext_lazy("On duty"),
        queryset=User.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = people


class HandoverForm(forms.Form):
    open_matters = forms.CharField(
        label=gettext_lazy("Open matters"), widget=forms.Textarea(attrs={"rows": 4})
    )
    to_watch = forms.CharField(
        label=gettext_lazy("What to watch"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ContactSearchForm(forms.Form):
    """The directory's filters; anything unreadable is simply not applied."""

    wilayah = forms.CharField(label=gettext_lazy("Region code"), required=False)
    peran = forms.ChoiceField(
        label=gettext_lazy("Role"),
        required=False,
        choices=[("", "—"), *ContactRole.choices],
    )
    nama = forms.CharField(label=gettext_lazy("Name"), required=False, max_length=120)

    def clean_wilayah(self) -> Region | None:
        raw = self.cleaned_data["wilayah"].strip()
        return _region(raw) if raw else None


class ContactImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))
