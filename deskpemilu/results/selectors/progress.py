"""Reads of the progress of sheets: TPS with a sheet per area and source, the desk
values of many TPS as arrays, and each area's winner and margin."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import CHILD_NODOT_LENGTH, TPS_LENGTH, nodot
from deskpemilu.regions.models import TPS, Region
from deskpemilu.results.bulk import TABLE
from deskpemilu.results.selectors.common import _range_sql, _vote_sql
from deskpemilu.results.selectors.compare import decided_changes
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS, field_names


def sheet_progress(contest: Contest, prefix: str = "", length: int = 4) -> dict:
    """Per area (code prefix of `length`) and source: how many TPS have a sheet."""
    where, params = _range_sql(prefix)
    sql = (
        f"SELECT substr(tps_code, 1, {int(length)}) AS area, source, COUNT(*) "
        f"FROM {TABLE} WHERE contest_id = %s{where} GROUP BY area, source"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.id, *params])
        rows = cursor.fetchall()
    out: dict[str, dict[str, int]] = {}
    for area, source, count in rows:
        out.setdefault(area, {})[source] = count
    return out


@dataclass
class DeskSheets:
    """The desk values of many TPS as arrays: the primary sheet of each TPS, with the
    desk's current decisions in place of the values they replace."""

    sheets: Sheets
    tps_ids: np.ndarray
    sheet_ids: np.ndarray
    decided: int = 0


def desk_sheets(contest: Contest, prefix: str = "") -> DeskSheets:
    """Desk values of every TPS under `prefix` with a sheet, in TPS code order."""
    names = field_names(contest.candidates.count())
    exprs = list(FIELDS) + [_vote_sql(i) for i in range(len(names) - len(FIELDS))]
    where, params = _range_sql(prefix)
    sql = (
        f"SELECT id, tps_id, tps_code, source, {', '.join(exprs)} FROM {TABLE} "
        f"WHERE contest_id = %s AND is_primary{where} ORDER BY tps_code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.id, *params])
        rows = cursor.fetchall()
    raw = np.array([r[4:] for r in rows], dtype=object).reshape(len(rows), len(names))
    known = raw != None  # noqa: E711 (element-wise)
    values = np.where(known, raw, 0).astype(np.int64)
    codes = np.array([int(r[2]) for r in rows], dtype=np.int64)
    row_of = {r[2]: i for i, r in enumerate(rows)}
    decided = 0
    for code, name, _, value in decided_changes(contest, prefix):
        i = row_of.get(code)
        if i is not None:
            j = names.index(name)
            values[i, j], known[i, j] = value or 0, value is not None
            decided += 1
    sheets = Sheets(
        codes,
        values,
        known,
        len(names) - len(FIELDS),
        np.array([r[3] for r in rows], dtype=str),
    )
    ids = np.array([r[:2] for r in rows], dtype=np.int64).reshape(len(rows), 2)
    return DeskSheets(sheets, ids[:, 1], ids[:, 0], decided)


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

    @property
    def share(self) -> float:
        return self.with_sheet / self.tps_total if self.tps_total else 0.0

    @property
    def code_nodot(self) -> str:
        return nodot(self.code)


def region_progress(
    contest: Contest, region: Region, desk: DeskSheets | None = None
) -> tuple[AreaProgress, list[AreaProgress]]:
    """The region and each of its children (desa: its TPS): TPS with a sheet, per
    source, and the desk's winner and margin (from the desk values)."""
    prefix = region.code_nodot
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
    by_code = {c.code_nodot: c for c in children}
    where, params = _range_sql(prefix)
    sql = (
        f"SELECT substr(tps_code, 1, {length}) AS area, source, COUNT(*), "
        f"SUM(CASE WHEN is_primary THEN 1 ELSE 0 END) FROM {TABLE} "
        f"WHERE contest_id = %s{where} GROUP BY area, source"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.id, *params])
        for area, source, count, primary in cursor.fetchall():
            for row in (by_code.get(area), total):
                if row is not None:
                    row.by_source[source] = row.by_source.get(source, 0) + count
                    row.with_sheet += int(primary or 0)
    desk = desk if desk is not None else desk_sheets(contest, prefix)
    _winners(desk.sheets, [total], 0)
    _winners(desk.sheets, children, length)
    return total, children


def _winners(sheets: Sheets, areas: list[AreaProgress], length: int) -> None:
    if not len(sheets) or not areas:
        return
    votes = np.where(sheets.known, sheets.values, 0)[:, sheets.vote_cols]
    keys = (
        sheets.codes // 10 ** (TPS_LENGTH - length) if length else np.zeros(len(sheets))
    )
    for area in areas:
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
