"""Last-digit uniformity (Beber and Scacco 2012) and second-digit Benford (Mebane)
of the candidate counts."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from deskpemilu.results.screens.common import (
    ALPHA,
    CONSISTENT,
    DEVIATES,
    DIGIT_MIN_NUMBER,
    DIGIT_MIN_SAMPLE,
    INSUFFICIENT,
    ScreenResult,
    chi2_critical,
    chi2_sf,
    chi_square,
)
from deskpemilu.results.sheets import Sheets

# Digit tests -----------------------------------------------------------------------

UNIFORM = np.full(10, 0.1)
# Benford's law for the second significant digit d: sum over first digits k of
# log10(1 + 1 / (10 k + d)) (Mebane 2006).
BENFORD_SECOND = np.array(
    [sum(math.log10(1 + 1 / (10 * k + d)) for k in range(1, 10)) for d in range(10)]
)
DF_DIGITS = 9
CHI2_CRITICAL_DF9 = chi2_critical(ALPHA, DF_DIGITS)  # 16.919


@dataclass(frozen=True, kw_only=True)
class DigitScreen(ScreenResult):
    """Counts of each digit 0-9 among the numbers tested, and the proportions the
    screen expects."""

    observed: tuple[int, ...] = ()
    expected: tuple[float, ...] = ()


def candidate_counts(sheets: Sheets, use: np.ndarray | None = None) -> np.ndarray:
    """The known candidate counts of the rows in `use`, flattened."""
    use = np.ones(len(sheets), dtype=bool) if use is None else use
    cols = sheets.vote_cols
    values, known = sheets.values[use][:, cols], sheets.known[use][:, cols]
    return cast(np.ndarray, values[known])


def last_digit_test(numbers: np.ndarray) -> DigitScreen:
    """Last digits of the counts >= 10 against a uniform distribution (Beber and
    Scacco 2012): people inventing numbers favour some digits (0 and 5 above all).
    Chi-square, 9 degrees of freedom."""
    x = numbers[numbers >= DIGIT_MIN_NUMBER]
    return _digit_screen("last_digit", x % 10, UNIFORM)


def second_digit_test(numbers: np.ndarray) -> DigitScreen:
    """Second digits of the counts >= 10 against Benford's law (Mebane). Counts of
    small TPS (at most ~300 voters) are bounded, so the law holds only roughly here:
    read a deviation together with the other screens."""
    x = numbers[numbers >= DIGIT_MIN_NUMBER].astype(np.int64)
    width = np.floor(np.log10(np.maximum(x, 1))).astype(np.int64) + 1
    return _digit_screen("second_digit", (x // 10 ** (width - 2)) % 10, BENFORD_SECOND)


def _digit_screen(name: str, digits: np.ndarray, expected: np.ndarray) -> DigitScreen:
    observed = np.bincount(digits.astype(np.int64), minlength=10)
    # The fields every verdict shares (the dataclass checks them when built).
    common: dict[str, Any] = dict(
        screen=name,
        sample=int(len(digits)),
        min_sample=DIGIT_MIN_SAMPLE,
        df=DF_DIGITS,
        critical_5=CHI2_CRITICAL_DF9,
        observed=tuple(int(v) for v in observed),
        expected=tuple(float(v) for v in expected),
    )
    if len(digits) < DIGIT_MIN_SAMPLE:
        return DigitScreen(
            verdict=INSUFFICIENT,
            detail=f"hanya {len(digits)} angka >= {DIGIT_MIN_NUMBER}; perlu minimal "
            f"{DIGIT_MIN_SAMPLE} untuk menyimpulkan",
            **common,
        )
    stat = chi_square(observed, expected)
    p = chi2_sf(stat, DF_DIGITS)
    deviates = stat > CHI2_CRITICAL_DF9
    return DigitScreen(
        verdict=DEVIATES if deviates else CONSISTENT,
        statistic=stat,
        p_value=p,
        detail=f"chi-kuadrat {stat:.2f} (df {DF_DIGITS}, batas 5% "
        f"{CHI2_CRITICAL_DF9:.2f}, p = {p:.3g}) atas {len(digits)} angka: "
        + ("menyimpang dari yang diharapkan" if deviates else "tidak menyimpang"),
        **common,
    )
