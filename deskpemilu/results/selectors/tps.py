"""Reads of one TPS: every source side by side, field by field, with the desk value,
the flags and the decisions. Inside the user's scope (accounts.access)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import TPS
from deskpemilu.results.areas import sheet_value
from deskpemilu.results.models import Decision, FlagStatus, ResultSheet, SheetFlag
from deskpemilu.results.selectors.common import field_labels
from deskpemilu.results.spec import (
    ADMIN_FIELDS,
    BALLOT_FIELDS,
    FIELDS,
    SOURCE_RANK,
    VOTE_FIELDS,
)

# One TPS: every source side by side -------------------------------------------------


@dataclass
class FieldRow:
    group: str  # "voters", "ballots" or "votes"
    name: str
    label: str
    values: list[int | None]  # one per sheet, in `TpsResults.sheets` order
    desk: int | None
    decided: bool
    differs: bool
    flagged: bool


@dataclass
class TpsResults:
    tps: TPS
    sheets: list[ResultSheet]
    rows: list[FieldRow]
    flags: list[SheetFlag]
    decisions: list[Decision]


def tps_results(user: User, contest: Contest, code: str) -> TpsResults:
    """Every source of one TPS the user may see (404 otherwise), field by field,
    with the desk value, the flags and the decisions."""
    tps = (
        access.tps_visible(user)
        .select_related("desa__parent__parent")
        .filter(code=code)
        .first()
    )
    if tps is None:
        raise Http404("TPS not found")
    sheets = sorted(
        ResultSheet.objects.filter(contest=contest, tps_code=tps.code),
        key=lambda s: SOURCE_RANK.get(s.source, 99),
    )
    flags = list(
        SheetFlag.objects.filter(contest=contest, tps=tps)
        .select_related("resolved_by", "sheet")
        .order_by("status", "check_name", "id")
    )
    decisions = list(
        Decision.objects.filter(contest=contest, tps=tps)
        .select_related("decided_by")
        .order_by("field", "-decided_at")
    )
    current = {d.field: d for d in decisions if d.superseded_at is None}
    flagged = {f.field for f in flags if f.status == FlagStatus.OPEN and f.field}
    primary = next((s for s in sheets if s.is_primary), None)
    labels = field_labels(contest)
    rows = []
    for group, name in _display_order(len(labels) - len(FIELDS)):
        values = [sheet_value(s, name) for s in sheets]
        seen = {v for v in values if v is not None}
        decision = current.get(name)
        rows.append(
            FieldRow(
                group=group,
                name=name,
                label=labels[name],
                values=values,
                desk=decision.value if decision else sheet_value(primary, name),
                decided=decision is not None,
                differs=len(seen) > 1,
                flagged=name in flagged,
            )
        )
    return TpsResults(tps, sheets, rows, flags, decisions)


def _display_order(k: int) -> list[tuple[str, str]]:
    """The fields in the order of the paper form: voters, ballots, then the votes
    per candidate before valid, invalid and total."""
    votes = [f"suara_{i}" for i in range(1, k + 1)] + list(VOTE_FIELDS)
    return (
        [("voters", n) for n in ADMIN_FIELDS]
        + [("ballots", n) for n in BALLOT_FIELDS]
        + [("votes", n) for n in votes]
    )
