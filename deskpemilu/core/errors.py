"""Errors with a message a person can act on (in Indonesian where a person reads it)."""

from __future__ import annotations

from dataclasses import dataclass


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
