"""Forms of the results pages: they read what a person typed; the rules (scope,
roles, checks, decisions) stay in the services, whose refusals are shown on them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import FileExtensionValidator
from django.db.models import Field, Model
from django.forms import BoundField
from django.utils.translation import gettext_lazy as _

from deskpemilu.elections.models import Contest
from deskpemilu.results import labels
from deskpemilu.results.layouts import MAX_VALUE
from deskpemilu.results.models import (
    FlagStatus,
    OfficialRecap,
    ResultSheet,
    Source,
)
from deskpemilu.results.selectors import candidate_labels, field_choices
from deskpemilu.results.services.official import ENTRY_LEVELS
from deskpemilu.results.spec import (
    ADMIN_FIELDS,
    BALLOT_FIELDS,
    CHECKS,
    VOTE_FIELDS,
)

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CHECK_LABELS = labels.CHECKS
PHOTO_EXTENSIONS = ["jpg", "jpeg", "png", "webp", "gif", "pdf"]
PHOTO_MAX_BYTES = 10 << 20
STATUS_FILTER = [
    (FlagStatus.OPEN, _("open")),
    (FlagStatus.RESOLVED, _("resolved")),
    (FlagStatus.DISMISSED, _("dismissed")),
    ("all", _("all")),
]


check_label = labels.check_label


def _verbose_name(model: type[Model], name: str) -> StrOrPromise:
    # The C.Hasil fields are the model's own columns, never relations.
    return cast("Field[Any, Any]", model._meta.get_field(name)).verbose_name


class FlagFilterForm(forms.Form):
    check = forms.ChoiceField(
        label=_("Check"),
        required=False,
        choices=[("", "—"), *((c, CHECK_LABELS[c]) for c in CHECKS)],
    )
    wilayah = forms.CharField(
        label=_("Region code"),
        required=False,
        max_length=20,
        help_text=_("e.g. 36.01.01 or 360101"),
    )
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTER)

    def filters(self) -> dict[str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or FlagStatus.OPEN
        return {
            "check": data.get("check", ""),
            "region": data.get("wilayah", "").strip(),
            "status": "" if status == "all" else status,
        }


class FlagCloseForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Outcome"),
        choices=[
            (FlagStatus.RESOLVED, _("resolved")),
            (FlagStatus.DISMISSED, _("dismissed")),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=2000)


class DecisionForm(forms.Form):
    """One decision over one field, or over up to PAIRS fields at once (a block
    copied from the wrong row is fixed in three fields, with one reason)."""

    PAIRS = 4

    field = forms.ChoiceField(label=_("Field"))
    value = forms.IntegerField(
        label=_("Value kept"),
        required=False,
        min_value=-MAX_VALUE,
        max_value=MAX_VALUE,
        help_text=_("Leave empty when the value cannot be known."),
    )
    chosen_source = forms.ChoiceField(
        label=_("Following source"),
        required=False,
        choices=[("", "—"), *Source.choices],
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = field_choices(contest)
        cast(forms.ChoiceField, self.fields["field"]).choices = choices
        reason = self.fields.pop("reason")
        source = self.fields.pop("chosen_source")
        for n in range(2, self.PAIRS + 1):
            words = {"n": n}
            self.fields[f"field_{n}"] = forms.ChoiceField(
                label=_("Field %(n)s (optional)") % words,
                required=False,
                choices=[("", "—"), *choices],
            )
            self.fields[f"value_{n}"] = forms.IntegerField(
                label=_("Value kept %(n)s") % words,
                required=False,
                min_value=-MAX_VALUE,
                max_value=MAX_VALUE,
            )
        self.fields["chosen_source"], self.fields["reason"] = source, reason

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        seen: set[str] = set()
        for n in range(1, self.PAIRS + 1):
            name = data.get("field" if n == 1 else f"field_{n}")
            if not name:
                continue
            if name in seen:
                raise forms.ValidationError(_("Each field only once per decision."))
            seen.add(name)
        return data

    def values(self) -> dict[str, int | None]:
        """The fields decided, in the order typed, with their values."""
        data = self.cleaned_data
        out = {data["field"]: data["value"]}
        for n in range(2, self.PAIRS + 1):
            if data.get(f"field_{n}"):
                out[data[f"field_{n}"]] = data.get(f"value_{n}")
        return out


def _count(label: StrOrPromise) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=MAX_VALUE,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": 0}),
    )


class EntryForm(forms.Form):
    """One C.Hasil typed at the desk (source `desk`). Empty boxes are unknown."""

    GROUPS = (
        (_("Voter lists and who voted"), ADMIN_FIELDS),
        (_("Ballots"), BALLOT_FIELDS),
    )

    kode_tps = forms.RegexField(
        label=_("TPS code"),
        regex=r"^\s*\d{13}\s*$",
        help_text=_("13 digits, e.g. 3601012001001"),
        error_messages={"invalid": _("A TPS code has 13 digits.")},
    )
    foto = forms.URLField(
        label=_("Photo URL"), required=False, max_length=500, assume_scheme="https"
    )
    # No Pillow: the file is checked by its name and size, and only ever served
    # back as a download or an <img>, never processed.
    photo = forms.FileField(
        label=_("Photo of the form"),
        required=False,
        validators=[FileExtensionValidator(PHOTO_EXTENSIONS)],
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,.pdf"}),
    )

    def clean_photo(self) -> UploadedFile | None:
        photo = self.cleaned_data.get("photo")
        if photo and photo.size > PHOTO_MAX_BYTES:
            raise forms.ValidationError(_("The photo is larger than 10 MB."))
        return photo

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (*ADMIN_FIELDS, *BALLOT_FIELDS):
            self.fields[name] = _count(_verbose_name(ResultSheet, name))
        self.vote_names: list[str] = []
        for i, label in enumerate(candidate_labels(contest), start=1):
            self.fields[f"suara_{i}"] = _count(label)
            self.vote_names.append(f"suara_{i}")
        for name in VOTE_FIELDS:
            self.fields[name] = _count(_verbose_name(ResultSheet, name))

    def groups(self) -> list[tuple[StrOrPromise, list[BoundField]]]:
        votes = [*self.vote_names, *VOTE_FIELDS]
        out = [(title, [self[n] for n in names]) for title, names in self.GROUPS]
        return [*out, (_("Votes"), [self[n] for n in votes])]

    def typed(self) -> dict[str, Any]:
        """What is typed so far, for the live check: unreadable boxes are empty."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        out: dict[str, Any] = {"kode_tps": "0"}
        for name in self.fields:
            if name.startswith(("suara_", "dpt", "pengguna", "surat")):
                out[name] = data.get(name)
        return out

    def sheet(self) -> dict[str, Any]:
        row = {k: v for k, v in self.cleaned_data.items() if k != "photo"}
        row["kode_tps"] = row["kode_tps"].strip()
        return row


