"""The one error of the situation app's services, for a person to read."""

from __future__ import annotations


class SituationError(Exception):
    """A request the rules refuse, with a message for the person (Indonesian)."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        self.code, self.message, self.field = code, message, field
        super().__init__(message)
