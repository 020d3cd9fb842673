"""The integer-percentage excess (Kobak, Shpilkin and Pshenichnikov 2016)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

import numpy as np

from deskpemilu.results.checks import effective_known
from deskpemilu.results.screens.common import (
    ALPHA,
    CONSISTENT,
    DEVIATES,
    INSUFFICIENT,
    INTEGER_MAX_DENOMINATOR,
    INTEGER_MIN_DENOMINATOR,
    INTEGER_MIN_EXCESS,
    INTEGER_MIN_SAMPLE,
    ScreenResult,
    poisson_at_least,
)
from deskpemilu.results.sheets import Sheets

# Integer percentages (Kobak, Shpilkin and Pshenichnikov 2016) ------------------------

INTEGER_QUANTITIES = ("turnout", "winner_share")
_INTEGER_BLOCK = 8192  # values per block of the expectation (block x 101 floats)


@dataclass(frozen=True, kw_only=True)
class IntegerPercent(ScreenResult):
    """Exact whole percentages among the turnouts and winner shares of the TPS.

    `observed[i]` and `expected[i]` are the counts of whole percentages of
    `quantities[i]` (turnout, then the overall winner's share of the candidate
    votes), the second under the binomial null (`integer_percent_test`); `sample`
    counts the percentages tested, `statistic` the whole percentages found.
    """

    quantities: tuple[str, ...] = INTEGER_QUANTITIES
    tested: tuple[int, ...] = ()
    observed: tuple[int, ...] = ()
    expected: tuple[float, ...] = ()
    excess: float = 0.0


def is_integer_percent(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Whether 100 k / n is a whole number, in integer arithmetic (no rounding)."""
    return cast(np.ndarray, (100 * k.astype(np.int64)) % n.astype(np.int64) == 0)


def _log_factorials(top: int) -> np.ndarray:
    return np.concatenate(([0.0], np.cumsum(np.log(np.arange(1, top + 1)))))


