"""Kemendagri region codes and KPU TPS codes: their two forms, levels, the tree they
spell and the ranges of "everything under" (no ORM).

Codes nest: province `36`, kab/kota `36.73`, kecamatan `36.73.04`, desa `36.73.04.1003`.
That is the **dotted** form (Kemendagri; `Region.code`). KPU writes the same codes
**undotted** (`3673041003`; `Region.code_nodot`, and the `area_code` of messages,
incidents and recaps), and a TPS code is the undotted desa code plus a three-digit
number (`3673041003005`). So an undotted code starts with the undotted codes of every
region that holds it, and its length tells its level.

Codes stay plain `str`, as the database, the URLs and the messages hold them: these
are functions on str, cheap enough for the intake path, rather than an object built
per message. A function takes one form, named in its docstring; `nodot` and
`dotted` convert. Validity is checked on ASCII digits only (`str.isdigit` and the
regex `\\d` also take "²" or Arabic-Indic digits, which no code has).
"""

from __future__ import annotations

import re

LEVELS = ("provinsi", "kabkota", "kecamatan", "desa")
# Length of each level's undotted code, and of a TPS code.
NODOT_LENGTH = {"provinsi": 2, "kabkota": 4, "kecamatan": 6, "desa": 10}
TPS_LENGTH = 13
CHILD_LEVEL = {"provinsi": "kabkota", "kabkota": "kecamatan", "kecamatan": "desa"}
# Length of the undotted codes one level down; under a desa are its TPS.
CHILD_NODOT_LENGTH = {
    **{level: NODOT_LENGTH[child] for level, child in CHILD_LEVEL.items()},
    "desa": TPS_LENGTH,
}

_PATTERNS = {
    "provinsi": re.compile(r"[0-9]{2}"),
    "kabkota": re.compile(r"[0-9]{2}\.[0-9]{2}"),
    "kecamatan": re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}"),
    "desa": re.compile(r"[0-9]{2}\.[0-9]{2}\.[0-9]{2}\.[0-9]{4}"),
}
_NODOT_LEVEL = {length: level for level, length in NODOT_LENGTH.items()}


# The dotted form ----------------------------------------------------------------


def level_of(code: str) -> str | None:
    """The level of a dotted code (`36.73` -> "kabkota"), or None when `code` is not
    a valid dotted code."""
    for level, pattern in _PATTERNS.items():
        if pattern.fullmatch(code):
            return level
    return None


def depth_of(code: str) -> int:
    """0 for a province, 3 for a desa: the dots of a dotted code, not checked."""
    return code.count(".")


def parent_code(code: str) -> str | None:
    """`36.73.04` -> `36.73`; the province has no parent."""
    return code.rsplit(".", 1)[0] if "." in code else None


def ancestors(code: str) -> list[str]:
    """The dotted codes of the regions holding `code`, province first, not `code`
    itself: `36.73.04.1003` -> [`36`, `36.73`, `36.73.04`]."""
    return [code[:i] for i, char in enumerate(code) if char == "."]


def is_within(code: str, scope: str) -> bool:
    """Whether dotted `code` is the region `scope` or lies under it (`36.7` is not
    under `36`: a prefix counts only up to a dot)."""
    return code == scope or code.startswith(scope + ".")


# Converting ---------------------------------------------------------------------


def nodot(code: str) -> str:
    """The undotted (KPU) form of a dotted code: `36.73.04` -> `367304`."""
    return code.replace(".", "")


def dotted(code: str) -> str | None:
    """`3673041003` -> `36.73.04.1003`; None when `code` is not the undotted code of
    a region (a TPS code has no dotted form)."""
    length = len(code)
    if length not in _NODOT_LEVEL or not (code.isascii() and code.isdigit()):
        return None
    # Spelled out per length: the field-code parser calls this for every report.
    if length == 10:
        return f"{code[:2]}.{code[2:4]}.{code[4:6]}.{code[6:]}"
    if length == 6:
        return f"{code[:2]}.{code[2:4]}.{code[4:]}"
    if length == 4:
        return f"{code[:2]}.{code[2:]}"
    return code


def normalise_region_code(code: str) -> str | None:
    """A region code as typed or in a URL, in either form (surrounding blanks
    ignored), as its dotted form; None when it is neither form."""
    code = code.strip()
    if level_of(code):
        return code
    return dotted(code)


def typed_tps_code(text: str) -> str:
    """A TPS code as a person types it (`36.73.04.1003.005`, with spaces) with the
    dots and spaces taken out; whether it is valid is `is_tps_code`'s question."""
    return text.strip().replace(".", "").replace(" ", "")


# The undotted form and TPS codes -------------------------------------------------


def is_tps_code(code: str) -> bool:
    """Whether `code` is a TPS code: 13 ASCII digits."""
    return len(code) == TPS_LENGTH and code.isascii() and code.isdigit()


def tps_desa_code(tps_code: str) -> str:
    """The undotted desa code of a TPS code."""
    return tps_code[: NODOT_LENGTH["desa"]]


def tps_number(tps_code: str) -> int:
    """The number of a TPS within its desa: `3673041003005` -> 5."""
    return int(tps_code[NODOT_LENGTH["desa"] :])


def widen(code: str, level: str) -> str:
    """An undotted code (region or TPS) below `level` cut to the undotted code of its
    `level` region; a code at or above `level` is answered as it is:
    widen("3673041003005", "kecamatan") == "367304", widen("3673", "desa") == "3673".
    """
    return code[: NODOT_LENGTH[level]]


def nodot_ancestors(code: str) -> list[str]:
    """The undotted codes of the regions holding an undotted region or TPS code,
    province first, not `code` itself: `367304` -> [`36`, `3673`]."""
    return [code[:n] for n in NODOT_LENGTH.values() if n < len(code)]


# Everything under a region: ranges -------------------------------------------------


def next_prefix(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def subtree_range(code: str) -> tuple[str, str]:
    """[low, high) of the undotted codes of a region (dotted `code`) and all below it.

    A range on an indexed column uses the index on SQLite and PostgreSQL alike, which a
    LIKE 'x%' does not always do; and undotted codes, being digits only, sort the same
    under any collation (dotted ones do not: en_US ignores the dots).
    """
    low = nodot(code)
    return low, next_prefix(low)


def tps_range(code: str) -> tuple[str, str]:
    """[low, high) holding the TPS codes of every TPS inside region `code` (dotted)."""
    return subtree_range(code)
