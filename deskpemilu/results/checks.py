"""The checks of result sheets, on whole arrays of sheets at once (numpy, no ORM).

Per sheet: the identities of the C.Hasil form (each a named check), capacity (voters
above the lists, votes above DPT x 1.02), negative or absurd counts, an admin block
read as all zeros, and likely OCR misreads: a count that, with one inserted digit
removed, two neighbouring digits swapped back, a look-alike digit (tens and above)
or a dropped digit put back, makes every identity of the sheet hold. Across sources
of one TPS: every field on which two readings differ. The
statistical screens are in the screens package. Thresholds are the module constants;
docs/results.md explains each.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import ADMIN_FIELDS, Check

MAX_COUNT = 3_000  # no 2024 TPS could count more (regular TPS had <= 300 voters)
DPT_MARGIN_PERCENT = 102  # votes above DPT x 1.02 (KawalPemilu's rule)
BALLOT_RESERVE_PERCENT = 2  # ballots received = DPT + 2 % reserve
MAX_DIGITS = 10


@dataclass(frozen=True)
class Flag:
    """One finding on one row of a Sheets (`row` indexes it)."""

    row: int
    check: str
    detail: str
    field: str = ""
    value: int | None = None
    expected: int | None = None
    cross_source: bool = False


@dataclass(frozen=True)
class Identity:
    check: str
    left: tuple[str, ...]
    right: tuple[str, ...]


def identities(n_candidates: int) -> tuple[Identity, ...]:
    """The equalities a complete, correct C.Hasil satisfies."""
    votes = tuple(f"suara_{i}" for i in range(1, n_candidates + 1))
    return (
        Identity(Check.SUM_MISMATCH, votes, ("suara_sah",)),
        Identity(
            Check.TOTAL_MISMATCH, ("suara_sah", "suara_tidak_sah"), ("suara_total",)
        ),
        Identity(
            Check.VOTERS_MISMATCH, ("suara_total",), ("pengguna_hak_pilih_total",)
        ),
        Identity(Check.DPT_SUM_MISMATCH, ("dpt_laki", "dpt_perempuan"), ("dpt_total",)),
        Identity(
            Check.USERS_SUM_MISMATCH,
            ("pengguna_dpt_laki", "pengguna_dpt_perempuan"),
            ("pengguna_dpt_total",),
        ),
        Identity(
            Check.USERS_TOTAL_MISMATCH,
            ("pengguna_dpt_total", "pengguna_dptb_total", "pengguna_dpk_total"),
            ("pengguna_hak_pilih_total",),
        ),
        Identity(Check.BALLOTS_USED_MISMATCH, ("surat_digunakan",), ("suara_total",)),
        Identity(
            Check.BALLOTS_SUM_MISMATCH,
            ("surat_digunakan", "surat_rusak", "surat_sisa"),
            ("surat_diterima",),
        ),
    )


def _matrix(sheets: Sheets, idents: tuple[Identity, ...]) -> np.ndarray:
    """Coefficients (identities x columns): +1 left side, -1 right side."""
    a = np.zeros((len(idents), len(sheets.names)), dtype=np.int64)
    for i, ident in enumerate(idents):
        for name in ident.left:
            a[i, sheets.col(name)] += 1
        for name in ident.right:
            a[i, sheets.col(name)] -= 1
    return a


def evaluate(
    values: np.ndarray, known: np.ndarray, a: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Per identity: whether every cell it needs is known, and left minus right.

    Column by column rather than one matrix product, so that a national batch
    needs no (rows x columns) temporary beyond the sheet matrix itself; in blocks
    of rows that stay in the processor's cache while their columns are read
    (a column of the whole matrix is strided: a cache line per cell).
    """
    n = len(values)
    checkable = np.ones((n, len(a)), dtype=bool)
    resid = np.zeros((n, len(a)), dtype=np.int64)
    terms = [
        (i, c, int(coeffs[c]))
        for i, coeffs in enumerate(a)
        for c in np.nonzero(coeffs)[0]
    ]
    for start in range(0, n, _BLOCK_ROWS):
        block = slice(start, start + _BLOCK_ROWS)
        v, k, ok, r = values[block], known[block], checkable[block], resid[block]
        for i, c, coeff in terms:
            ok[:, i] &= k[:, c]
            if coeff == 1:
                r[:, i] += v[:, c]
            elif coeff == -1:
                r[:, i] -= v[:, c]
            else:
                r[:, i] += coeff * v[:, c]
    return checkable, resid


_BLOCK_ROWS = 8192


