"""Forms of the report pages: they read what a person typed; the rules (scope, who
may, the period's length) stay in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deskpemilu.core.dateinput import moment_field
from deskpemilu.regions.codes import normalise_region_code
from deskpemilu.regions.models import Region
from deskpemilu.reports.models import ReportKind


def _moment(label: Any) -> forms.DateTimeField:
    """A wall-clock time typed day/month/year, read as WIB (core/dateinput.py)."""
    return moment_field(label)


class ReportNewForm(forms.Form):
    region = forms.CharField(
        label=gettext_lazy("Region (code)"),
        max_length=20,
        help_text=gettext_lazy("The province (36) or a regency/city, e.g. 36.02"),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=[
            (ReportKind.ON_DEMAND.value, ReportKind.ON_DEMAND.label),
            (ReportKind.DAILY.value, ReportKind.DAILY.label),
            (ReportKind.FINAL.value, ReportKind.FINAL.label),
        ],
    )
    start = _moment(gettext_lazy("From (WIB)"))
    end = _moment(gettext_lazy("To (WIB)"))

    def clean_region(self) -> Region:
        raw = self.cleaned_data["region"]
        code = normalise_region_code(raw)
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise forms.ValidationError(
                _("No region has the code %(code)s.") % {"code": raw}
            )
        return region


class ReportEditForm(forms.Form):
    recommendations = forms.CharField(
        label=gettext_lazy("Recommendations"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionForm(forms.Form):
    correction = forms.CharField(
        label=gettext_lazy("What this revision corrects"),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
