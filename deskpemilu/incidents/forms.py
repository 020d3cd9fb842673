"""Forms of the incident pages: they read and tidy what a person typed; the rules
(time, place, scope, workflow) stay in the services, whose errors are shown on the
same forms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.db.models import QuerySet
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deskpemilu.accounts.models import Agency
from deskpemilu.core.dateinput import day_field, moment_field
from deskpemilu.elections.models import Stage
from deskpemilu.elections.selectors import election_current
from deskpemilu.incidents.models import Incident
from deskpemilu.incidents.selectors import IncidentFilters, agencies_covering
from deskpemilu.incidents.taxonomy import Category, RejectReason, Severity, Status
from deskpemilu.regions.codes import normalise_region_code, typed_tps_code
from deskpemilu.regions.models import TPS, Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def _moment_field(label: StrOrPromise, *, required: bool = True) -> forms.DateTimeField:
    """A wall-clock time typed day/month/year, read as WIB (core/dateinput.py)."""
    return moment_field(label, required=required)


def _blank(
    choices: Iterable[tuple[str, StrOrPromise]],
) -> list[tuple[str, StrOrPromise]]:
    return [("", "—"), *choices]


def _finder(datalist: str, *, tps: bool = False) -> dict[str, Any]:
    """A text box that offers the places matching what is typed (regions.views.
    place_search through htmx into a <datalist>); without script it takes a code or
    an exact name."""
    url = reverse_lazy("place-search")
    return {
        "list": datalist,
        "autocomplete": "off",
        # Lazy: the URL table imports this module's views.
        "hx-get": format_lazy("{}?tps=1", url) if tps else url,
        "hx-trigger": "input changed delay:250ms",
        "hx-target": f"#{datalist}",
        "hx-sync": "this:replace",
    }


# "Kemanisan · Curug · Kota Serang (36.73.04.1003)": the code a picked option shows.
_LABELLED_CODE = re.compile(r"\(([\d.]+)\)\s*$")


class IncidentForm(forms.Form):
    """A new incident typed in by desk staff."""

    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=_blank(Category.choices)
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=_blank(Severity.choices)
    )
    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    region = forms.CharField(
        label=gettext_lazy("Region"),
        required=False,
        max_length=120,
        help_text=gettext_lazy(
            "Type a village, kecamatan or kab/kota name and pick it from the list,"
            " or its Kemendagri code (36.73.04 or 367304)"
        ),
        widget=forms.TextInput(attrs=_finder("region-options")),
    )
    tps = forms.CharField(
        label=gettext_lazy("TPS"),
        required=False,
        max_length=120,
        help_text=gettext_lazy(
            "Type the village name and the TPS number (Kemanisan 5) and pick it,"
            " or its 13-digit code (3673041003005)"
        ),
        widget=forms.TextInput(attrs=_finder("tps-options", tps=True)),
    )
    occurred_at = _moment_field(gettext_lazy("Time of incident (WIB)"))
    lat = forms.FloatField(
        label=gettext_lazy("Latitude"), required=False, min_value=-90, max_value=90
    )
    lng = forms.FloatField(
        label=gettext_lazy("Longitude"), required=False, min_value=-180, max_value=180
    )
    person_name = forms.CharField(
        label=gettext_lazy("Reporter name"), required=False, max_length=120
    )
    person_contact = forms.CharField(
        label=gettext_lazy("Reporter contact"), required=False, max_length=120
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("lat", "lng"):
            self.fields[name].widget.attrs["step"] = "any"

    def clean_region(self) -> Region | None:
        raw = self.cleaned_data["region"].strip()
        if not raw:
            return None
        labelled = _LABELLED_CODE.search(raw)
        code = normalise_region_code(labelled.group(1) if labelled else raw)
        if code:
            region = Region.objects.filter(code=code).first()
            if region is None:
                raise forms.ValidationError(
                    _("No region has the code %(code)s.") % {"code": raw}
                )
            return region
        named = list(
            Region.objects.filter(
                level__in=("kabkota", "kecamatan", "desa"), name__iexact=raw
            ).order_by("code")[:6]
        )
        if len(named) == 1:
            return named[0]
        if not named:
            raise forms.ValidationError(
                _("No region has the code or name %(text)s.") % {"text": raw}
            )
        raise forms.ValidationError(
            _(
                "%(name)s is the name of several regions: %(codes)s. Pick one from"
                " the list or type its code."
            )
            % {"name": raw, "codes": ", ".join(r.code for r in named)}
        )

    def clean_tps(self) -> TPS | None:
        raw = typed_tps_code(self.cleaned_data["tps"])
        if not raw:
            return None
        tps = TPS.objects.select_related("desa").filter(code=raw).first()
        if tps is None:
            raise forms.ValidationError(
                _("No TPS has the code %(code)s.") % {"code": raw}
            )
        return tps

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        # A TPS alone names its desa; both given must agree (the service checks).
        if data.get("tps") and not data.get("region"):
            data["region"] = data["tps"].desa
        return data


class IncidentEditForm(IncidentForm):
    """Changes to an incident, with the version the person started from."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        kwargs.setdefault("initial", _initial(incident))
        super().__init__(*args, **kwargs)
        del self.fields["person_name"], self.fields["person_contact"]
        self.incident = incident

    def changes(self) -> dict:
        """Only what differs from the incident; the minute input drops seconds."""
        data, old = self.cleaned_data, self.incident
        changes = {
            name: data[name]
            for name in ("title", "description", "category", "severity")
            if data[name] != getattr(old, name)
        }
        if data["occurred_at"] != old.occurred_at.replace(second=0, microsecond=0):
            changes["occurred_at"] = data["occurred_at"]
        if (data["lat"], data["lng"]) != (old.lat, old.lng):
            changes |= {"lat": data["lat"], "lng": data["lng"]}
        region, tps = data.get("region"), data.get("tps")
        if (getattr(region, "pk", None), getattr(tps, "pk", None)) != (
            old.region_id,
            old.tps_id,
        ):
            changes |= {"region": region, "tps": tps}
        return changes


