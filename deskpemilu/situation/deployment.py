"""The deployment plan's arithmetic: police and Linmas needed for a number of TPS of
each class, and how a Polres's personnel covers its kecamatan. Pure code, no ORM.

The pattern (Operasi Mantap Brata 2023-24) is written police:TPS:Linmas per class:
    kurang_rawan 2:4-8:8-16   2 police for a group of 4 to 8 TPS, 2 Linmas per TPS
    rawan        2:2:4        2 police for 2 TPS, 2 Linmas per TPS
    sangat_rawan 2:1:2        2 police for 1 TPS, 2 Linmas per TPS
    khusus       2:1:2
(setting DESKPEMILU_DEPLOYMENT_PATTERN, same notation, classes separated by ";").

Need of one kecamatan, for each class with n TPS (TPS are grouped within a kecamatan
and a class, never across):
    police, at least = police x ceil(n / largest group)      (groups of 8)
    police, at most  = police x ceil(n / smallest group)     (groups of 4)
    Linmas           = ceil(n x Linmas per TPS)               (16 / 8 = 2)
e.g. 8 kurang rawan TPS: 2 to 4 police and 16 Linmas; 9: 4 to 6 police, 18 Linmas;
3 rawan: 4 police, 6 Linmas; 1 sangat rawan + 1 khusus: 4 police, 4 Linmas.
A kab/kota needs the sum of its kecamatan; the plan is held against the "at least"
figure.

Shortfall: a Polres reports one total of police and of Linmas. It is shared over its
kecamatan in proportion to their need (largest remainder, never more than a
kecamatan needs); a kecamatan's shortfall is its need minus its share, so the
kecamatan shortfalls add up to the kab/kota's.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from deskpemilu.situation.vulnerability import CLASSES, PLANNED_AS


@dataclass(frozen=True)
class Pattern:
    police: int
    tps_min: int
    tps_max: int
    linmas_min: int
    linmas_max: int

    def __post_init__(self) -> None:
        if not (self.police >= 1 and 1 <= self.tps_min <= self.tps_max):
            raise ValueError("police >= 1 and 1 <= TPS min <= TPS max")
        if self.linmas_min * self.tps_max != self.linmas_max * self.tps_min:
            raise ValueError("Linmas must be the same number per TPS at both ends")

    @property
    def linmas_per_tps(self) -> float:
        return self.linmas_max / self.tps_max

    def text(self) -> str:
        def span(low: int, high: int) -> str:
            return str(low) if low == high else f"{low}-{high}"

        tps = span(self.tps_min, self.tps_max)
        return f"{self.police}:{tps}:{span(self.linmas_min, self.linmas_max)}"


DEFAULT_PATTERN_TEXT = (
    "kurang_rawan=2:4-8:8-16;rawan=2:2:4;sangat_rawan=2:1:2;khusus=2:1:2"
)


def _span(text: str) -> tuple[int, int]:
    low, _, high = text.partition("-")
    low_n, high_n = int(low), int(high or low)
    return low_n, high_n


def parse_pattern(
    text: str, base: Mapping[str, Pattern] | None = None
) -> dict[str, Pattern]:
    """'kurang_rawan=2:4-8:8-16;rawan=2:2:4;...' -> {class: Pattern}. A class left
    out keeps its pattern in `base` (default: the documented pattern); an unknown
    class or a bad number raises ValueError."""
    result = dict(DEFAULT_PATTERN if base is None else base)
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, sep, value = (s.strip() for s in part.partition("="))
        pieces = value.split(":")
        if not sep or name not in CLASSES or len(pieces) != 3:
            raise ValueError(
                f"cannot read {part!r}: expected class=police:TPS:Linmas, "
                f"e.g. kurang_rawan=2:4-8:8-16 (classes: {', '.join(CLASSES)})"
            )
        try:
            police = int(pieces[0])
            tps_min, tps_max = _span(pieces[1])
            linmas_min, linmas_max = _span(pieces[2])
            result[name] = Pattern(police, tps_min, tps_max, linmas_min, linmas_max)
        except ValueError as exc:
            raise ValueError(f"cannot read {part!r}: {exc}") from exc
    missing = [c for c in CLASSES if c not in result]
    if missing:
        raise ValueError("pattern missing for " + ", ".join(missing))
    return result


DEFAULT_PATTERN: dict[str, Pattern] = parse_pattern(DEFAULT_PATTERN_TEXT, base={})


@dataclass(frozen=True)
class Need:
    police_min: int = 0
    police_max: int = 0
    linmas: int = 0

    def __add__(self, other: Need) -> Need:
        return Need(
            self.police_min + other.police_min,
            self.police_max + other.police_max,
            self.linmas + other.linmas,
        )


def need_for(
    counts: Mapping[str, int], pattern: Mapping[str, Pattern] = DEFAULT_PATTERN
) -> Need:
    """Police and Linmas for one kecamatan's TPS, given the number of each class; a
    TPS not assessed is planned as its PLANNED_AS class (grouped with those)."""
    planned: dict[str, int] = {}
    for tps_class, n in counts.items():
        planned_as = PLANNED_AS.get(tps_class, tps_class)
        planned[planned_as] = planned.get(planned_as, 0) + n
    total = Need()
    for tps_class, n in planned.items():
        if n <= 0:
            continue
        rule = pattern[tps_class]
        total += Need(
            police_min=rule.police * math.ceil(n / rule.tps_max),
            police_max=rule.police * math.ceil(n / rule.tps_min),
            linmas=math.ceil(n * rule.linmas_per_tps - 1e-9),
        )
    return total


def allocate(available: int, needs: Mapping[str, int]) -> dict[str, int]:
    """Share `available` people over places in proportion to their need (largest
    remainder; ties to the larger need, then the first code); nobody gets more than
    they need."""
    total = sum(needs.values())
    if available >= total:
        return dict(needs)
    if total == 0 or available <= 0:
        return {key: 0 for key in needs}
    exact = {key: available * need / total for key, need in needs.items()}
    shares = {key: math.floor(value) for key, value in exact.items()}
    left = available - sum(shares.values())
    order = sorted(needs, key=lambda k: (-(exact[k] - shares[k]), -needs[k], k))
    for key in order[:left]:
        shares[key] += 1
    return shares


def shortfall(need: int, available: int | None) -> int | None:
    """How many are missing; None when the number available is not known."""
    if available is None:
        return None
    return max(need - available, 0)
