"""What every screen shares: its verdicts, thresholds, the shape of a result, and
the chi-square and Poisson tails (no scipy)."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

# Shared by every screen ----------------------------------------------------------

INSUFFICIENT = "insufficient sample"
CONSISTENT = "consistent"
DEVIATES = "deviates"
NOT_PROOF = (
    "Layar statistik, bukan bukti: penyimpangan hanya alasan untuk memeriksa "
    "lembar dan lapangan, bukan tanda kecurangan."
)
ALPHA = 0.05
DIGIT_MIN_NUMBER = 10  # counts below 10 have no second digit and a biased last one
DIGIT_MIN_SAMPLE = 100  # numbers: 10 expected per digit (last) and >= 8.5 (second)
FINGERPRINT_MIN_SAMPLE = 100  # TPS
FINGERPRINT_BINS = 50
CORNER = 0.95  # turnout and winner share both at least this: the "100 %" corner
CORNER_MIN = 3  # fewer TPS in the corner make no pattern, whatever the p-value
INTEGER_MIN_SAMPLE = 100  # percentages tested (turnouts and winner shares)
INTEGER_MIN_DENOMINATOR = 50  # fewer voters: a whole percentage is too common to count
INTEGER_MAX_DENOMINATOR = 10_000  # no TPS counts more (above 3,000 is a misread)
INTEGER_MIN_EXCESS = 3.0  # fewer surplus whole percentages make no pattern


@dataclass(frozen=True, kw_only=True)
class ScreenResult:
    """The outcome of one screen over a set of TPS. A screen, not proof: `verdict`
    is INSUFFICIENT below `min_sample`, and otherwise only says whether the numbers
    deviate from what the screen expects."""

    screen: str
    sample: int
    min_sample: int
    verdict: str
    statistic: float | None = None
    df: int | None = None
    critical_5: float | None = None
    p_value: float | None = None
    detail: str = ""
    caveat: str = NOT_PROOF
    is_proof: bool = False

    @property
    def sufficient(self) -> bool:
        return self.verdict != INSUFFICIENT

    def as_dict(self) -> dict[str, Any]:
        out = {}
        for key, value in vars(self).items():
            if isinstance(value, np.ndarray):
                value = value.tolist()
            elif isinstance(value, tuple):
                value = list(value)
            out[key] = value
        return out


# Chi-square and Poisson tails without scipy --------------------------------------


def _gamma_series(a: float, x: float) -> float:
    term = total = 1.0 / a
    ap = a
    for _ in range(1000):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * 1e-16:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_fraction(a: float, x: float) -> float:
    tiny = 1e-300
    b = x + 1.0 - a
    c, d = 1.0 / tiny, 1.0 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1.0 / d
        h *= d * c
        if abs(d * c - 1.0) < 1e-16:
            break
    return h * math.exp(-x + a * math.log(x) - math.lgamma(a))


def gamma_p(a: float, x: float) -> float:
    """Regularised lower incomplete gamma P(a, x): a series below a + 1, Lentz's
    continued fraction above (Numerical Recipes 6.2)."""
    if a <= 0 or x < 0:
        raise ValueError("gamma_p needs a > 0 and x >= 0")
    if x == 0:
        return 0.0
    if x < a + 1:
        return min(_gamma_series(a, x), 1.0)
    return max(1.0 - _gamma_fraction(a, x), 0.0)


def gamma_q(a: float, x: float) -> float:
    """Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x), without the
    cancellation of 1 - P in the far tail."""
    if a <= 0 or x < 0:
        raise ValueError("gamma_q needs a > 0 and x >= 0")
    if x == 0:
        return 1.0
    if x < a + 1:
        return max(1.0 - _gamma_series(a, x), 0.0)
    return min(_gamma_fraction(a, x), 1.0)


def chi2_sf(x: float, df: int) -> float:
    """P(X >= x) for X ~ chi-square with df degrees of freedom (the p-value)."""
    return 1.0 if x <= 0 else gamma_q(df / 2.0, x / 2.0)


def chi2_critical(alpha: float, df: int) -> float:
    """The x with chi2_sf(x, df) = alpha (bisection; sf falls monotonically)."""
    low, high = 0.0, float(df)
    while chi2_sf(high, df) > alpha:
        high *= 2.0
    for _ in range(200):
        mid = (low + high) / 2.0
        low, high = (mid, high) if chi2_sf(mid, df) > alpha else (low, mid)
    return (low + high) / 2.0


def poisson_at_least(k: int, mean: float) -> float:
    """P(N >= k) for N ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    return gamma_p(float(k), mean)


def chi_square(observed: np.ndarray, proportions: np.ndarray) -> float:
    expected = observed.sum() * proportions
    return float(((observed - expected) ** 2 / expected).sum())
