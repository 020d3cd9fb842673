"""Kemendagri region codes and KPU TPS codes: format rules and prefix ranges (no ORM).

Codes nest: province `36`, kab/kota `36.73`, kecamatan `36.73.04`, desa `36.73.04.1003`.
KPU writes them without dots (`3673041003`) and a TPS code is the undotted desa code
plus a three-digit number (`3673041003005`).
"""

from __future__ import annotations

import re

LEVELS = ("provinsi", "kabkota", "kecamatan", "desa")
_PATTERNS = {
    "provinsi": re.compile(r"^\d{2}$"),
    "kabkota": re.compile(r"^\d{2}\.\d{2}$"),
    "kecamatan": re.compile(r"^\d{2}\.\d{2}\.\d{2}$"),
    "desa": re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$"),
}
_TPS = re.compile(r"^\d{13}$")
_NODOT_LEN = {"provinsi": 2, "kabkota": 4, "kecamatan": 6, "desa": 10}


def level_of(code: str) -> str | None:
    """The level a dotted code belongs to, or None when it is not a valid code."""
    for level, pattern in _PATTERNS.items():
        if pattern.match(code):
            return level
    return None


def parent_code(code: str) -> str | None:
    """`36.73.04` -> `36.73`; the province has no parent."""
    return code.rsplit(".", 1)[0] if "." in code else None


def nodot(code: str) -> str:
    return code.replace(".", "")


def dotted(code: str) -> str | None:
    """`3673041003` -> `36.73.04.1003`; None when the length fits no level."""
    if not code.isdigit():
        return None
    cuts = {2: (2,), 4: (2, 4), 6: (2, 4, 6), 10: (2, 4, 6, 10)}.get(len(code))
    if cuts is None:
        return None
    parts, start = [], 0
    for end in cuts:
        parts.append(code[start:end])
        start = end
    return ".".join(parts)


def normalise_region_code(code: str) -> str | None:
    """Accept the dotted or the KPU (undotted) form; answer the dotted form or None."""
    code = code.strip()
    if level_of(code):
        return code
    return dotted(code)


def is_tps_code(code: str) -> bool:
    return bool(_TPS.match(code))


def tps_desa_code(tps_code: str) -> str:
    """The undotted desa code of a TPS code."""
    return tps_code[:10]


def next_prefix(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix`."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def subtree_range(code: str) -> tuple[str, str]:
    """[low, high) of the undotted codes of a region (dotted `code`) and all below it.

    A range on an indexed column uses the index on SQLite and PostgreSQL alike, which a
    LIKE 'x%' does not always do.
    """
    low = nodot(code)
    return low, next_prefix(low)


def tps_range(code: str) -> tuple[str, str]:
    """[low, high) holding the TPS codes of every TPS inside region `code`."""
    prefix = nodot(code)
    return prefix, next_prefix(prefix)
