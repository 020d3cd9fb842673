"""Errors with a message a person can act on (in Indonesian where a person reads it).

`DeskError` is the one refusal of every app's services (IncidentError, SituationError
and ResultsError are its kinds). It becomes an answer in two places only: the API's
exception handler (deskpemilu/api.py) and, on pages, `show_error` next to the form.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    from django import forms


@dataclass(frozen=True)
class ImportProblem:
    """One thing wrong with an input file: which file, line and value, and why."""

    file: str
    line: int | None
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f"{self.file} baris {self.line}" if self.line else self.file
        value = f" (nilai: {self.value!r})" if self.value != "" else ""
        return f"{where}: {self.message}{value}"


class ImportFailed(Exception):
    """An import refused as a whole; nothing was written."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        self.problems = problems
        super().__init__(self.summary())

    def summary(self, limit: int = 20) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        more = len(self.problems) - limit
        if more > 0:
            lines.append(f"... dan {more} masalah lain")
        head = (
            f"Impor dibatalkan, tidak ada data yang diubah: "
            f"{len(self.problems)} masalah ditemukan."
        )
        return "\n".join([head, *lines])


class DeskError(Exception):
    """A request the desk refuses for a reason the person can fix.

    `code` is for programs, `message` for the person (Indonesian), `field` names the
    input at fault ("" when none), `problems` lists each thing wrong in a list of
    inputs (None: the answer has no list). `status` is the HTTP status it answers:
    422 (the input is refused) unless a kind says otherwise (409, a conflict with
    the current state).
    """

    status: ClassVar[int] = 422

    def __init__(
        self,
        code: str,
        message: str,
        field: str = "",
        problems: Sequence[ImportProblem] | None = None,
    ) -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field
        self.problems = problems

    def __str__(self) -> str:
        return self.message

    def body(self) -> dict[str, Any]:
        """The API's error body: `{code, message, field}`, and `problems` (each with
        its line, message and value) when the error has a list."""
        body: dict[str, Any] = {
            "code": self.code,
            "message": self.message,
            "field": self.field,
        }
        if self.problems is not None:
            body["problems"] = [
                {"line": p.line, "message": p.message, "value": p.value}
                for p in self.problems
            ]
        return body


def show_error(form: forms.Form, error: DeskError) -> None:
    """A page's answer to a DeskError: the message next to the field it is about, else
    at the top of the form (the view renders the form again, status 422)."""
    form.add_error(error.field if error.field in form.fields else None, error.message)
