"""What the desk holds for an area, whoever asks: the desk values of its TPS as
arrays and the recap built from them. An area is an undotted code prefix ("3601",
"360101"; "" = everything), a range on the sheets' indexed `tps_code`.

Not scoped to a user. Pages and the API read through `selectors`, which check the
user's scope and then call these; services call them after deciding access
themselves (screens_run), and so do the commands and the benchmark.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db.models import Q

from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import NODOT_LENGTH, next_prefix
from deskpemilu.results import recap, storage
from deskpemilu.results.models import Decision, ResultSheet
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS, field_names


def in_area(prefix: str, field: str = "tps_code") -> Q:
    """A range on an undotted code column: everything under `prefix` ("" = all)."""
    if not prefix:
        return Q()
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": next_prefix(prefix)})


def sheet_value(sheet: ResultSheet | None, name: str) -> int | None:
    """One field of a sheet (a C.Hasil field or `suara_<n>`); None if not known."""
    if sheet is None:
        return None
    if name in FIELDS:
        return getattr(sheet, name)
    n = int(name.removeprefix("suara_"))
    return sheet.votes[n - 1] if n <= len(sheet.votes) else None


def decided_changes(
    contest: Contest, prefix: str = ""
) -> list[tuple[str, str, int | None, int | None]]:
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
        changes.append((code, name, sheet_value(sheet, name), value))
    return changes


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
    rows = storage.primary_sheet_rows(contest.id, len(names) - len(FIELDS), prefix)
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


def recap_table(contest: Contest, prefix: str = "") -> recap.RecapTable:
    """The desk's recap of every area under `prefix`: the primary sheets summed per
    desa, with the desk's decisions in place of the values they replace, then
    rolled up level by level."""
    names = field_names(contest.candidates.count())
    n_votes = len(names) - len(FIELDS)
    # The sums kept per desa (services.sums) when the contest has them; a TPS's
    # "area" and a contest without them sum the sheets.
    kept = (
        storage.kept_sums(contest.id, n_votes, prefix)
        if len(prefix) <= NODOT_LENGTH["desa"]
        else None
    )
    if kept is None:
        texts, data = storage.desa_sums(contest.id, n_votes, prefix)
        codes = np.fromiter(map(int, texts), dtype=np.int64, count=len(texts))
    else:
        codes, data = kept
    sheets, sums, known = data[:, 0], data[:, 1::2].copy(), data[:, 2::2].copy()
    recap.apply_decisions(codes, sums, known, names, decided_changes(contest, prefix))
    return recap.build(names, codes, sheets, sums, known)
