"""Forms of the intake pages: the public report form, the upload, the inbox filters
and the two actions on a message. They read and tidy what a person typed; the rules
(scope, time, place) stay in the services, whose errors are shown on the same forms.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from deskpemilu.core.dateinput import day_field, moment_field
from deskpemilu.incidents import attachments
from deskpemilu.incidents.forms import IncidentForm
from deskpemilu.incidents.services import FUTURE_TOLERANCE
from deskpemilu.incidents.taxonomy import Category, Severity
from deskpemilu.intake.channels.base import PayloadError, normalise_phone
from deskpemilu.intake.models import Channel, MessageKind, ParseStatus, Reporter
from deskpemilu.intake.selectors import MessageFilters
from deskpemilu.regions.models import Level, Region

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

DESCRIPTION_MIN, DESCRIPTION_MAX = 10, 2000


def _blank(
    choices: Iterable[tuple[str, StrOrPromise]],
) -> list[tuple[str, StrOrPromise]]:
    return [("", "—"), *choices]


def _moment_field(label: StrOrPromise, *, required: bool = True) -> forms.DateTimeField:
    """A wall-clock time typed day/month/year, read as WIB (core/dateinput.py)."""
    return moment_field(label, required=required)


def _not_future(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is not None and moment > timezone.now() + FUTURE_TOLERANCE:
        raise forms.ValidationError(
            _("The time of the incident cannot be in the future.")
        )
    return moment


class PublicReportForm(forms.Form):
    """A citizen's report, without login. Stored as a message for the desk to check."""

    kabkota = forms.ModelChoiceField(
        label=gettext_lazy("Regency/city"),
        queryset=Region.objects.filter(level=Level.KABKOTA).order_by("code"),
        to_field_name="code",
        empty_label="—",
    )
    place = forms.CharField(
        label=gettext_lazy("Place"),
        required=False,
        max_length=120,
        help_text=gettext_lazy("Kecamatan, village or TPS: its name or code"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("What happened"), choices=_blank(Category.choices)
    )
    occurred_at = _moment_field(gettext_lazy("When (WIB)"), required=False)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        min_length=DESCRIPTION_MIN,
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("What happened, where exactly, who was involved."),
    )
    name = forms.CharField(
        label=gettext_lazy("Your name"), required=False, max_length=120
    )
    phone = forms.CharField(
        label=gettext_lazy("Your phone number"),
        required=False,
        max_length=32,
        help_text=gettext_lazy("Optional: so that the desk can call you back."),
    )
    photo = forms.FileField(
        label=gettext_lazy("Photo"),
        required=False,
        help_text=gettext_lazy(
            "Optional: a photo (JPEG, PNG or WebP) of what you saw."
        ),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp"}
        ),
    )
    # The signed reference of this citizen's earlier, incomplete report: sending the
    # form again completes that report instead of adding a second one to the inbox.
    draft = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kabkota = cast(forms.ModelChoiceField, self.fields["kabkota"])
        # Django's hook for a choice's label, set on this field only.
        kabkota.label_from_instance = lambda region: region.name  # type: ignore[method-assign, assignment]

    def clean_occurred_at(self) -> dt.datetime | None:
        return _not_future(self.cleaned_data["occurred_at"])

    def clean_photo(self) -> Any:
        """A photo whose bytes are a JPEG, PNG or WebP of at most
        DESKPEMILU_PUBLIC_PHOTO_MAX_BYTES; its checked kind kept on the file."""
        photo = self.cleaned_data.get("photo")
        if not photo:
            return None
        head = photo.read(attachments.HEAD_BYTES)
        photo.seek(0)
        limit = settings.DESKPEMILU_PUBLIC_PHOTO_MAX_BYTES
        try:
            kind = attachments.check(head, photo.content_type or "", photo.size, limit)
        except attachments.Refused as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from refused
        if not kind.startswith("image/"):
            raise forms.ValidationError(
                _("The attachment must be a photo (JPEG, PNG or WebP)."),
                code="attachment_kind",
            )
        photo.checked_kind = kind
        return photo

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"]
        if not phone:
            return ""
        try:
            return normalise_phone(phone)
        except PayloadError as error:
            raise forms.ValidationError(
                _("This is not a phone number we can read, e.g. 0812 3456 7890.")
            ) from error