def check_sheets(sheets: Sheets) -> list[Flag]:
    """Every per-sheet check on every sheet; flags ordered by row."""
    known = effective_known(sheets)
    flags = _admin_block_flags(sheets)
    flags += _range_flags(sheets, known)
    idents = identities(sheets.n_candidates)
    a = _matrix(sheets, idents)
    checkable, resid = evaluate(sheets.values, known, a)
    fail = checkable & (resid != 0)
    for i, ident in enumerate(idents):
        flags += _identity_flags(sheets, np.nonzero(fail[:, i])[0], ident)
    flags += _ballots_received_flags(sheets, known)
    flags += _over_capacity_flags(sheets, known)
    flags += _misread_flags(sheets, known, a, checkable, resid, fail)
    return sorted(flags, key=lambda f: f.row)


def admin_block_empty(sheets: Sheets) -> np.ndarray:
    """Rows with votes whose voter block was read as all zeros (not filled in).

    Unknown cells hold 0 (Sheets), so "every admin cell 0 or unknown" is "every
    admin cell 0"; the admin fields are the first columns, a view, not a copy."""
    first = sheets.col(ADMIN_FIELDS[0])
    adm = slice(first, first + len(ADMIN_FIELDS))
    has_votes = (sheets.values[:, sheets.vote_cols] > 0).any(1)
    adm_zero = ~sheets.values[:, adm].any(1)
    dpt = sheets.col("dpt_total")
    return cast(
        np.ndarray,
        has_votes & adm_zero & sheets.known[:, adm].any(1) & sheets.known[:, dpt],
    )


def effective_known(sheets: Sheets) -> np.ndarray:
    """Known cells, with an all-zero voter block taken as unknown: zeros there mean
    "not filled in", and checking votes against them would only repeat that."""
    known = sheets.known.copy()
    empty = admin_block_empty(sheets)
    if empty.any():
        cols = [sheets.col(n) for n in ADMIN_FIELDS]
        # numpy's stubs want the arguments of ix_ of one kind (it takes both).
        known[np.ix_(np.nonzero(empty)[0], cols)] = False  # type: ignore[arg-type]
    return known


def _admin_block_flags(sheets: Sheets) -> list[Flag]:
    return [
        Flag(
            int(row),
            Check.ADMIN_BLOCK_EMPTY,
            "data pemilih dan pengguna hak pilih semuanya 0 padahal ada suara "
            f"(suara_total {_fmt(sheets.value(int(row), 'suara_total'))}): "
            "bagian administrasi belum terisi atau terbaca nol",
        )
        for row in np.nonzero(admin_block_empty(sheets))[0]
    ]


def _range_flags(sheets: Sheets, known: np.ndarray) -> list[Flag]:
    flags = []
    for check, bad, words in (
        (Check.NEGATIVE_COUNT, known & (sheets.values < 0), "negatif"),
        (Check.ABSURD_COUNT, known & (sheets.values > MAX_COUNT), f"> {MAX_COUNT}"),
    ):
        for row, col in zip(*np.nonzero(bad), strict=True):
            name, value = sheets.names[col], int(sheets.values[row, col])
            flags.append(
                Flag(int(row), check, f"{name} = {value} ({words})", name, value)
            )
    return flags


def _identity_flags(sheets: Sheets, rows: np.ndarray, ident: Identity) -> list[Flag]:
    """The flags of the rows failing an identity; each detail names both sides."""
    cols = np.array([sheets.col(n) for n in ident.left + ident.right], dtype=np.intp)
    values = sheets.values[np.ix_(rows, cols)].tolist()
    known = sheets.known[np.ix_(rows, cols)].tolist()
    cut = len(ident.left)

    def side(names: tuple[str, ...], cells: list[int | None]) -> tuple[str, int]:
        total = sum(c or 0 for c in cells)
        if len(names) == 1:
            return names[0], total
        parts = "+".join(str(c) for c in cells)
        return f"{' + '.join(names)} ({parts})", total

    flags = []
    for row, vals, ks in zip(rows.tolist(), values, known, strict=True):
        cells = [v if k else None for v, k in zip(vals, ks, strict=True)]
        left, lsum = side(ident.left, cells[:cut])
        right, rsum = side(ident.right, cells[cut:])
        detail = f"{left} = {lsum}, tetapi {right} = {rsum} (selisih {lsum - rsum:+d})"
        flags.append(Flag(row, ident.check, detail))
    return flags


