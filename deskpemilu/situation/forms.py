"""Forms of the situation pages: they read what a coordinator typed; the rules (who
may, how long at most) stay in services.status_override_create."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from deskpemilu.situation.models import Level

MINUTE_INPUT = "%Y-%m-%dT%H:%M"


class OverrideForm(forms.Form):
    """Set a region's status by hand until a moment (a wall-clock time, read as WIB)."""

    level = forms.ChoiceField(label=_("Status"), choices=Level.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expires_at = forms.DateTimeField(
        label=_("Until (WIB)"),
        input_formats=[MINUTE_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format=MINUTE_INPUT
        ),
    )


class EndOverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
