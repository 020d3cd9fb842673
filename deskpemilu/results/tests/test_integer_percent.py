"""The integer-percentage screen (Kobak, Shpilkin and Pshenichnikov 2016): the
binomial probability of a whole percentage against a count by brute force, a clean
binomial sample that does not deviate, a sample with whole percentages typed in
that does, the refusal to conclude on a small sample, and the screen on the
dashboard and in the API."""

from __future__ import annotations

from math import comb

import numpy as np
import pytest

from deskpemilu.results import screens
from deskpemilu.results.tests.test_screens import synthetic

TPS = 1000


def brute_force(k: int, n: int) -> float:
    p = k / n
    return sum(
        comb(n, m) * p**m * (1 - p) ** (n - m) for m in range(n + 1) if 100 * m % n == 0
    )


def clean_election(seed: int, size: int = TPS) -> tuple[np.ndarray, ...]:
    """DPT of 150-300 per TPS, voters and the winner's votes drawn binomially."""
    rng = np.random.default_rng(seed)
    dpt = rng.integers(150, 301, size)
    voted = rng.binomial(dpt, rng.normal(0.75, 0.06, size).clip(0.3, 0.97))
    winner = rng.binomial(voted, rng.normal(0.55, 0.06, size).clip(0.1, 0.9))
    return voted, dpt, winner


def test_whole_percentages_are_found_in_integer_arithmetic():
    k = np.array([150, 151, 1, 13, 7, 0])
    n = np.array([300, 300, 100, 260, 287, 50])
    assert screens.is_integer_percent(k, n).tolist() == [
        True,  # 50 %
        False,  # 50.33 %
        True,  # 1 %
        True,  # 5 %
        False,
        True,  # 0 %
    ]


@pytest.mark.parametrize(
    ("k", "n"), [(150, 300), (199, 260), (217, 287), (40, 60), (3, 50), (120, 125)]
)
def test_the_probability_of_a_whole_percentage_is_the_binomial_mass(k, n):
    found = screens.integer_percent_probability(np.array([k]), np.array([n]))[0]
    assert found == pytest.approx(brute_force(k, n), rel=1e-9, abs=1e-300)


def test_the_probability_is_computed_in_blocks_for_many_values():
    rng = np.random.default_rng(1)
    n = rng.integers(50, 400, 20_000)
    k = rng.integers(1, n)
    probs = screens.integer_percent_probability(k, n)
    for i in (0, 8191, 8192, 19_999):
        assert probs[i] == pytest.approx(brute_force(int(k[i]), int(n[i])), rel=1e-9)
    # 300 voters: every third count is a whole percentage.
    middle = screens.integer_percent_probability(np.array([150]), np.array([300]))
    assert middle[0] == pytest.approx(1 / 3, rel=1e-6)


def test_a_clean_binomial_election_does_not_deviate():
    voted, dpt, winner = clean_election(5)
    result = screens.integer_percent_test([(voted, dpt), (winner, voted)])
    assert result.verdict == screens.CONSISTENT and result.p_value > 0.05
    assert result.sample == 2 * TPS and result.tested == (TPS, TPS)
    assert abs(result.excess) < 3 * np.sqrt(sum(result.expected))
    assert not result.is_proof and "bukan bukti" in result.caveat
    assert "tidak berlebih" in result.detail


def test_clean_elections_deviate_rarely():
    verdicts = [
        screens.integer_percent_test([(v, d), (w, v)]).verdict
        for v, d, w in (clean_election(seed, 300) for seed in range(60))
    ]
    assert verdicts.count(screens.DEVIATES) <= 6  # 5 % nominal, 60 samples


def test_turnouts_nudged_to_whole_percentages_deviate():
    voted, dpt, winner = clean_election(5)
    rng = np.random.default_rng(9)
    step = dpt // np.gcd(dpt, 100)  # counts that make a whole percentage
    target = np.round(voted / step).astype(np.int64) * step
    # A person rounding one TPS in seven to a whole percentage, where a nudge of
    # at most five voters gets there.
    nudge = (rng.random(TPS) < 1 / 7) & (np.abs(target - voted) <= 5)
    nudge &= (target > 0) & (target < dpt)
    forged = np.where(nudge, target, voted)
    assert 15 <= nudge.sum() <= 40
    result = screens.integer_percent_test([(forged, dpt), (winner, voted)])
    assert result.verdict == screens.DEVIATES and result.p_value < 0.01
    assert result.observed[0] > result.expected[0] + 15
    assert result.excess >= screens.INTEGER_MIN_EXCESS
    assert "lebih banyak dari yang diharapkan" in result.detail
    assert not result.is_proof


def test_a_small_sample_refuses_to_conclude():
    voted, dpt, winner = clean_election(5, size=49)
    result = screens.integer_percent_test([(voted, dpt), (winner, voted)])
    assert result.sample == 98 < screens.INTEGER_MIN_SAMPLE
    assert result.verdict == screens.INSUFFICIENT
    assert result.p_value is None and result.statistic is None
    assert "perlu minimal 100" in result.detail


def test_zero_full_and_small_denominators_are_left_out():
    k = np.array([0, 300, 10, 150, 20_000])
    n = np.array([300, 300, 40, 300, 30_000])
    result = screens.integer_percent_test([(k, n)], quantities=("turnout",))
    assert result.tested == (1,) and result.observed == (1,)


def test_the_screen_reads_turnout_and_the_winners_share_of_sheets():
    rng = np.random.default_rng(11)
    sheets = synthetic(
        rng.normal(0.75, 0.06, 400).clip(0.3, 0.99), rng.normal(0.55, 0.06, 400)
    )
    result = screens.run_all(sheets)["integer_percent"]
    assert result.screen == "integer_percent" and result.tested[0] == 400
    assert result.quantities == ("turnout", "winner_share")
    # DPT 300 everywhere: a third of the turnouts are whole, as expected.
    assert result.expected[0] == pytest.approx(400 / 3, rel=0.05)
    assert result.verdict == screens.CONSISTENT
    assert result.as_dict()["observed"] == list(result.observed)


@pytest.mark.django_db
def test_the_dashboard_and_the_api_show_the_screen(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    page = client.get("/hasil/?wilayah=36.01.01")
    assert 'id="screen-integer-percent"' in page.text
    assert '<tr data-quantity="turnout">' in page.text
    found = page.context["screens"]["integer_percent"]
    assert found.sample >= screens.INTEGER_MIN_SAMPLE  # 66 TPS, two values each
    body = client.get("/api/v1/results/screens?region=36.01.01").json()
    screen = {s["screen"]: s for s in body}["integer_percent"]
    assert screen["verdict"] == found.verdict and not screen["is_proof"]
    assert screen["observed"] == list(found.observed)
    assert "bukan bukti" in screen["caveat"]