def _initial(incident: Incident) -> dict:
    return {
        "category": incident.category,
        "severity": incident.severity,
        "title": incident.title,
        "description": incident.description,
        # With a TPS the region follows from it; showing both would pin the desa.
        "region": "" if incident.tps_id else incident.region.code,
        "tps": incident.tps.code if incident.tps else "",
        "occurred_at": incident.occurred_at,
        "lat": incident.lat,
        "lng": incident.lng,
        "version": incident.version,
    }


class TransitionForm(forms.Form):
    """One move of the workflow; rejecting names a reason, reopening explains why."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    target = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    reason = forms.ChoiceField(
        label=gettext_lazy("Reason"),
        choices=_blank(RejectReason.choices),
        required=False,
    )
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)

    def service_args(self) -> dict:
        data = self.cleaned_data
        if data["target"] == Status.DITOLAK:
            reason, note = data["reason"], data["note"]
        else:
            # Reopening needs a written reason: the note is that reason.
            reason, note = data["note"].strip(), ""
        return {
            "version": data["version"],
            "target": data["target"],
            "reason": reason,
            "note": note,
        }


def agencies_for(incident: Incident) -> QuerySet[Agency]:
    """Agencies that may be asked to act and are not assigned yet."""
    return agencies_covering(incident.region).exclude(assignments__incident=incident)


class AssignForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    agencies = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Agencies"),
        queryset=Agency.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    deadline = _moment_field(gettext_lazy("Deadline (WIB)"), required=False)
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)

    def __init__(self, *args: Any, incident: Incident, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        agencies = cast(forms.ModelMultipleChoiceField, self.fields["agencies"])
        agencies.queryset = agencies_for(incident)

    def clean_deadline(self) -> dt.datetime | None:
        deadline = self.cleaned_data["deadline"]
        if deadline is not None and deadline <= timezone.now():
            raise forms.ValidationError(_("The deadline must be in the future."))
        return deadline


class FollowUpForm(forms.Form):
    action = forms.CharField(
        label=gettext_lazy("Action taken"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    done = forms.BooleanField(label=gettext_lazy("Finished"), required=False)
    case_number = forms.CharField(
        label=gettext_lazy("Agency's case number"), required=False, max_length=60
    )
    # The kind and size are the service's to check (incidents/attachments.py).
    attachment = forms.FileField(
        label=gettext_lazy("Photo or PDF"),
        required=False,
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,application/pdf"}
        ),
    )


class EscalateForm(forms.Form):
    note = forms.CharField(label=gettext_lazy("Note"), required=False, max_length=2000)


class MergeForm(forms.Form):
    duplicate = forms.IntegerField(min_value=1, widget=forms.HiddenInput)


class FilterForm(forms.Form):
    """The list's filters, read from the query string; a bad value is ignored."""

    region = forms.CharField(label=gettext_lazy("Region code"), required=False)
    category = forms.ChoiceField(
        label=gettext_lazy("Category"),
        choices=_blank(Category.choices),
        required=False,
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        choices=_blank(Severity.choices),
        required=False,
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"), choices=_blank(Status.choices), required=False
    )
    stage = forms.ModelChoiceField(
        label=gettext_lazy("Stage"), queryset=Stage.objects.none(), required=False
    )
    agency = forms.ModelChoiceField(
        label=gettext_lazy("Agency"), queryset=Agency.objects.all(), required=False
    )
    date_from = day_field(gettext_lazy("From"), required=False)
    date_to = day_field(gettext_lazy("To"), required=False)
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        election = election_current()
        stage = cast(forms.ModelChoiceField, self.fields["stage"])
        stage.queryset = Stage.objects.filter(election=election)

    def filters(self) -> IncidentFilters:
        self.is_valid()
        data = self.cleaned_data
        stage, agency = data.get("stage"), data.get("agency")
        return IncidentFilters(
            region=data.get("region", "").strip(),
            category=data.get("category", ""),
            severity=data.get("severity", ""),
            status=data.get("status", ""),
            stage=stage.pk if stage else None,
            agency=agency.pk if agency else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            q=data.get("q", "").strip(),
        )
