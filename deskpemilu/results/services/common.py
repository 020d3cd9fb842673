"""What the results services share: the error a person can fix, who may write
where, the report of an import, and the contest a command names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from deskpemilu.accounts import access
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import dotted
from deskpemilu.results.spec import FIELDS

Progress = Callable[[int], None]


class ResultsError(ValueError):
    """A write refused for a reason the person can fix, said in Indonesian; `field`
    names the input at fault."""

    def __init__(self, code: str, message: str, field: str = "") -> None:
        super().__init__(message)
        self.code, self.message, self.field = code, message, field


def desk_at(actor, prefix: str) -> bool:
    """Whether the actor holds a desk role over the whole area (undotted prefix;
    "" = everywhere)."""
    acc = access.access_for(actor)
    if not prefix:
        return acc.everything
    return bool(acc.roles_at(dotted(prefix) or "") & access.DESK_ROLES)


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
