"""The desk's recap (TPS -> desa -> ... rebuilt from the desk values, with the
decisions) and its comparison with the official recap, level by level, each
difference with what lies behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection

from deskpemilu.accounts import access
from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import TPS, Region
from deskpemilu.results import recap
from deskpemilu.results.bulk import TABLE
from deskpemilu.results.models import (
    Decision,
    FlagStatus,
    OfficialRecap,
    ResultSheet,
    SheetFlag,
)
from deskpemilu.results.selectors.common import (
    _range_sql,
    _sheet_value,
    _vote_sql,
    in_area,
)
from deskpemilu.results.spec import FIELDS, field_names

BEHIND_LIMIT = 50


def desa_totals(
    contest: Contest, prefix: str = ""
) -> tuple[tuple[str, ...], list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Sums of the primary sheets per desa, in one GROUP BY over the code prefix."""
    names = field_names(contest.candidates.count())
    exprs = list(FIELDS) + [_vote_sql(i) for i in range(len(names) - len(FIELDS))]
    columns = ", ".join(f"SUM({e}), COUNT({e})" for e in exprs)
    where, params = _range_sql(prefix)
    sql = (
        f"SELECT substr(tps_code, 1, 10) AS area, COUNT(*), {columns} FROM {TABLE} "
        f"WHERE contest_id = %s AND is_primary{where} GROUP BY area ORDER BY area"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest.id, *params])
        rows = cursor.fetchall()
    codes = [r[0] for r in rows]
    data = np.array([[v or 0 for v in r[1:]] for r in rows], dtype=np.int64).reshape(
        len(rows), 1 + 2 * len(names)
    )
    return names, codes, data[:, 0], data[:, 1::2].copy(), data[:, 2::2].copy()


def decided_changes(contest: Contest, prefix: str = "") -> list[tuple]:
    """(TPS code, field, primary sheet's value, decided value) of current decisions."""
    decisions = list(
        Decision.objects.filter(
            in_area(prefix), contest=contest, superseded_at__isnull=True
        ).values_list("tps_id", "tps_code", "field", "value")
    )
    if not decisions:
        return []
    # By code: the sheets' unique index is (contest, code, source).
    sheets = {
        s.tps_code: s
        for s in ResultSheet.objects.filter(
            contest=contest, is_primary=True, tps_code__in={d[1] for d in decisions}
        )
    }
    changes = []
    for _, code, name, value in decisions:
        sheet = sheets.get(code)
        changes.append((code, name, _sheet_value(sheet, name), value))
    return changes


def recap_table(contest: Contest, prefix: str = "") -> recap.RecapTable:
    """The desk's recap of every area under `prefix` (undotted code; "" = all):
    primary sheets, with the desk's decisions in place of the values they replace."""
    names, codes, sheets, sums, known = desa_totals(contest, prefix)
    recap.apply_decisions(codes, sums, known, names, decided_changes(contest, prefix))
    return recap.build(names, codes, sheets, sums, known)


@dataclass
class Behind:
    """What lies behind an area's difference: its TPS without a sheet, with open
    flags, with a decision, and its sub-areas whose official figures differ too."""

    missing_count: int = 0
    missing_sample: list[str] = field(default_factory=list)
    flagged: dict[str, list[str]] = field(default_factory=dict)
    decided: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


@dataclass
class AreaResult:
    comparison: recap.AreaComparison
    name: str
    behind: Behind


def recap_compare(*, user, contest: Contest, region_code: str) -> list[AreaResult]:
    """The desk recap against the official recap for a region the user can see
    (404 otherwise), each difference with the TPS behind it."""
    region = access.region_for_user_or_404(user, region_code)
    return recap_compare_area(contest, region.code_nodot)


def recap_compare_area(contest: Contest, prefix: str) -> list[AreaResult]:
    table = recap_table(contest, prefix)
    official = {
        o.area_code: {name: getattr(o, name) for name in FIELDS}
        | {f"suara_{i + 1}": v for i, v in enumerate(o.votes)}
        for o in OfficialRecap.objects.filter(
            contest=contest, area_code__startswith=prefix
        )
    }
    regions = {
        r.code_nodot: r for r in Region.objects.filter(code_nodot__in=list(official))
    }
    totals = {c: r.tps_count for c, r in regions.items()}
    if "" in official:
        totals[""] = TPS.objects.count()
    results = []
    comparisons = recap.compare(table, official, totals)
    differing = {c.code for c in comparisons if c.differences}
    for comp in comparisons:
        region = regions.get(comp.code)
        behind = _behind(contest, comp, differing) if comp.differences else Behind()
        name = region.name if region else "Nasional"
        results.append(AreaResult(comp, name, behind))
    return results


def _behind(
    contest: Contest, comp: recap.AreaComparison, differing: set[str]
) -> Behind:
    code = comp.code
    area = in_area(code)
    behind = Behind(missing_count=max(comp.tps_total - comp.tps_with_sheet, 0))
    if behind.missing_count:
        with_sheet = ResultSheet.objects.filter(area, contest=contest, is_primary=True)
        behind.missing_sample = list(
            TPS.objects.filter(in_area(code, "code"))
            .exclude(code__in=with_sheet.values("tps_code"))
            .order_by("code")
            .values_list("code", flat=True)[:BEHIND_LIMIT]
        )
    flags = (
        SheetFlag.objects.filter(area, contest=contest, status=FlagStatus.OPEN)
        .order_by("tps_code", "check_name")
        .values_list("tps_code", "check_name")
    )
    for tps_code, check in flags:
        if tps_code in behind.flagged or len(behind.flagged) < BEHIND_LIMIT:
            checks = behind.flagged.setdefault(tps_code, [])
            if check not in checks:
                checks.append(check)
    fields = [d.field for d in comp.differences]
    behind.decided = list(
        Decision.objects.filter(
            area, contest=contest, superseded_at__isnull=True, field__in=fields
        )
        .order_by("tps_code")
        .values_list("tps_code", flat=True)
        .distinct()[:BEHIND_LIMIT]
    )
    behind.areas = sorted(
        c for c in differing if c != code and c.startswith(code) and len(c) > len(code)
    )
    return behind
