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

import numpy as np

from deskpemilu.results.screens.common import (
    ALPHA,
    CONSISTENT,
    CORNER,
    CORNER_MIN,
    DEVIATES,
    DIGIT_MIN_NUMBER,
    DIGIT_MIN_SAMPLE,
    FINGERPRINT_BINS,
    FINGERPRINT_MIN_SAMPLE,
    INSUFFICIENT,
    INTEGER_MAX_DENOMINATOR,
    INTEGER_MIN_DENOMINATOR,
    INTEGER_MIN_EXCESS,
    INTEGER_MIN_SAMPLE,
    NOT_PROOF,
    ScreenResult,
    chi2_critical,
    chi2_sf,
    chi_square,
    gamma_p,
    gamma_q,
    poisson_at_least,
)
from deskpemilu.results.screens.digits import (
    BENFORD_SECOND,
    CHI2_CRITICAL_DF9,
    DF_DIGITS,
    UNIFORM,
    DigitScreen,
    candidate_counts,
    last_digit_test,
    second_digit_test,
)
from deskpemilu.results.screens.fingerprint import (
    Fingerprint,
    fingerprint,
    turnout_and_winner_share,
)
from deskpemilu.results.screens.integer import (
    INTEGER_QUANTITIES,
    IntegerPercent,
    integer_percent,
    integer_percent_probability,
    integer_percent_test,
    is_integer_percent,
    turnout_counts,
    winner_counts,
)
from deskpemilu.results.screens.outliers import (
    OUTLIER_MIN_GROUP,
    OUTLIER_Z,
    outlier_flags,
    robust_z,
    robust_z_median,
)
from deskpemilu.results.sheets import Sheets


def run_all(sheets: Sheets, use: np.ndarray | None = None) -> dict[str, ScreenResult]:
    """The screens of a set of TPS that need no kecamatan grouping."""
    numbers = candidate_counts(sheets, use)
    return {
        "fingerprint": fingerprint(sheets, use),
        "last_digit": last_digit_test(numbers),
        "second_digit": second_digit_test(numbers),
        "integer_percent": integer_percent(sheets, use),
    }


__all__ = [
    "ALPHA",
    "BENFORD_SECOND",
    "CHI2_CRITICAL_DF9",
    "CONSISTENT",
    "CORNER",
    "CORNER_MIN",
    "DEVIATES",
    "DF_DIGITS",
    "DIGIT_MIN_NUMBER",
    "DIGIT_MIN_SAMPLE",
    "DigitScreen",
    "FINGERPRINT_BINS",
    "FINGERPRINT_MIN_SAMPLE",
    "Fingerprint",
    "INSUFFICIENT",
    "INTEGER_MAX_DENOMINATOR",
    "INTEGER_MIN_DENOMINATOR",
    "INTEGER_MIN_EXCESS",
    "INTEGER_MIN_SAMPLE",
    "INTEGER_QUANTITIES",
    "IntegerPercent",
    "NOT_PROOF",
    "OUTLIER_MIN_GROUP",
    "OUTLIER_Z",
    "ScreenResult",
    "UNIFORM",
    "candidate_counts",
    "chi2_critical",
    "chi2_sf",
    "chi_square",
    "fingerprint",
    "gamma_p",
    "gamma_q",
    "integer_percent",
    "integer_percent_probability",
    "integer_percent_test",
    "is_integer_percent",
    "last_digit_test",
    "outlier_flags",
    "poisson_at_least",
    "robust_z",
    "robust_z_median",
    "run_all",
    "second_digit_test",
    "turnout_and_winner_share",
    "turnout_counts",
    "winner_counts",
]
