"""The one error of the situation app's services, for a person to read."""

from __future__ import annotations

from deskpemilu.core.errors import DeskError


class SituationError(DeskError):
    """A request the rules refuse, with a message for the person (Indonesian)."""