def _ballots_received_flags(sheets: Sheets, known: np.ndarray) -> list[Flag]:
    dpt, got = sheets.col("dpt_total"), sheets.col("surat_diterima")
    rows = np.nonzero(known[:, dpt] & known[:, got])[0]
    d, r = sheets.values[rows, dpt], sheets.values[rows, got]
    low = d + (d * BALLOT_RESERVE_PERCENT) // 100
    high = d + -((-d * BALLOT_RESERVE_PERCENT) // 100)
    bad = (r < low) | (r > high)
    return [
        Flag(
            int(row),
            Check.BALLOTS_RECEIVED_MISMATCH,
            f"surat_diterima {int(r_)} bukan DPT + {BALLOT_RESERVE_PERCENT}% "
            f"cadangan ({int(lo)}-{int(hi)} untuk DPT {int(d_)})",
        )
        for row, r_, lo, hi, d_ in zip(
            rows[bad], r[bad], low[bad], high[bad], d[bad], strict=True
        )
    ]


def _over_capacity_flags(sheets: Sheets, known: np.ndarray) -> list[Flag]:
    v = sheets.values

    def col(name: str) -> tuple[np.ndarray, np.ndarray]:
        c = sheets.col(name)
        return v[:, c], known[:, c]

    dpt, dpt_k = col("dpt_total")
    users, users_k = col("pengguna_hak_pilih_total")
    extra = np.zeros(len(sheets), dtype=np.int64)
    for listed, voted in (
        ("dptb_total", "pengguna_dptb_total"),
        ("dpk_total", "pengguna_dpk_total"),
    ):
        (lv, lk), (uv, uk) = col(listed), col(voted)
        extra += np.where(lk, lv, np.where(uk, uv, 0))
    flags = []
    over_lists = dpt_k & users_k & (users > dpt + extra)
    for row in np.nonzero(over_lists)[0]:
        flags.append(
            Flag(
                int(row),
                Check.OVER_CAPACITY,
                f"pengguna_hak_pilih_total {users[row]} > pemilih terdaftar "
                f"(DPT + DPTb + DPK) {dpt[row] + extra[row]}",
            )
        )
    total, total_k = col("suara_total")
    over_dpt = dpt_k & total_k & (total * 100 > dpt * DPT_MARGIN_PERCENT)
    for row in np.nonzero(over_dpt)[0]:
        flags.append(
            Flag(
                int(row),
                Check.OVER_CAPACITY,
                f"suara_total {total[row]} > DPT x 1,02 "
                f"({dpt[row] * DPT_MARGIN_PERCENT // 100}, DPT {dpt[row]})",
            )
        )
    return flags


# Misreads ---------------------------------------------------------------------------


def _digit_counts(x: np.ndarray) -> np.ndarray:
    n = np.ones(x.shape, dtype=np.int64)
    for k in range(1, MAX_DIGITS):
        n += x >= 10**k
    return n


# Digits an OCR reads one for the other (printed and handwritten forms): each
# digit and the digits it may have been read from.
LOOKALIKES: dict[int, tuple[int, ...]] = {
    0: (6, 8, 9),
    1: (7,),
    3: (8,),
    4: (9,),
    5: (6,),
    6: (0, 5, 8),
    7: (1,),
    8: (0, 3, 6, 9),
    9: (0, 4, 8),
}


def digit_edits(x: np.ndarray) -> Iterator[tuple[np.ndarray, np.ndarray, str]]:
    """For non-negative counts x: the values a misread would have come from.

    Yields (candidate, valid, kind): the value with one digit removed (the misread
    inserted or doubled it: 84 -> 884, 17 -> 817), with two neighbouring digits
    swapped back (71 -> 17), with a digit read as a look-alike put back (177 -> 117:
    1/7, 3/8, 5/6, 0/8 ...; tens and above only, see below), and with a dropped digit
    put back (17 -> 117). `valid` says where the edit applies.

    A look-alike in the units digit changes a count by 1 to 9, the size of an
    officer's usual arithmetic slip: the sheet's identities cannot tell the two
    apart, so that edit is not offered (the identity's own flag stands). Every other
    edit changes a count by 9 or more (a dropped or inserted digit, a swap: 9 x the
    digits' difference; a look-alike in the tens: 10 or more).
    """
    digits = _digit_counts(x)
    for p in range(MAX_DIGITS):
        low, high = 10**p, 10 ** (p + 1)
        yield (x // high) * low + x % low, (digits >= 2) & (p < digits), "insert"
    for p in range(MAX_DIGITS - 1):
        low, high = 10**p, 10 ** (p + 1)
        a, b = (x // low) % 10, (x // high) % 10
        swapped = x + (b - a) * low + (a - b) * high
        leading_zero = (p + 1 == digits - 1) & (a == 0)
        yield swapped, (p + 1 < digits) & (a != b) & ~leading_zero, "swap"
    for p in range(1, MAX_DIGITS):
        low = 10**p
        d = (x // low) % 10
        for read, sources in LOOKALIKES.items():
            for true in sources:
                leading_zero = (p == digits - 1) & (true == 0)
                valid = (p < digits) & (d == read) & ~leading_zero
                yield x + (true - read) * low, valid, "substitute"
    for p in range(MAX_DIGITS):
        low = 10**p
        for d in range(10):
            put_back = (x // low) * (low * 10) + d * low + x % low
            valid = (p <= digits) & ~((p == digits) & (d == 0)) & (p < MAX_DIGITS - 1)
            yield put_back, valid, "drop"


KIND_WORDS = {
    "insert": "digit tersisip/ganda",
    "swap": "dua digit tertukar",
    "substitute": "digit terbaca sebagai digit yang mirip",
    "drop": "digit hilang",
}


def _misread_flags(
    sheets: Sheets,
    known: np.ndarray,
    a: np.ndarray,
    checkable: np.ndarray,
    resid: np.ndarray,
    fail: np.ndarray,
) -> list[Flag]:
    """Rows failing an identity where a single digit edit of a single count makes
    every checkable identity of the sheet hold."""
    rows = np.nonzero(fail.any(1))[0]
    if not rows.size:
        return []
    v, k, ck, rs = sheets.values[rows], known[rows], checkable[rows], resid[rows]
    involved = (fail[rows].astype(np.int64) @ (a != 0).astype(np.int64)) > 0
    fixes: dict[int, dict[tuple[int, int], str]] = defaultdict(dict)
    tried: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for c in range(v.shape[1]):
        need = involved[:, c] & k[:, c] & (v[:, c] >= 0)
        coeff = a[:, c]
        if not need.any() or not coeff.any():
            continue
        # A single wrong cell c fixes every identity at once only with one value:
        # the one the first checkable identity naming c implies. Only that value is
        # tried against the digit edits (trying every edit against every identity
        # cost ~1 ms a sheet with four kinds of edit).
        naming = ck & (coeff != 0)[None, :]
        need &= naming.any(1)
        if not need.any():
            continue
        first = np.argmax(naming, axis=1)
        step = coeff[first]
        need &= rs[np.arange(len(rs)), first] % step == 0
        x = v[:, c]
        cand = x - rs[np.arange(len(rs)), first] // np.where(step == 0, 1, step)
        after = rs + (cand - x)[:, None] * coeff[None, :]
        need &= (cand != x) & (cand >= 0) & np.all(~ck | (after == 0), axis=1)
        if not need.any():
            continue
        sub = np.nonzero(need)[0]
        tried.append((sub, np.full(len(sub), c), x[sub], cand[sub]))
    if not tried:
        return []
    # Every column's candidates against the digit edits at once: one pass of
    # digit_edits per batch, not one per column.
    sub, cols, xs, cs = (np.concatenate(part) for part in zip(*tried, strict=True))
    kinds = np.full(len(sub), "", dtype=object)
    for edit, valid, kind in digit_edits(xs):
        kinds[(kinds == "") & valid & (edit == cs)] = kind
    for r, c, y, kind in zip(
        sub.tolist(), cols.tolist(), cs.tolist(), kinds.tolist(), strict=True
    ):
        if kind:
            fixes[r][(c, y)] = kind
    return [
        _misread_flag(sheets, int(rows[r]), found) for r, found in sorted(fixes.items())
    ]


def _misread_flag(sheets: Sheets, row: int, found: dict[tuple[int, int], str]) -> Flag:
    options = [
        f"{sheets.names[c]} terbaca {sheets.values[row, c]}, "
        f"kemungkinan {cand} ({KIND_WORDS[kind]})"
        for (c, cand), kind in sorted(found.items())
    ]
    cols = {c for c, _ in found}
    if len(found) == 1:
        ((c, cand),) = found
        return Flag(
            row,
            Check.LIKELY_MISREAD,
            options[0] + "; dengan nilai itu semua identitas lembar terpenuhi",
            sheets.names[c],
            int(sheets.values[row, c]),
            cand,
        )
    name = sheets.names[next(iter(cols))] if len(cols) == 1 else ""
    return Flag(
        row,
        Check.LIKELY_MISREAD,
        "salah baca? beberapa kemungkinan: " + "; ".join(options),
        name,
        int(sheets.values[row, next(iter(cols))]) if name else None,
    )


# Across sources ---------------------------------------------------------------------


def compare_sources(sheets: Sheets) -> list[Flag]:
    """Fields on which two sources of the same TPS disagree (source_conflict, one
    flag per TPS and field, on the TPS's best-ranked row), and a likely misread where
    one reading is the other with one digit edit (inserted, dropped, swapped,
    look-alike: `digit_edits`)."""
    if sheets.sources is None or len(sheets) < 2:
        return []
    if not (sheets.sources != sheets.sources[0]).any():
        return []  # one source: nothing to compare
    order = np.lexsort((sheets.source_ranks(), sheets.codes))
    codes = sheets.codes[order]
    starts = np.nonzero(np.r_[True, codes[1:] != codes[:-1]])[0]
    sizes = np.diff(np.r_[starts, len(codes)])
    flags: list[Flag] = []
    own_fail = _failing_fields(sheets)
    for start, size in zip(starts[sizes > 1], sizes[sizes > 1], strict=True):
        group = order[start : start + size]
        flags += _group_conflicts(sheets, group, own_fail)
    return flags


def _failing_fields(sheets: Sheets) -> np.ndarray:
    """(rows x columns): the cell takes part in an identity its own sheet fails."""
    known = effective_known(sheets)
    a = _matrix(sheets, identities(sheets.n_candidates))
    checkable, resid = evaluate(sheets.values, known, a)
    fail = checkable & (resid != 0)
    return cast(np.ndarray, (fail.astype(np.int64) @ (a != 0).astype(np.int64)) > 0)


def _group_conflicts(
    sheets: Sheets, group: np.ndarray, own_fail: np.ndarray
) -> list[Flag]:
    v, k = sheets.values[group], sheets.known[group]
    both = k.sum(0) >= 2
    vals_min = np.where(k, v, np.iinfo(np.int64).max).min(0)
    vals_max = np.where(k, v, np.iinfo(np.int64).min).max(0)
    flags = []
    for c in np.nonzero(both & (vals_min != vals_max))[0]:
        name = sheets.names[c]
        readings = [
            (int(r), int(sheets.values[r, c])) for r in group if sheets.known[r, c]
        ]
        listed = ", ".join(f"{sheets.source(r)} {val}" for r, val in readings)
        flags.append(
            Flag(
                int(group[0]),
                Check.SOURCE_CONFLICT,
                f"{name}: {listed}",
                name,
                cross_source=True,
            )
        )
        flags += _cross_misreads(sheets, c, readings, own_fail)
    return flags


def _cross_misreads(
    sheets: Sheets,
    c: int | np.integer[Any],
    readings: list[tuple[int, int]],
    own_fail: np.ndarray,
) -> list[Flag]:
    flags = []
    name = sheets.names[c]
    for r, x in readings:
        others = {val for rr, val in readings if val != x}
        if x < 0 or not others:
            continue
        for cand, valid, kind in digit_edits(np.array([x])):
            y = int(cand[0])
            if not valid[0] or y == x or y not in others:
                continue
            # A swap or a look-alike goes both ways, and a dropped digit is an
            # inserted one seen from the other reading: blame the reading whose own
            # sheet fails (an inserted digit: the longer reading, as before).
            if kind != "insert" and not own_fail[r, c]:
                continue
            who = ", ".join(sheets.source(rr) for rr, val in readings if val == y)
            flags.append(
                Flag(
                    r,
                    Check.LIKELY_MISREAD,
                    f"{name} terbaca {x} di {sheets.source(r)}, kemungkinan {y} "
                    f"({KIND_WORDS[kind]}; {who} mencatat {y})",
                    name,
                    x,
                    y,
                    cross_source=True,
                )
            )
            break
    return flags


def _fmt(value: int | None) -> str:
    return "?" if value is None else str(value)


# One sheet as it is typed -------------------------------------------------------


@dataclass(frozen=True)
class IdentityState:
    check: str
    state: str  # "ok", "fail" or "incomplete" (a field it needs is still empty)
    detail: str = ""


def sheet_report(
    sheets: Sheets, row: int = 0
) -> tuple[list[IdentityState], list[Flag]]:
    """For one row: the state of every identity of the form, and the other flags
    (capacity, ranges, misreads...) its numbers raise so far."""
    flags = [f for f in check_sheets(sheets.take(np.array([row]))) if f.row == 0]
    failing = {f.check: f for f in flags}
    known = effective_known(sheets)[row]
    states = []
    for ident in identities(sheets.n_candidates):
        needed = [sheets.col(n) for n in ident.left + ident.right]
        if ident.check in failing:
            states.append(
                IdentityState(ident.check, "fail", failing[ident.check].detail)
            )
        elif all(known[c] for c in needed):
            states.append(IdentityState(ident.check, "ok"))
        else:
            states.append(IdentityState(ident.check, "incomplete"))
    names = {i.check for i in identities(sheets.n_candidates)}
    return states, [f for f in flags if f.check not in names]
