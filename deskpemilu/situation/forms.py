"""Forms of the situation pages: they read what a coordinator typed; the rules (who
may, how long at most) stay in services.status_override_create."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from deskpemilu.core.dateinput import moment_field
from deskpemilu.situation.models import Level
from deskpemilu.situation.status_rules import LEVELS


class OverrideForm(forms.Form):
    """Set a region's status by hand until a moment (a wall-clock time, read as WIB)."""

    level = forms.ChoiceField(label=_("Status"), choices=Level.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    expires_at = moment_field(_("Until (WIB)"))
    # Asked for only when the status would go down: a wrong click on a rawan region
    # must not make it "aman dan kondusif". A server-side step (the CSP forbids
    # inline scripts): the form comes back with this box to tick.
    confirm_lower = forms.BooleanField(label=_("Yes, lower the status"), required=False)

    def __init__(self, *args: Any, current: str | None = None, **kwargs: Any) -> None:
        """`current` is the region's effective level: the form starts there, and a
        lower level needs `confirm_lower`."""
        super().__init__(*args, **kwargs)
        self.current = current if current in LEVELS else None
        if self.current is not None:
            self.fields["level"].initial = self.current

    @property
    def asks_to_lower(self) -> bool:
        return "confirm_lower" in self.errors

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        level: str = data.get("level") or ""
        current = self.current
        lowers = (
            current is not None
            and level in LEVELS
            and LEVELS.index(level) < LEVELS.index(current)
        )
        if current is not None and lowers and not data.get("confirm_lower"):
            self.add_error(
                "confirm_lower",
                _(
                    "This lowers the status from %(current)s to %(level)s: "
                    "tick the box to confirm."
                )
                % {"current": Level(current).label, "level": Level(level).label},
            )
        return data


class EndOverrideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, required=False)
