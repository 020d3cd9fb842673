"""Statistical screens over many sheets (numpy, no ORM): evidence for follow-up, never
proof, and silent where the sample is too small.

- robust turnout and vote-share outliers within each kecamatan (modified z-score),
  stored as flags by `services.screens_run`;
- last-digit uniformity (Beber and Scacco 2012) and second-digit Benford (Mebane) of
  the candidate counts: chi-square, 9 degrees of freedom, p-value from the
  regularised incomplete gamma function (no scipy);
- the turnout / winner-share fingerprint (Klimek et al. 2012): a 2-D histogram, drawn
  by `fingerprint_svg`, and the excess of TPS in its "100 %" corner;
- the integer-percentage excess (Kobak, Shpilkin and Pshenichnikov 2016): how many
  turnouts and winner shares are exact whole percentages, against the number expected
  when each count varies binomially around its observed value.

Each result says it is a screen, not proof, and answers INSUFFICIENT below its
minimum sample (docs/results.md gives the reasons for each number).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from deskpemilu.results.checks import Flag, effective_known
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import Check

OUTLIER_Z = 3.5  # modified z-score (Iglewicz and Hoaglin)
OUTLIER_MIN_GROUP = 10  # fewer TPS in a kecamatan: no conclusion


def robust_z(
    groups: np.ndarray, x: np.ndarray, min_group: int = OUTLIER_MIN_GROUP
) -> np.ndarray:
    return robust_z_median(groups, x, min_group)[0]


def robust_z_median(
    groups: np.ndarray, x: np.ndarray, min_group: int = OUTLIER_MIN_GROUP
) -> tuple[np.ndarray, np.ndarray]:
    """Modified z-score of each x within its group: 0.6745 (x - median) / MAD, or
    (x - median) / (1.2533 mean absolute deviation) when MAD is 0. NaN where the
    group has fewer than `min_group` values or no spread."""
    z = np.full(len(x), np.nan)
    median = np.full(len(x), np.nan)
    if not len(x):
        return z, median
    order = np.lexsort((x, groups))
    g, xs = groups[order], x[order].astype(float)
    _, starts, counts = np.unique(g, return_index=True, return_counts=True)
    med = np.repeat(_sorted_median(xs, starts, counts), counts)
    dev = np.abs(xs - med)
    dev_sorted = dev[np.lexsort((dev, g))]
    mad = np.repeat(_sorted_median(dev_sorted, starts, counts), counts)
    mean_ad = np.repeat(np.add.reduceat(dev, starts) / counts, counts)
    with np.errstate(divide="ignore", invalid="ignore"):
        zs = np.where(
            mad > 0,
            0.6745 * (xs - med) / mad,
            np.where(mean_ad > 0, (xs - med) / (1.253314 * mean_ad), np.nan),
        )
    zs[np.repeat(counts, counts) < min_group] = np.nan
    z[order] = zs
    median[order] = med
    return z, median


def _sorted_median(
    xs: np.ndarray, starts: np.ndarray, counts: np.ndarray
) -> np.ndarray:
    return (xs[starts + (counts - 1) // 2] + xs[starts + counts // 2]) / 2


def outlier_flags(sheets: Sheets, use: np.ndarray | None = None) -> list[Flag]:
    """Turnout and vote-share outliers within each kecamatan (|modified z| > 3.5).

    A screen, not proof: it says a TPS is unlike its neighbours. Kecamatan with
    fewer than OUTLIER_MIN_GROUP usable TPS are not judged. `use` picks one row
    per TPS (e.g. the primary source) when several sources are present.
    """
    use = np.ones(len(sheets), dtype=bool) if use is None else use
    known = effective_known(sheets)
    kec = sheets.codes // 10**7
    flags = _turnout_outliers(sheets, known, kec, use)
    flags += _share_outliers(sheets, known, kec, use)
    return flags


def _turnout_outliers(sheets, known, kec, use) -> list[Flag]:
    v = sheets.values
    dpt, users, total = (
        sheets.col(n) for n in ("dpt_total", "pengguna_hak_pilih_total", "suara_total")
    )
    voted = np.where(known[:, users], v[:, users], v[:, total])
    ok = use & known[:, dpt] & (v[:, dpt] > 0) & (known[:, users] | known[:, total])
    rows = np.nonzero(ok)[0]
    turnout = voted[rows] / v[rows, dpt]
    z, med = robust_z_median(kec[rows], turnout)
    return [
        Flag(
            int(rows[i]),
            Check.TURNOUT_OUTLIER,
            f"partisipasi {turnout[i]:.1%} (median kecamatan {med[i]:.1%}, "
            f"z* {z[i]:+.1f}); layar, bukan bukti",
        )
        for i in np.nonzero(np.abs(np.nan_to_num(z)) > OUTLIER_Z)[0]
    ]


def _share_outliers(sheets, known, kec, use) -> list[Flag]:
    cols = sheets.vote_cols
    votes, vk = sheets.values[:, cols], known[:, cols]
    total = votes.sum(1)
    ok = use & vk.all(1) & (total > 0)
    rows = np.nonzero(ok)[0]
    if not rows.size:
        return []
    shares = votes[rows] / total[rows, None]
    found = [robust_z_median(kec[rows], shares[:, j]) for j in range(shares.shape[1])]
    zs = np.column_stack([z for z, _ in found])
    meds = np.column_stack([m for _, m in found])
    worst = np.nanargmax(np.nan_to_num(np.abs(zs), nan=-1.0), axis=1)
    zw = zs[np.arange(len(rows)), worst]
    flags = []
    for i in np.nonzero(np.abs(np.nan_to_num(zw)) > OUTLIER_Z)[0]:
        j = int(worst[i])
        flags.append(
            Flag(
                int(rows[i]),
                Check.SHARE_OUTLIER,
                f"perolehan paslon {j + 1} {shares[i, j]:.1%} (median kecamatan "
                f"{meds[i, j]:.1%}, z* {zw[i]:+.1f}); layar, bukan bukti",
                f"suara_{j + 1}",
            )
        )
    return flags


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

    def as_dict(self) -> dict:
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
    return values[known]


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
    common = dict(
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


# Fingerprint: turnout against the winner's share (Klimek et al. 2012) --------------


@dataclass(frozen=True, kw_only=True)
class Fingerprint(ScreenResult):
    """The 2-D histogram of turnout (x) against the overall winner's share of the
    valid votes (y), `bins` x `bins` over [0, 1]; histogram[i, j] counts TPS with
    turnout in bin i and share in bin j. Turnout above 100 % is drawn in the last
    column and counted in `turnout_above_100`.

    The number it judges: TPS in the corner where turnout and the winner's share
    are both >= CORNER, against what independent turnout and share would put there
    (n x P(turnout >= CORNER) x P(share >= CORNER), from the data's own margins);
    ballot stuffing piles TPS into that corner together (Klimek's "100 %" cluster).
    """

    histogram: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), int))
    bins: int = FINGERPRINT_BINS
    winner: int | None = None  # ballot number of the overall winner
    turnout_above_100: int = 0
    corner_observed: int = 0
    corner_expected: float = 0.0


def turnout_and_winner_share(
    sheets: Sheets, use: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, int | None]:
    """Per usable TPS: turnout (voters over DPT) and the overall winner's share of
    the candidate votes; the winner's ballot number."""
    use = np.ones(len(sheets), dtype=bool) if use is None else use
    known = effective_known(sheets)
    v = sheets.values
    dpt, users, total = (
        sheets.col(n) for n in ("dpt_total", "pengguna_hak_pilih_total", "suara_total")
    )
    cols = sheets.vote_cols
    votes = v[:, cols]
    vote_sum = votes.sum(1)
    ok = (
        use
        & known[:, dpt]
        & (v[:, dpt] > 0)
        & (known[:, users] | known[:, total])
        & known[:, cols].all(1)
        & (vote_sum > 0)
    )
    rows = np.nonzero(ok)[0]
    if not rows.size or votes.shape[1] == 0:
        return np.zeros(0), np.zeros(0), None
    winner = int(np.argmax(votes[rows].sum(0)))
    voted = np.where(known[rows, users], v[rows, users], v[rows, total])
    turnout = voted / v[rows, dpt]
    share = votes[rows, winner] / vote_sum[rows]
    return turnout, share, winner + 1


def fingerprint(
    sheets: Sheets, use: np.ndarray | None = None, bins: int = FINGERPRINT_BINS
) -> Fingerprint:
    turnout, share, winner = turnout_and_winner_share(sheets, use)
    hist, _, _ = np.histogram2d(
        np.clip(turnout, 0, 1), share, bins=bins, range=[[0, 1], [0, 1]]
    )
    n = len(turnout)
    corner = int(((turnout >= CORNER) & (share >= CORNER)).sum())
    expected = (
        float((turnout >= CORNER).mean() * (share >= CORNER).mean() * n) if n else 0.0
    )
    common = dict(
        screen="fingerprint",
        sample=n,
        min_sample=FINGERPRINT_MIN_SAMPLE,
        histogram=hist.astype(np.int64),
        bins=bins,
        winner=winner,
        turnout_above_100=int((turnout > 1).sum()),
        corner_observed=corner,
        corner_expected=expected,
    )
    if n < FINGERPRINT_MIN_SAMPLE:
        return Fingerprint(
            verdict=INSUFFICIENT,
            detail=f"hanya {n} TPS dengan data lengkap; perlu minimal "
            f"{FINGERPRINT_MIN_SAMPLE} untuk menyimpulkan",
            **common,
        )
    p = poisson_at_least(corner, expected)
    deviates = corner >= CORNER_MIN and p < ALPHA
    return Fingerprint(
        verdict=DEVIATES if deviates else CONSISTENT,
        statistic=float(corner),
        p_value=p,
        detail=f"{corner} TPS dengan partisipasi dan perolehan pemenang >= "
        f"{CORNER:.0%} (diharapkan {expected:.1f} bila keduanya saling lepas, "
        f"p = {p:.3g}) dari {n} TPS: "
        + ("menumpuk di pojok" if deviates else "tidak menumpuk di pojok"),
        **common,
    )


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
    return (100 * k.astype(np.int64)) % n.astype(np.int64) == 0


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
    common = dict(
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


def run_all(sheets: Sheets, use: np.ndarray | None = None) -> dict[str, ScreenResult]:
    """The screens of a set of TPS that need no kecamatan grouping."""
    numbers = candidate_counts(sheets, use)
    return {
        "fingerprint": fingerprint(sheets, use),
        "last_digit": last_digit_test(numbers),
        "second_digit": second_digit_test(numbers),
        "integer_percent": integer_percent(sheets, use),
    }
