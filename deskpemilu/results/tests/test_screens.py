"""The statistical screens: the chi-square and Poisson tails against known values,
digit tests and the fingerprint on synthetic data whose answer is known, the refusal
to conclude on small samples, and the outlier screen stored as flags."""

from __future__ import annotations

import math

import numpy as np
import pytest

from deskpemilu.results import screens
from deskpemilu.results.models import FlagStatus, SheetFlag
from deskpemilu.results.services import flag_close, screens_run
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS
from deskpemilu.results.svg import fingerprint_svg


def test_chi_square_tail_matches_known_values():
    # Critical values of the chi-square tables.
    assert screens.chi2_sf(16.918977604620448, 9) == pytest.approx(0.05, abs=1e-9)
    assert screens.chi2_sf(21.665994333461924, 9) == pytest.approx(0.01, abs=1e-9)
    assert screens.chi2_sf(3.841458820694124, 1) == pytest.approx(0.05, abs=1e-9)
    assert screens.chi2_sf(10.0, 9) == pytest.approx(0.3504852123233613, rel=1e-9)
    assert screens.CHI2_CRITICAL_DF9 == pytest.approx(16.918977604620448, rel=1e-9)
    assert screens.chi2_critical(0.01, 9) == pytest.approx(21.665994, rel=1e-6)
    # Even degrees of freedom have a closed form: e^(-x/2) sum (x/2)^i / i!.
    for x in (0.3, 2.0, 7.5, 40.0):
        h = x / 2
        assert screens.chi2_sf(x, 2) == pytest.approx(math.exp(-h), rel=1e-12)
        assert screens.chi2_sf(x, 4) == pytest.approx(math.exp(-h) * (1 + h), rel=1e-12)
    assert screens.chi2_sf(0, 9) == 1.0
    assert 0 < screens.chi2_sf(300.0, 9) < 1e-50


def test_poisson_tail_matches_the_closed_form():
    for k, mean in ((1, 0.2), (3, 0.5), (5, 4.0), (12, 3.0)):
        below = sum(math.exp(-mean) * mean**i / math.factorial(i) for i in range(k))
        assert screens.poisson_at_least(k, mean) == pytest.approx(1 - below, rel=1e-9)
    assert screens.poisson_at_least(0, 1.0) == 1.0


def test_benford_second_digit_proportions():
    expected = screens.BENFORD_SECOND
    assert expected.sum() == pytest.approx(1.0)
    assert expected[0] == pytest.approx(0.11968, abs=1e-5)
    assert expected[9] == pytest.approx(0.08500, abs=1e-5)
    digits = screens.second_digit_test(np.array([10, 123, 5000, 99, 47] * 30))
    assert digits.observed[0] == 60 and digits.observed[2] == 30


def test_uniform_last_digits_pass():
    exact = screens.last_digit_test(np.arange(10, 1010))
    assert (exact.verdict, exact.statistic, exact.p_value) == ("consistent", 0.0, 1.0)
    rng = np.random.default_rng(7)
    drawn = screens.last_digit_test(rng.integers(10, 300, size=3000))
    assert drawn.verdict == screens.CONSISTENT and drawn.p_value > 0.05
    assert drawn.sample == 3000 and drawn.df == 9 and not drawn.is_proof
    assert "bukan bukti" in drawn.caveat


def test_invented_numbers_with_many_zeros_and_fives_fail():
    rng = np.random.default_rng(7)
    counts = rng.integers(10, 300, size=1000)
    counts[:400] = counts[:400] // 5 * 5  # a person rounding to 0 and 5
    result = screens.last_digit_test(counts)
    assert result.verdict == screens.DEVIATES
    assert result.statistic > result.critical_5 and result.p_value < 1e-10
    assert result.observed[0] > 200 and result.observed[5] > 200


def test_counts_below_ten_are_left_out_and_tiny_samples_refuse():
    result = screens.last_digit_test(np.array([1, 2, 3] * 100 + [15] * 99))
    assert result.sample == 99
    assert result.verdict == screens.INSUFFICIENT == "insufficient sample"
    assert result.statistic is None and result.p_value is None
    assert "perlu minimal 100" in result.detail
    assert screens.second_digit_test(np.arange(10, 60)).verdict == screens.INSUFFICIENT


