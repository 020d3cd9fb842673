"""Corrections a sheet's own numbers propose, with the reason (no Django, no ORM).

A check says an identity of the C.Hasil fails; this module says, where the sheet's
other numbers leave only one answer, which value each wrong field should probably
hold. Four explanations, tried in this order:

- copied: a block of the form (e.g. valid / invalid / total votes) holds exactly the
  numbers of another block (the candidate counts) -- it was filled from the wrong
  row. The block is solved again from the identities.
- shifted: a block's numbers are the right ones moved one box left or right.
- one field: exactly one field, changed alone, makes every identity hold (or, of
  several such fields, exactly one differs from its solution by a typical misread:
  a digit inserted or two neighbouring digits swapped; `digit` names a substituted,
  inserted or swapped digit where there is one).
- missing: an empty field that an identity, all of whose other terms are known,
  forces.

A value is proposed only when it is pinned: derived from an identity whose other
terms are all known, never contradicted by another identity, and every identity
the sheet can check holds afterwards. When the identities leave a choice (e.g. DPT
men + women = total off by 3 with nothing else to say which term is wrong), nothing
is proposed. docs/results.md explains each rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from deskpemilu.results.checks import Identity, identities
from deskpemilu.results.spec import field_names

Values = Mapping[str, int | None]

# Kinds of proposals (stored nowhere; the labels module words them).
COPIED = "copied"
SHIFTED = "shifted"
ONE_FIELD = "one_field"
MISSING = "missing"

# Kinds of digit misreads of one value.
DIGIT_INSERTED = "inserted"
DIGIT_SWAPPED = "swapped"
DIGIT_SUBSTITUTED = "substituted"


@dataclass(frozen=True)
class Correction:
    field: str
    read: int | None
    proposed: int
    check: str  # the identity that pins the value


@dataclass(frozen=True)
class Proposal:
    kind: str
    corrections: tuple[Correction, ...]
    block: str = ""  # the block corrected (copied/shifted)
    copied_from: str = ""  # the block whose numbers were copied
    digit: str = ""  # one field: the kind of digit misread, if any

    @property
    def fields(self) -> frozenset[str]:
        return frozenset(c.field for c in self.corrections)


def blocks(n_candidates: int) -> dict[str, tuple[str, ...]]:
    """The rows of boxes of the form, each in its printed order."""
    return {
        "votes": ("suara_sah", "suara_tidak_sah", "suara_total"),
        "candidates": tuple(f"suara_{i}" for i in range(1, n_candidates + 1)),
        "dpt": ("dpt_laki", "dpt_perempuan", "dpt_total"),
        "users": ("pengguna_dpt_laki", "pengguna_dpt_perempuan", "pengguna_dpt_total"),
        "user_lists": (
            "pengguna_dpt_total",
            "pengguna_dptb_total",
            "pengguna_dpk_total",
            "pengguna_hak_pilih_total",
        ),
        "ballots": ("surat_diterima", "surat_digunakan", "surat_rusak", "surat_sisa"),
    }


def propose(values: Values, n_candidates: int) -> list[Proposal]:
    """The corrections the sheet's own identities pin, best explanation first."""
    idents = identities(n_candidates)
    read = {name: values.get(name) for name in field_names(n_candidates)}
    failing = [i for i in idents if _checkable(i, read) and not _holds(i, read)]
    found: list[Proposal] = []
    if failing:
        found += _block_proposals(read, idents, n_candidates)
        if not found:
            found += _one_field_proposals(read, idents, failing)
    fixed = dict(read) | {c.field: c.proposed for p in found for c in p.corrections}
    found += _missing_proposals(fixed, read, idents, blocks(n_candidates))
    return found


# Solving ------------------------------------------------------------------------


def _terms(ident: Identity) -> tuple[str, ...]:
    return ident.left + ident.right


def _checkable(ident: Identity, vals: Values) -> bool:
    return all(vals.get(n) is not None for n in _terms(ident))


def _holds(ident: Identity, vals: Values) -> bool:
    left = sum(vals.get(n) or 0 for n in ident.left)
    return left == sum(vals.get(n) or 0 for n in ident.right)


def _solve(
    read: Values, unknown: set[str], idents: tuple[Identity, ...]
) -> dict[str, Correction] | None:
    """The values of `unknown` fields that identities with one unknown term force,
    round after round; None when two identities force different values or a
    forced value is negative. Fields nothing forces are left out."""
    vals: dict[str, int | None] = {
        n: (None if n in unknown else v) for n, v in read.items()
    }
    solved: dict[str, Correction] = {}
    progress = True
    while progress:
        progress = False
        for ident in idents:
            missing = [n for n in _terms(ident) if vals.get(n) is None]
            if len(missing) != 1 or missing[0] not in unknown:
                continue
            (name,) = missing
            left = sum(vals.get(n) or 0 for n in ident.left if n != name)
            right = sum(vals.get(n) or 0 for n in ident.right if n != name)
            value = right - left if name in ident.left else left - right
            if value < 0:
                return None
            vals[name] = value
            solved[name] = Correction(name, read.get(name), value, ident.check)
            progress = True
    # A value forced twice must agree, and nothing the sheet can check may fail.
    if not all(_holds(i, vals) for i in idents if _checkable(i, vals)):
        return None
    return solved


