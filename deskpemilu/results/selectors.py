"""Reads of the results app: the recap from the desk values and its comparison with
the official recap, the flag queue, and the progress of sheets per source."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from deskpemilu.accounts import access
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import next_prefix
from deskpemilu.regions.models import TPS, Region
from deskpemilu.results import recap
from deskpemilu.results.bulk import TABLE, postgres
from deskpemilu.results.models import (
    Decision,
    FlagStatus,
    OfficialRecap,
    ResultSheet,
    SheetFlag,
)
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import (
    ADMIN_FIELDS,
    BALLOT_FIELDS,
    FIELDS,
    SOURCE_RANK,
    VOTE_FIELDS,
    field_names,
)

BEHIND_LIMIT = 50


def _range_sql(prefix: str) -> tuple[str, list[str]]:
    if not prefix:
        return "", []
    return " AND tps_code >= %s AND tps_code < %s", [prefix, next_prefix(prefix)]


def in_area(code: str, field: str = "tps_code") -> Q:
    """A range on an undotted code column: everything under `code` ("" = all)."""
    if not code:
        return Q()
    return Q(**{f"{field}__gte": code, f"{field}__lt": next_prefix(code)})


def _vote_sql(i: int) -> str:
    return f"CAST(votes ->> {i} AS INTEGER)" if postgres() else f"(votes ->> {i})"


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
    sheets = {
        s.tps_id: s
        for s in ResultSheet.objects.filter(
            contest=contest, is_primary=True, tps_id__in={d[0] for d in decisions}
        )
    }
    changes = []
    for tps_id, code, name, value in decisions:
        sheet = sheets.get(tps_id)
        changes.append((code, name, _sheet_value(sheet, name), value))
    return changes


def _sheet_value(sheet: ResultSheet | None, name: str) -> int | None:
    if sheet is None:
        return None
    if name in FIELDS:
        return getattr(sheet, name)
    n = int(name.removeprefix("suara_"))
    return sheet.votes[n - 1] if n <= len(sheet.votes) else None


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


def flags_visible(user, contest: Contest) -> QuerySet[SheetFlag]:
    """The flag queue of the user's scope (open first)."""
    tps = access.tps_visible(user).values("id")
    return (
        SheetFlag.objects.filter(contest=contest, tps_id__in=tps)
        .select_related("sheet")
        .order_by("status", "tps_code", "check_name")
    )


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


# Pages and API: the contest, the user's places, desk values, progress, queue ---------


def contest_current(kind: str = "") -> Contest:
    """The contest of this kind (default the presidential race) of the election the
    desk is watching; 404 when there is none."""
    qs = Contest.objects.filter(kind=kind or "ppwp").order_by("-election__vote_date")
    contest = qs.prefetch_related("candidates").first()
    if contest is None:
        raise Http404("contest not found")
    return contest


def candidate_labels(contest: Contest) -> list[str]:
    """ "01 Anies-Muhaimin" ... by ballot number (index n-1), as the pages show them."""
    by_number = {c.number: c.short_name or c.name for c in contest.candidates.all()}
    k = max(by_number, default=0)
    return [f"{n:02d} {by_number.get(n, '')}".strip() for n in range(1, k + 1)]


def scope_prefixes(user) -> list[str]:
    """The undotted code prefixes of the user's scope ("" = everything)."""
    acc = access.access_for(user)
    if acc.everything:
        return [""]
    return [c.replace(".", "") for c in acc.scope_codes]


def home_region(user, code: str = "") -> Region:
    """The region a results page opens at: the one asked for (404 if the user may
    not see it), else the user's first scope."""
    if code:
        return access.region_for_user_or_404(user, code)
    roots = sorted(access.scope_roots(user), key=lambda r: r.code)
    if not roots:
        raise Http404("no region in scope")
    return roots[0]


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
        return self.code.replace(".", "")


def region_progress(
    contest: Contest, region: Region, desk: DeskSheets | None = None
) -> tuple[AreaProgress, list[AreaProgress]]:
    """The region and each of its children (desa: its TPS): TPS with a sheet, per
    source, and the desk's winner and margin (from the desk values)."""
    prefix = region.code_nodot
    if region.level == "desa":
        children = [
            AreaProgress(t.code, t.name, 1)
            for t in TPS.objects.filter(desa=region).order_by("code")
        ]
        length = 13
    else:
        children = [
            AreaProgress(r.code, r.name, r.tps_count)
            for r in Region.objects.filter(parent=region).order_by("code")
        ]
        length = len(prefix) + (2 if region.level != "kecamatan" else 4)
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
    keys = sheets.codes // 10 ** (13 - length) if length else np.zeros(len(sheets))
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


def open_flag_counts(contest: Contest, prefix: str = "") -> dict[str, int]:
    """Open flags under `prefix`, per check."""
    rows = (
        SheetFlag.objects.filter(
            in_area(prefix), contest=contest, status=FlagStatus.OPEN
        )
        .values_list("check_name")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def flag_queue(
    user, contest: Contest, *, check: str = "", prefix: str = "", status: str = "open"
) -> QuerySet[SheetFlag]:
    """The flags of the user's scope for the queue page and the API, filtered by
    check name, area (undotted prefix) and status ("" = every status)."""
    qs = flags_visible(user, contest).filter(in_area(prefix))
    if status:
        qs = qs.filter(status=status)
    if check:
        qs = qs.filter(check_name=check)
    return qs.select_related("tps__desa__parent", "resolved_by").order_by(
        "tps_code", "check_name", "id"
    )


def flag_for_user_or_404(user, flag_id: int) -> SheetFlag:
    """A flag of a TPS the user may see; 404 otherwise."""
    flag = (
        SheetFlag.objects.filter(
            pk=flag_id, tps_id__in=access.tps_visible(user).values("id")
        )
        .select_related("tps__desa")
        .first()
    )
    if flag is None:
        raise Http404("flag not found")
    return flag


def flag_check_counts(user, contest: Contest, *, prefix: str, status: str) -> dict:
    """Flags of the queue per check (the filter's counts)."""
    qs = flags_visible(user, contest).filter(in_area(prefix))
    if status:
        qs = qs.filter(status=status)
    return dict(qs.order_by().values_list("check_name").annotate(n=Count("id")))


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


def tps_results(user, contest: Contest, code: str) -> TpsResults:
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
        ResultSheet.objects.filter(contest=contest, tps=tps),
        key=lambda s: SOURCE_RANK.get(s.source, 99),
    )
    flags = list(
        SheetFlag.objects.filter(contest=contest, tps=tps)
        .select_related("resolved_by")
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
        values = [_sheet_value(s, name) for s in sheets]
        seen = {v for v in values if v is not None}
        decision = current.get(name)
        rows.append(
            FieldRow(
                group=group,
                name=name,
                label=labels[name],
                values=values,
                desk=decision.value if decision else _sheet_value(primary, name),
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


def field_labels(contest: Contest) -> dict[str, str]:
    labels = {n: str(ResultSheet._meta.get_field(n).verbose_name) for n in FIELDS}
    for i, label in enumerate(candidate_labels(contest)):
        labels[f"suara_{i + 1}"] = label
    return labels


def field_choices(contest: Contest) -> list[tuple[str, str]]:
    """(field, "field: label") of every field a decision may keep."""
    return [(n, f"{n}: {label}") for n, label in field_labels(contest).items()]