class PublicStatusForm(forms.Form):
    """A citizen's report looked up by its number and check code."""

    nomor = forms.CharField(
        label=gettext_lazy("Report number"),
        max_length=20,
        help_text=gettext_lazy("As on the thank-you page, e.g. M0000123."),
    )
    kode = forms.CharField(
        label=gettext_lazy("Check code"),
        max_length=20,
        help_text=gettext_lazy("The 8 letters and digits under the report number."),
    )


class DeskIncidentForm(IncidentForm):
    """The desk's incident form: typed in at the desk, or a telephone call with the
    caller's number (kept as the message's sender)."""

    channel = forms.ChoiceField(
        label=gettext_lazy("Received through"),
        choices=[
            (Channel.WEB, gettext_lazy("Typed in at the desk")),
            (Channel.TELEPON, gettext_lazy("Telephone call")),
        ],
        initial=Channel.WEB,
        required=False,  # left out (an older page, a script): typed in at the desk
    )
    caller_phone = forms.CharField(
        label=gettext_lazy("Caller's number"),
        required=False,
        max_length=32,
        help_text=gettext_lazy("For a telephone call: the number that called."),
    )

    def clean_caller_phone(self) -> str:
        raw = self.cleaned_data["caller_phone"].strip()
        if not raw:
            return ""
        try:
            return normalise_phone(raw)
        except PayloadError:
            raise forms.ValidationError(
                _("Write a phone number such as 0812-3456-7890.")
            ) from None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("channel") == Channel.TELEPON and not data.get("caller_phone"):
            self.add_error("caller_phone", _("A telephone call needs the number."))
        return data


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File (CSV or XLSX)"))


class MessageFilterForm(forms.Form):
    """The inbox filters; anything unreadable is simply not applied."""

    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"), required=False, choices=_blank(Channel.choices)
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Parse status"),
        required=False,
        choices=_blank(ParseStatus.choices),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"), required=False, choices=_blank(MessageKind.choices)
    )
    date = day_field(gettext_lazy("Received on (WIB)"), required=False)

    def filters(self) -> MessageFilters:
        if not self.is_bound or not self.is_valid():
            return MessageFilters()
        return MessageFilters(**self.cleaned_data)


class MessageIncidentForm(forms.Form):
    """A new incident from a message, prefilled with what the message says."""

    place_code = forms.CharField(
        label=gettext_lazy("Place code"),
        max_length=20,
        help_text=gettext_lazy("TPS code (13 digits) or region code, e.g. 36.73.04"),
    )
    category = forms.ChoiceField(
        label=gettext_lazy("Category"), choices=_blank(Category.choices)
    )
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"), choices=_blank(Severity.choices)
    )
    title = forms.CharField(label=gettext_lazy("Title"), required=False, max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    occurred_at = _moment_field(gettext_lazy("Time of incident (WIB)"))

    def clean_occurred_at(self) -> dt.datetime | None:
        return _not_future(self.cleaned_data["occurred_at"])


class AttachForm(forms.Form):
    incident = forms.CharField(
        label=gettext_lazy("Incident"),
        max_length=20,
        help_text=gettext_lazy("Its reference or number, e.g. K000012"),
    )

    def clean_incident(self) -> int:
        match = re.fullmatch(
            r"[Kk]?0*(\d{1,12})", self.cleaned_data["incident"].strip()
        )
        if match is None:
            raise forms.ValidationError(
                _("Write an incident reference such as K000012.")
            )
        return int(match[1])


class SenderLinkForm(forms.Form):
    """Link an unknown sender to a known reporter (choices: the user's reporters)."""

    reporter = forms.ModelChoiceField(
        label=gettext_lazy("Known reporter"),
        queryset=Reporter.objects.none(),
        help_text=gettext_lazy(
            "From then on this sender's reports are that reporter's: a report in "
            "the field code becomes an incident at once."
        ),
    )

    def __init__(
        self, *args: Any, reporters: QuerySet[Reporter] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if reporters is not None:
            reporter = cast(forms.ModelChoiceField, self.fields["reporter"])
            reporter.queryset = reporters.order_by("name")
