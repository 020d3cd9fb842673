"""Reads of the progress of sheets: TPS with a sheet per area and source, the desk
values of a region as arrays, and each area's winner and margin. Inside the user's
scope (a region the user may not see is not found)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.conf import settings

from deskpemilu.accounts.models import User
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import CHILD_NODOT_LENGTH, TPS_LENGTH, nodot
from deskpemilu.regions.models import TPS, Region
from deskpemilu.results import areas, storage
from deskpemilu.results.areas import DeskSheets
from deskpemilu.results.selectors.common import area_of
from deskpemilu.results.sheets import Sheets


def sheet_progress(
    user: User, contest: Contest, region: Region, length: int = 4
) -> dict[str, dict[str, int]]:
    """Per area of a region (TPS code prefix of `length`) and source: how many TPS
    have a sheet."""
    out: dict[str, dict[str, int]] = {}
    rows = storage.sheet_counts(contest.id, area_of(user, region), length)
    for area, source, count, _ in rows:
        out.setdefault(area, {})[source] = count
    return out


def desk_sheets(user: User, contest: Contest, region: Region) -> DeskSheets:
    """Desk values of every TPS of a region with a sheet, in TPS code order: the
    primary sheet of each, with the desk's decisions in place."""
    return areas.desk_sheets(contest, area_of(user, region))


@dataclass
class AreaProgress:
    """Sheets of one area (or one TPS): how many TPS have one, per source, and the
    desk's winner and margin there."""

    code: str
    name: str
    tps_total: int
    with_sheet: int = 0
    by_source: dict[str, int] = field(default_factory=dict)
    votes: list[int] = field(default_factory=list)
    winner: int | None = None  # ballot number
    margin: float | None = None  # winner's share minus the runner-up's
    # Share of TPS with a sheet below which the leader is not named (settings).
    min_coverage: float = 0.0

    @property
    def share(self) -> float:
        return self.with_sheet / self.tps_total if self.tps_total else 0.0

    @property
    def leader_shown(self) -> bool:
        """Whether enough TPS have a sheet to name the winner and margin."""
        return self.winner is not None and self.share >= self.min_coverage

    @property
    def code_nodot(self) -> str:
        return nodot(self.code)


def region_progress(
    user: User, contest: Contest, region: Region, desk: DeskSheets | None = None
) -> tuple[AreaProgress, list[AreaProgress]]:
    """The region and each of its children (desa: its TPS): TPS with a sheet, per
    source, and the desk's winner and margin (from the desk values; `desk` when
    the caller has them already)."""
    prefix = area_of(user, region)
    length = CHILD_NODOT_LENGTH[region.level]
    if region.level == "desa":
        children = [
            AreaProgress(t.code, t.name, 1)
            for t in TPS.objects.filter(desa=region).order_by("code")
        ]
    else:
        children = [
            AreaProgress(r.code, r.name, r.tps_count)
            for r in Region.objects.filter(parent=region).order_by("code")
        ]
    total = AreaProgress(region.code, region.name, region.tps_count)
    for area_row in (total, *children):
        area_row.min_coverage = settings.DESKPEMILU_RESULTS_LEADER_MIN_COVERAGE
    by_code = {c.code_nodot: c for c in children}
    for area, source, count, primary in storage.sheet_counts(
        contest.id, prefix, length
    ):
        for row in (by_code.get(area), total):
            if row is not None:
                row.by_source[source] = row.by_source.get(source, 0) + count
                row.with_sheet += primary
    desk = desk if desk is not None else areas.desk_sheets(contest, prefix)
    _winners(desk.sheets, [total], 0)
    _winners(desk.sheets, children, length)
    return total, children


def _winners(sheets: Sheets, rows: list[AreaProgress], length: int) -> None:
    if not len(sheets) or not rows:
        return
    votes = np.where(sheets.known, sheets.values, 0)[:, sheets.vote_cols]
    keys = (
        sheets.codes // 10 ** (TPS_LENGTH - length) if length else np.zeros(len(sheets))
    )
    for area in rows:
        pick = keys == (int(area.code_nodot) if length else 0)
        if not pick.any():
            continue
        sums = votes[pick].sum(0)
        area.votes = [int(v) for v in sums]
        total = int(sums.sum())
        if total > 0:
            order = np.argsort(-sums, kind="stable")
            area.winner = int(order[0]) + 1
            second = int(sums[order[1]]) if len(order) > 1 else 0
            area.margin = (int(sums[order[0]]) - second) / total