def integer_percent_probability(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """For each value k of n (0 < k < n): the probability that 100 m / n is a whole
    number when m ~ Binomial(n, k / n), the count drawn again around what was
    observed with the same denominator.

    100 m / n is whole exactly when m is a multiple of s = n / gcd(n, 100), so the
    probability is the binomial mass on the at most 101 points 0, s, ..., n: one
    (values x 101) array per block, no loop over values.
    """
    n = n.astype(np.int64)
    k = k.astype(np.int64)
    out = np.zeros(len(n))
    if not len(n):
        return out
    g = np.gcd(n, 100)
    step = n // g
    logfact = _log_factorials(int(n.max()))
    j = np.arange(101)
    for start in range(0, len(n), _INTEGER_BLOCK):
        part = slice(start, start + _INTEGER_BLOCK)
        nn, p = n[part, None], (k[part] / n[part])[:, None]
        on_grid = j[None, :] <= g[part, None]
        m = np.where(on_grid, step[part, None] * j[None, :], 0)
        log_pmf = (
            logfact[nn]
            - logfact[m]
            - logfact[nn - m]
            + m * np.log(p)
            + (nn - m) * np.log1p(-p)
        )
        out[part] = np.where(on_grid, np.exp(log_pmf), 0.0).sum(1)
    return out


def _usable_percentages(k: np.ndarray, n: np.ndarray) -> np.ndarray:
    """Values the test can judge: 0 % and 100 % are whole for every n (and 100 %
    turnout is the fingerprint's business), a small denominator makes whole
    percentages common, and a huge one is a misread."""
    return (
        (k > 0)
        & (k < n)
        & (n >= INTEGER_MIN_DENOMINATOR)
        & (n <= INTEGER_MAX_DENOMINATOR)
    )


def integer_percent_test(
    pairs: Sequence[tuple[np.ndarray, np.ndarray]],
    quantities: Sequence[str] = INTEGER_QUANTITIES,
) -> IntegerPercent:
    """The integer-percentage excess (Kobak, Shpilkin and Pshenichnikov 2016) over
    (numerators, denominators) pairs, one per quantity.

    People who write numbers towards a target favour whole percentages ("85 %").
    Each usable value is whole or not; under the null its count m varies as
    Binomial(n, k / n) around the observed k with the observed n, which gives each
    value its own probability P of being whole (high for n = 200 or 300, near 0
    for a prime n). The observed whole percentages O are judged against a Poisson
    tail with mean E = sum P: its variance E is above the binomial sum P (1 - P),
    which covers the noise of estimating each P from one observation (the exact
    Poisson-binomial tail judged about 7 % of simulated clean samples `deviates`
    at the 5 % level, the Poisson tail about 4 %). `deviates` needs p < 0.05 and
    O - E >= INTEGER_MIN_EXCESS. A forged whole percentage also raises its own P,
    so the screen understates an excess rather than inventing one.
    """
    tested, observed, expected = [], [], []
    for k, n in pairs:
        k, n = np.asarray(k, dtype=np.int64), np.asarray(n, dtype=np.int64)
        ok = _usable_percentages(k, n)
        k, n = k[ok], n[ok]
        tested.append(int(len(k)))
        observed.append(int(is_integer_percent(k, n).sum()))
        expected.append(float(integer_percent_probability(k, n).sum()))
    sample, o, e = sum(tested), sum(observed), sum(expected)
    # The fields every verdict shares (the dataclass checks them when built).
    common: dict[str, Any] = dict(
        screen="integer_percent",
        sample=sample,
        min_sample=INTEGER_MIN_SAMPLE,
        quantities=tuple(quantities),
        tested=tuple(tested),
        observed=tuple(observed),
        expected=tuple(expected),
        excess=o - e,
    )
    if sample < INTEGER_MIN_SAMPLE:
        return IntegerPercent(
            verdict=INSUFFICIENT,
            detail=f"hanya {sample} persentase yang dapat diuji; perlu minimal "
            f"{INTEGER_MIN_SAMPLE} untuk menyimpulkan",
            **common,
        )
    p = poisson_at_least(o, e)
    deviates = p < ALPHA and o - e >= INTEGER_MIN_EXCESS
    parts = ", ".join(
        f"{_QUANTITY_WORDS.get(q, q)} {ob} dari {t} (diharapkan {ex:.1f})"
        for q, t, ob, ex in zip(quantities, tested, observed, expected, strict=True)
    )
    return IntegerPercent(
        verdict=DEVIATES if deviates else CONSISTENT,
        statistic=float(o),
        p_value=p,
        detail=f"{o} persentase bulat tepat dari {sample} ({parts}); diharapkan "
        f"{e:.1f} bila tiap hitungan bervariasi binomial di sekitar nilai teramati "
        f"(p = {p:.3g}): "
        + ("lebih banyak dari yang diharapkan" if deviates else "tidak berlebih"),
        **common,
    )


_QUANTITY_WORDS = {"turnout": "partisipasi", "winner_share": "perolehan pemenang"}


def turnout_counts(
    sheets: Sheets, use: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Voters (who voted, else total votes) and DPT of each TPS where both are
    known and DPT > 0."""
    use = np.ones(len(sheets), dtype=bool) if use is None else use
    known = effective_known(sheets)
    v = sheets.values
    dpt, users, total = (
        sheets.col(n) for n in ("dpt_total", "pengguna_hak_pilih_total", "suara_total")
    )
    ok = use & known[:, dpt] & (v[:, dpt] > 0) & (known[:, users] | known[:, total])
    voted = np.where(known[:, users], v[:, users], v[:, total])
    return voted[ok], v[ok, dpt]


def winner_counts(
    sheets: Sheets, use: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """The overall winner's votes and the sum of the candidate votes of each TPS
    where every candidate count is known and the sum is above 0."""
    use = np.ones(len(sheets), dtype=bool) if use is None else use
    cols = sheets.vote_cols
    votes = sheets.values[:, cols]
    total = votes.sum(1)
    ok = use & sheets.known[:, cols].all(1) & (total > 0)
    if not ok.any() or votes.shape[1] == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    winner = int(np.argmax(votes[ok].sum(0)))
    return votes[ok, winner], total[ok]


def integer_percent(sheets: Sheets, use: np.ndarray | None = None) -> IntegerPercent:
    """The integer-percentage screen over the turnouts and winner shares of a set
    of TPS."""
    return integer_percent_test(
        [turnout_counts(sheets, use), winner_counts(sheets, use)]
    )
