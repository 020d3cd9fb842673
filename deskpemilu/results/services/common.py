"""What the results services share: the error a person can fix, the report of an
import, and the contest a command names."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from deskpemilu.core.errors import DeskError, ImportFailed, ImportProblem
from deskpemilu.elections.models import Contest
from deskpemilu.results.spec import FIELDS

Progress = Callable[[int], None]


class ResultsError(DeskError):
    """A write refused for a reason the person can fix, said in Indonesian; `field`
    names the input at fault. Its API body always lists `problems` (RefusedOut):
    every problem of a refused list of sheets, none for a refusal about one field."""

    def __init__(
        self,
        code: str,
        message: str,
        field: str = "",
        problems: Sequence[ImportProblem] = (),
    ) -> None:
        super().__init__(code, message, field, problems)


def field_in_contest(contest: Contest, name: str) -> bool:
    return name in FIELDS or int(name[6:]) <= contest.candidates.count()


@dataclass
class ImportReport:
    file: str
    source: str
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    empty: int = 0
    flagged: int = 0
    ignored_columns: tuple[str, ...] = ()

    def __str__(self) -> str:
        text = (
            f"{self.file} ({self.source}): {self.rows} baris, {self.created} baru, "
            f"{self.updated} berubah, {self.unchanged} sama, {self.empty} kosong; "
            f"{self.flagged} lembar ditandai"
        )
        if self.ignored_columns:
            text += "; kolom diabaikan: " + ", ".join(self.ignored_columns)
        return text


def contest_for(kind: str, election_slug: str | None = None) -> Contest:
    """The contest of this kind (of the given election, else the latest one)."""
    qs = Contest.objects.filter(kind=kind).order_by("-election__vote_date")
    if election_slug:
        qs = qs.filter(election__slug=election_slug)
    contest = qs.first()
    if contest is None:
        raise ImportFailed([ImportProblem("-", None, f"kontestasi {kind} tidak ada")])
    return contest