# Official recap (D.Hasil) typed at the desk -------------------------------------

# Digits in groups of three, split by dots or spaces: how D.Hasil figures are written.
THOUSANDS = re.compile(r"\d{1,3}(?:[.\s]\d{3})+")
RECAP_LEVEL_CHOICES = [(level.value, level.label) for level in ENTRY_LEVELS]


class CountField(forms.IntegerField):
    """A count of a recap: digits, with dots or spaces between the thousands if the
    person writes them so (1.234.567). Django's IntegerField alone would read
    "1.000" as 1 (it drops a decimal point followed by zeros)."""

    widget = forms.TextInput
    default_error_messages = {
        "invalid": _("Type a whole number, e.g. 1234567 or 1.234.567."),
        "min_value": _("A count cannot be negative."),
        "max_value": _("Too large: at most 2,000,000,000."),
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", MAX_VALUE)
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        # A text box: a number box refuses "1.234.567" and drops it silently.
        return {"inputmode": "numeric", "autocomplete": "off"}

    def to_python(self, value: Any) -> int | None:
        if isinstance(value, str):
            value = value.strip()
            if THOUSANDS.fullmatch(value):
                value = re.sub(r"[.\s]", "", value)
            elif value and not re.fullmatch(r"[+-]?\d+", value):
                raise forms.ValidationError(
                    self.error_messages["invalid"], code="invalid"
                )
        return super().to_python(value)


class OfficialRecapForm(forms.Form):
    """The figures of one D.Hasil (kecamatan, kab/kota or province) as typed at the
    desk. Empty boxes are figures the document does not give."""

    GROUPS = EntryForm.GROUPS

    tingkat = forms.ChoiceField(
        label=_("Level"), choices=RECAP_LEVEL_CHOICES, widget=forms.HiddenInput
    )
    wilayah = forms.CharField(
        label=_("Region code"), max_length=20, widget=forms.HiddenInput
    )
    source_ref = forms.CharField(
        label=_("Document"),
        max_length=300,
        help_text=_(
            "Which form and when, e.g. D.HASIL KECAMATAN-PPWP Sumur, 28 February 2024"
        ),
        error_messages={"required": _("Say which document the figures come from.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, contest: Contest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in (*ADMIN_FIELDS, *BALLOT_FIELDS):
            self.fields[name] = CountField(label=_verbose_name(OfficialRecap, name))
        self.vote_names: list[str] = []
        for i, label in enumerate(candidate_labels(contest), start=1):
            self.fields[f"suara_{i}"] = CountField(label=label)
            self.vote_names.append(f"suara_{i}")
        for name in VOTE_FIELDS:
            self.fields[name] = CountField(label=_verbose_name(OfficialRecap, name))

    def groups(self) -> list[tuple[StrOrPromise, list[BoundField]]]:
        votes = [*self.vote_names, *VOTE_FIELDS]
        out = [(title, [self[n] for n in names]) for title, names in self.GROUPS]
        return [*out, (_("Votes"), [self[n] for n in votes])]

    def count_names(self) -> list[str]:
        return [*ADMIN_FIELDS, *BALLOT_FIELDS, *self.vote_names, *VOTE_FIELDS]

    def typed(self) -> dict[str, int | None]:
        """What is typed so far, for the live check: unreadable boxes are empty."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.count_names()}

    def typing_errors(self) -> list[tuple[str, str, list[str]]]:
        """(field, label, messages) of the boxes that cannot be read as typed."""
        self.is_valid()
        return [
            # An ErrorList's items read as their messages.
            (
                name,
                str(self.fields[name].label),
                cast("list[str]", list(self.errors[name])),
            )
            for name in self.count_names()
            if name in self.errors
        ]

    def figures(self) -> dict[str, int | None]:
        data = self.cleaned_data
        return {n: data.get(n) for n in (*ADMIN_FIELDS, *BALLOT_FIELDS, *VOTE_FIELDS)}

    def votes(self) -> list[int | None]:
        return [self.cleaned_data.get(n) for n in self.vote_names]