def test_second_digit_benford_passes_log_uniform_counts_and_fails_uniform_ones():
    rng = np.random.default_rng(3)
    benford = np.floor(10 ** rng.uniform(1, 6, size=4000)).astype(np.int64)
    assert screens.second_digit_test(benford).verdict == screens.CONSISTENT
    flat = rng.integers(10, 100, size=5000)
    assert screens.second_digit_test(flat).verdict == screens.DEVIATES


def synthetic(turnout, share, dpt=300, kecamatan=None) -> Sheets:
    """Sheets of a two-candidate race with these turnouts and winner shares."""
    n = len(turnout)
    k = 2
    width = len(FIELDS) + k
    values = np.zeros((n, width), dtype=np.int64)
    known = np.zeros((n, width), dtype=bool)
    cols = {name: i for i, name in enumerate(FIELDS)}
    voted = np.round(np.asarray(turnout) * dpt).astype(np.int64)
    first = np.round(voted * np.asarray(share)).astype(np.int64)
    for name, column in (
        ("dpt_total", np.full(n, dpt)),
        ("pengguna_hak_pilih_total", voted),
        ("suara_sah", voted),
    ):
        values[:, cols[name]], known[:, cols[name]] = column, True
    values[:, len(FIELDS)], values[:, len(FIELDS) + 1] = first, voted - first
    known[:, len(FIELDS) :] = True
    base = 3601012001000 if kecamatan is None else kecamatan
    return Sheets(base + np.arange(n), values, known, k)


def test_fingerprint_of_independent_turnout_and_share_does_not_deviate():
    rng = np.random.default_rng(11)
    fair = synthetic(
        rng.normal(0.75, 0.06, 400).clip(0.3, 0.99), rng.normal(0.55, 0.06, 400)
    )
    result = screens.fingerprint(fair)
    assert result.verdict == screens.CONSISTENT and result.sample == 400
    assert result.histogram.shape == (50, 50) and result.histogram.sum() == 400
    assert result.winner == 1 and result.corner_observed == 0


def test_ballot_stuffing_piles_tps_into_the_corner():
    rng = np.random.default_rng(11)
    turnout = np.r_[rng.normal(0.75, 0.06, 400).clip(0.3, 0.94), np.full(20, 1.0)]
    share = np.r_[rng.normal(0.55, 0.06, 400), np.full(20, 0.98)]
    turnout[:3] = 0.97  # a few genuinely high-turnout TPS, not in the corner
    result = screens.fingerprint(synthetic(turnout, share))
    assert result.verdict == screens.DEVIATES
    assert result.corner_observed == 20 and result.corner_expected < 2
    assert result.histogram[49, 49] == 20


def test_a_small_fingerprint_is_drawn_but_not_judged():
    result = screens.fingerprint(synthetic([0.8] * 60, [0.6] * 60))
    assert result.verdict == screens.INSUFFICIENT and result.p_value is None
    assert result.histogram.sum() == 60
    svg = fingerprint_svg(result.histogram, x_label="Turnout <x>")
    assert svg.startswith("<svg") and svg.endswith("</svg>")
    assert "Turnout &lt;x&gt;" in svg and "<title>60 TPS: 80-82% / 60-62%" in svg


@pytest.mark.django_db
def test_the_outlier_screen_writes_flags_once_and_respects_closed_ones(
    sumur, province_coordinator
):
    report = screens_run(contest=sumur, actor=province_coordinator, prefix="36")
    flags = SheetFlag.objects.filter(check_name="turnout_outlier")
    assert report.tps == 66 and list(flags.values_list("tps_code", flat=True)) == [
        "3601012001007"
    ]
    flag = flags.get()
    assert "bukan bukti" in flag.detail and flag.sheet.tps_code == flag.tps_code
    assert flag.status == FlagStatus.OPEN and flag.source == "kpu_sirekap"
    again = screens_run(contest=sumur)
    assert (again.flags, again.removed) == (report.flags, report.flags)
    flag = SheetFlag.objects.get(check_name="turnout_outlier")
    flag_close(
        actor=province_coordinator,
        flag_id=flag.pk,
        status="dismissed",
        note="Desa kecil, semua pemilih datang",
    )
    third = screens_run(contest=sumur)
    assert third.kept_closed == 1
    assert SheetFlag.objects.filter(check_name="turnout_outlier").count() == 1


@pytest.mark.django_db
def test_only_the_desk_runs_the_screens(sumur, leader):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        screens_run(contest=sumur, actor=leader, prefix="36")
