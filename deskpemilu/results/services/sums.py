"""The sums per desa kept beside the sheets (models.DesaSums, a row per
kecamatan): what a write of sheets changes in them, inside the writer's transaction.

New primary sheets are added to their desa's row from the arrays the import holds
(no statement reads them back); a kecamatan where a sheet changed or a primary
source may have moved is summed again from the table, after every sheet is
written. The first write into a contest with sheets but no kept sums (or kept for
another number of candidates) sums everything once. Writers of a contest take its
row lock first, so that two imports never add to the same rows at once (SQLite
writes one at a time).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from deskpemilu.elections.models import Contest
from deskpemilu.results import storage
from deskpemilu.results.sheets import Sheets

_TPS_DIGITS = 3  # a TPS code is its desa's code and three digits
_DESA_TO_KECAMATAN = 4  # a desa's code is its kecamatan's and four digits
_TO_KECAMATAN = _TPS_DIGITS + _DESA_TO_KECAMATAN


def contest_lock(contest_id: int) -> None:
    """Wait for, and hold until the transaction ends, the right to write the
    contest's sheets (a no-op on SQLite, which writes one transaction at a time)."""
    list(Contest.objects.select_for_update().filter(pk=contest_id).values("pk"))


def desa_rows(desa: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Rows of kept sums (storage.desa_sums' layout) added up per desa (int codes):
    the desa in order and one row each."""
    if not len(desa):
        return desa, rows
    desa, (rows,) = _in_order(desa, rows)
    starts = _starts(desa)
    return desa[starts], np.add.reduceat(rows, starts, axis=0)


def sheet_rows(sheets: Sheets) -> tuple[np.ndarray, np.ndarray]:
    """The sheets summed per desa (int codes, in order) as rows of kept sums.
    Summed column by column before the row is laid out: one row per desa is
    built, not one per sheet."""
    if not len(sheets):
        return _NONE, np.zeros((0, 1 + 2 * len(sheets.names)), np.int64)
    # Unknown cells are 0 in Sheets.values.
    desa, (values, known) = _in_order(
        sheets.codes // 10**_TPS_DIGITS, sheets.values, sheets.known
    )
    starts = _starts(desa)
    rows = np.empty((len(starts), 1 + 2 * values.shape[1]), dtype=np.int64)
    rows[:, 0] = np.diff(np.r_[starts, len(desa)])
    rows[:, 1::2] = np.add.reduceat(values, starts, axis=0)
    rows[:, 2::2] = np.add.reduceat(known, starts, axis=0, dtype=np.int64)
    return desa[starts], rows


def _in_order(
    desa: np.ndarray, *arrays: np.ndarray
) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """The desa codes and the arrays' rows by code (a file's batch mostly is)."""
    if (desa[1:] >= desa[:-1]).all():
        return desa, arrays
    order = np.argsort(desa, kind="stable")
    return desa[order], tuple(a[order] for a in arrays)


def _starts(desa: np.ndarray) -> np.ndarray:
    return np.nonzero(np.r_[True, desa[1:] != desa[:-1]])[0]


def desa_sums_rebuild(*, contest: Contest) -> int:
    """Sum every desa of the contest again from its sheets (after sheets were
    written some other way than the import); the number of desa kept."""
    contest_lock(contest.id)
    n_votes = contest.candidates.count()
    codes, data = storage.desa_sums(contest.id, n_votes)
    storage.keep_sums(
        contest.id, storage.sums_width(n_votes), _ints(codes), data, forget=None
    )
    return len(codes)


@dataclass
class DesaSumKeeper:
    """What one import changes in the kept sums; `finish()` once every sheet of
    it is in the table."""

    contest: Contest
    n_votes: int
    had_sheets: bool  # the contest had sheets before this import
    _added: list[tuple[np.ndarray, np.ndarray]] = field(default_factory=list)
    _stale: list[np.ndarray] = field(default_factory=list)

    def added(self, sheets: Sheets) -> None:
        """New sheets written as primary."""
        if len(sheets):
            self._added.append(sheet_rows(sheets))

    def stale(self, tps_codes: np.ndarray) -> None:
        """TPS (int codes) whose kecamatan is summed again from the table at
        finish: a sheet changed, or its primary source may have moved."""
        if len(tps_codes):
            codes = np.asarray(tps_codes, dtype=np.int64)
            self._stale.append(codes // 10**_TO_KECAMATAN)

    def finish(self) -> None:
        cid, width = self.contest.id, storage.sums_width(self.n_votes)
        stale = np.unique(np.concatenate(self._stale)) if self._stale else _NONE
        desa, data = self._summed(stale)
        if storage.kept_width(cid) != width:
            if self.had_sheets:
                desa_sums_rebuild(contest=self.contest)
            else:  # every sheet of the contest is in this import
                storage.keep_sums(cid, width, desa, data, forget=None)
            return
        # The kecamatan the new sheets fall in: what was kept there, plus them.
        touched = _kecamatan_texts(np.unique(desa // 10**_DESA_TO_KECAMATAN))
        if touched:
            before = storage.kept_sums(cid, self.n_votes, kecamatan=touched)
            assert before is not None  # the width was checked above
            desa, data = desa_rows(
                np.concatenate([before[0], desa]), np.concatenate([before[1], data])
            )
        # The stale kecamatan: summed again from the table, desa by desa.
        again = _kecamatan_texts(stale)
        codes, summed = storage.desa_sums(
            cid, self.n_votes, desa=storage.desa_of_kecamatan(again)
        )
        desa, data = desa_rows(
            np.concatenate([desa, _ints(codes)]), np.concatenate([data, summed])
        )
        storage.keep_sums(cid, width, desa, data, forget=touched + again)

    def _summed(self, leave: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The added sheets per desa, but for the desa in the kecamatan `leave`."""
        if not self._added:
            return _NONE, np.zeros((0, storage.sums_width(self.n_votes)), np.int64)
        desa = np.concatenate([d for d, _ in self._added])
        rows = np.concatenate([r for _, r in self._added])
        keep = ~np.isin(desa // 10**_DESA_TO_KECAMATAN, leave)
        return desa_rows(desa[keep], rows[keep])


def _ints(codes: list[str]) -> np.ndarray:
    return np.fromiter(map(int, codes), dtype=np.int64, count=len(codes))


def _kecamatan_texts(kecamatan: np.ndarray) -> list[str]:
    return [f"{k:06d}" for k in kecamatan.tolist()]


_NONE = np.zeros(0, dtype=np.int64)