def _solve_all(
    read: Values, unknown: set[str], idents: tuple[Identity, ...]
) -> tuple[Correction, ...] | None:
    """Like _solve, but every unknown field must be pinned and one must change."""
    solved = _solve(read, unknown, idents)
    if solved is None or set(solved) != unknown:
        return None
    if all(c.proposed == c.read for c in solved.values()):
        return None
    return tuple(solved[n] for n in read if n in unknown)


# Blocks -------------------------------------------------------------------------


def _block_proposals(
    read: Values, idents: tuple[Identity, ...], n_candidates: int
) -> list[Proposal]:
    rows = blocks(n_candidates)
    found = []
    for name, fields in rows.items():
        got = [read.get(f) for f in fields]
        if len(fields) < 2 or any(v is None for v in got):
            continue
        source = _copied_from(name, [v or 0 for v in got], read, rows)
        if not source and not _may_be_shifted(got):
            continue
        fixes = _solve_all(read, set(fields), idents)
        if fixes is None:
            continue
        if source:
            found.append(Proposal(COPIED, fixes, block=name, copied_from=source))
        elif _shifted([v or 0 for v in got], [c.proposed for c in fixes]):
            found.append(Proposal(SHIFTED, fixes, block=name))
    return found


def _copied_from(
    name: str, got: list[int], read: Values, rows: dict[str, tuple[str, ...]]
) -> str:
    """The other block holding the same numbers in the same order, if any. Two
    zeros and a number match too much by chance: at least two numbers above 0."""
    if sum(1 for v in got if v > 0) < 2:
        return ""
    for other, fields in rows.items():
        if other == name or set(fields) & set(rows[name]):
            continue
        theirs = [read.get(f) for f in fields]
        for start in range(len(theirs) - len(got) + 1):
            if theirs[start : start + len(got)] == got:
                return other
    return ""


def _may_be_shifted(got: list[int | None]) -> bool:
    return sum(1 for v in got if v) >= 2


def _shifted(got: list[int], right: list[int]) -> bool:
    """The numbers read are the right ones moved one box left or right."""
    left_moved = got[:-1] == right[1:]
    right_moved = got[1:] == right[:-1]
    return got != right and (left_moved or right_moved)


# One field ----------------------------------------------------------------------


def _one_field_proposals(
    read: Values, idents: tuple[Identity, ...], failing: list[Identity]
) -> list[Proposal]:
    suspects = sorted(
        {n for i in failing for n in _terms(i) if read.get(n) is not None},
        key=list(read).index,
    )
    options = []
    for name in suspects:
        fixes = _solve_all(read, {name}, idents)
        if fixes is not None:
            options.append(fixes[0])
    if len(options) > 1:
        # Several single fields would do: only a typical misread picks one.
        options = [
            c
            for c in options
            if digit_misread(c.read or 0, c.proposed) in (DIGIT_INSERTED, DIGIT_SWAPPED)
        ]
    if len(options) != 1:
        return []
    (fix,) = options
    digit = digit_misread(fix.read or 0, fix.proposed)
    return [Proposal(ONE_FIELD, (fix,), digit=digit)]


def digit_misread(read: int, right: int) -> str:
    """How `read` could be a misread of `right`: one digit substituted, inserted
    (or doubled) or two neighbouring digits swapped; "" if none of these."""
    a, b = str(read), str(right)
    if read < 0 or right < 0 or a == b:
        return ""
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return DIGIT_SUBSTITUTED
        if (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
        ):
            return DIGIT_SWAPPED
        return ""
    if len(a) == len(b) + 1 and any(a[:i] + a[i + 1 :] == b for i in range(len(a))):
        return DIGIT_INSERTED
    return ""


# Missing terms ------------------------------------------------------------------


def _missing_proposals(
    fixed: Values,
    read: Values,
    idents: tuple[Identity, ...],
    rows: dict[str, tuple[str, ...]],
) -> list[Proposal]:
    """Empty fields forced by the sheet (with the corrections found so far), in a
    block the source did fill in part: a block left empty as a whole (Sirekap has
    no ballots block) was not read, and filling it from the votes adds nothing."""
    empty = {n for i in idents for n in _terms(i) if fixed.get(n) is None}
    solved = _solve(fixed, empty, idents) if empty else None
    if not solved:
        return []
    return [
        Proposal(MISSING, (Correction(n, read.get(n), c.proposed, c.check),))
        for n, c in sorted(solved.items())
        if any(
            n in fields and any(fixed.get(f) is not None for f in fields)
            for fields in rows.values()
        )
    ]
