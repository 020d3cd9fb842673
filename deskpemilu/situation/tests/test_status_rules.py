"""The region status rules, case by case, without the database."""

import math

import pytest
from django.utils import translation

from deskpemilu.situation import status_rules as sr
from deskpemilu.situation import wording
from deskpemilu.situation.status_rules import (
    AMAN,
    RAWAN,
    SIAGA,
    WASPADA,
    Place,
    StatusRules,
    Totals,
)

RULES = sr.DEFAULT_RULES
FRESH = 0.5 ** (3 / 48)  # the decay of the first 6-hour step


# 1. The weight of one incident ---------------------------------------------------


def test_a_fresh_open_incident_weighs_its_severity_times_the_first_step_decay():
    assert sr.incident_weight("kritis", "baru", 0) == pytest.approx(25 * FRESH)
    assert sr.incident_weight("berat", "terverifikasi", 1) == pytest.approx(10 * FRESH)
    assert sr.incident_weight("sedang", "ditangani", 5.9) == pytest.approx(4 * FRESH)
    assert sr.incident_weight("ringan", "baru", 6) == pytest.approx(FRESH)


def test_a_closed_incident_weighs_a_quarter_of_an_open_one():
    open_ = sr.incident_weight("berat", "ditangani", 10)
    assert sr.incident_weight("berat", "selesai", 10) == pytest.approx(open_ / 4)


def test_a_rejected_incident_weighs_nothing():
    assert sr.incident_weight("kritis", "ditolak", 0) == 0


def test_the_weight_halves_every_half_life_counted_by_six_hour_steps():
    # 45-48 h old sits in the step 42-48 h, whose middle is 45 h.
    assert sr.decay(47, RULES) == pytest.approx(0.5 ** (45 / 48))
    assert sr.decay(6.01, RULES) == pytest.approx(0.5 ** (9 / 48))
    ratio = sr.decay(100, RULES) / sr.decay(52, RULES)
    assert ratio == pytest.approx(0.5)


def test_an_incident_outside_the_window_or_in_the_future_weighs_nothing():
    assert sr.decay(168, RULES) > 0
    assert sr.decay(168.01, RULES) == 0
    assert sr.decay(-0.5, RULES) == 0


def test_the_decay_steps_cover_the_window_youngest_first():
    steps = sr.decay_steps(RULES)
    assert len(steps) == 28
    assert steps[0] == (6, pytest.approx(FRESH))
    assert steps[-1][0] == 168
    assert [f for _, f in steps] == sorted((f for _, f in steps), reverse=True)


def test_a_window_that_is_not_a_whole_number_of_steps_ends_at_the_window():
    rules = StatusRules(window_hours=10, step_hours=4)
    assert [oldest for oldest, _ in sr.decay_steps(rules)] == [4, 8, 10]


# 3. Score -> level ------------------------------------------------------------------


@pytest.mark.parametrize(
    "score, level",
    [(0, AMAN), (2.99, AMAN), (3, WASPADA), (7.99, WASPADA), (8, SIAGA), (20, RAWAN)],
)
def test_a_score_gives_a_level_by_the_thresholds(score, level):
    assert sr.level_for(score) == level


@pytest.mark.parametrize(
    "severity, count, level",
    [
        ("sedang", 1, WASPADA),
        ("berat", 1, SIAGA),
        ("kritis", 1, RAWAN),
        ("ringan", 3, AMAN),
        ("ringan", 4, WASPADA),
    ],
)
def test_fresh_open_incidents_in_a_desa_give_the_documented_levels(
    severity, count, level
):
    score = count * sr.incident_weight(severity, "baru", 1)
    assert sr.level_for(score) == level


# 4. Roll-up -------------------------------------------------------------------------


def tree(kab: int = 8, kec: int = 4, desa: int = 5) -> list[Place]:
    """A made-up province 99 with `kab` kab/kota, each with `kec` kecamatan of
    `desa` desa."""
    places = [Place("99", "provinsi", None)]
    for k in range(1, kab + 1):
        kab_code = f"99.{k:02d}"
        places.append(Place(kab_code, "kabkota", "99"))
        for c in range(1, kec + 1):
            kec_code = f"{kab_code}.{c:02d}"
            places.append(Place(kec_code, "kecamatan", kab_code))
            for d in range(1, desa + 1):
                places.append(Place(f"{kec_code}.{2000 + d}", "desa", kec_code))
    return places


KRITIS = 25 * FRESH


def levels(result: dict, *codes: str) -> list[str]:
    return [result[code].level_name for code in codes]


def test_with_no_incidents_every_region_is_aman_for_want_of_anything():
    result = sr.rollup(tree(), {})
    assert {o.level for o in result.values()} == {AMAN}
    assert result["99"].rule == sr.QUIET


def test_one_kritis_incident_paints_its_desa_red_but_not_the_province():
    result = sr.rollup(tree(), {"99.01.01.2001": KRITIS})
    assert levels(result, "99.01.01.2001", "99.01.01", "99.01", "99") == [
        "rawan",
        "siaga",
        "waspada",
        "aman",
    ]
    assert result["99.01.01"].rule == sr.WORST_CHILD
    assert result["99.01.01.2002"].level == AMAN


def test_an_incident_placed_at_a_kecamatan_counts_in_full_for_the_kecamatan():
    result = sr.rollup(tree(), {"99.01.01": KRITIS})
    assert result["99.01.01"].level == RAWAN
    assert result["99.01.01"].rule == sr.DIRECT
    assert result["99.01"].level == SIAGA
    assert result["99.01.01.2001"].level == AMAN  # nothing happened in the desa


def test_a_kab_kota_is_never_greener_than_one_step_below_its_worst_kecamatan():
    result = sr.rollup(tree(), {"99.03.02": KRITIS, "99.03.02.2001": KRITIS})
    assert result["99.03.02"].level == RAWAN
    assert result["99.03"].level >= SIAGA


def test_when_enough_children_are_at_a_level_the_parent_is_at_that_level_too():
    # 2 of 8 kab/kota rawan: max(2, ceil(25 % of 8)) = 2, so the province is rawan.
    own = {"99.01": KRITIS, "99.02": KRITIS}
    result = sr.rollup(tree(), own)
    assert levels(result, "99.01", "99.02", "99") == ["rawan", "rawan", "rawan"]
    assert result["99"].rule == sr.SPREAD
    # One alone is one step lower.
    assert sr.rollup(tree(), {"99.01": KRITIS})["99"].level == SIAGA


def test_spread_needs_a_quarter_of_the_children_when_there_are_many():
    # A province of 12 kab/kota: 3 must be rawan (ceil(25 % of 12)) to paint it.
    places = tree(kab=12, kec=1, desa=1)
    two = {"99.01": RAWAN, "99.02": RAWAN}
    assert sr.rollup(places, {}, two)["99"].level == SIAGA
    result = sr.rollup(places, {}, {**two, "99.03": RAWAN})
    assert result["99"].level == RAWAN
    assert result["99"].rule == sr.SPREAD


def test_a_parent_with_a_single_child_shares_its_level():
    places = [
        Place("99", "provinsi", None),
        Place("99.01", "kabkota", "99"),
    ]
    assert sr.rollup(places, {"99.01": KRITIS})["99"].level == RAWAN


def test_many_small_incidents_over_many_desa_add_up_at_the_kecamatan():
    # Ten desa, each with a score of 2.5 (aman on its own): 25 / 3 = 8.3, siaga.
    places = tree(kab=1, kec=4, desa=10)
    own = {f"99.01.01.{2000 + d}": 2.5 for d in range(1, 11)}
    result = sr.rollup(places, own)
    assert result["99.01.01.2001"].level == AMAN
    assert result["99.01.01"].level == SIAGA
    assert result["99.01.01"].rule == sr.VOLUME
    assert result["99.01.01"].score == pytest.approx(25)
    # At the kab/kota the same 25 is divided by 10: 2.5, aman on volume; the
    # worst-child rule still makes it waspada.
    assert result["99.01"].level == WASPADA
    assert result["99.01"].rule == sr.WORST_CHILD


def test_scores_add_up_the_tree():
    own = {"99.01.01.2001": 1.0, "99.01.01": 2.0, "99.01.02.2003": 4.0, "99": 8.0}
    result = sr.rollup(tree(), own)
    assert result["99.01.01"].score == pytest.approx(3)
    assert result["99.01"].score == pytest.approx(7)
    assert result["99"].score == pytest.approx(15)
    assert result["99"].own_score == pytest.approx(8)


def test_an_override_sets_the_region_and_its_parents_roll_up_from_it():
    result = sr.rollup(tree(), {}, {"99.01.01.2001": RAWAN})
    assert result["99.01.01.2001"].level == RAWAN
    assert result["99.01.01.2001"].computed == AMAN
    assert result["99.01.01.2001"].overridden
    assert result["99.01.01"].level == SIAGA


def test_an_override_can_calm_a_region_but_its_incidents_still_count_above():
    result = sr.rollup(tree(), {"99.01.01.2001": KRITIS}, {"99.01.01.2001": AMAN})
    assert result["99.01.01.2001"].computed == RAWAN
    assert result["99.01.01.2001"].level == AMAN
    # The kecamatan no longer takes "one below rawan" (siaga) from the desa, but
    # the incident's score is a fact and still counts in its volume: 23.9 / 3.
    assert result["99.01.01"].level == WASPADA
    assert result["99.01.01"].rule == sr.VOLUME


def _explain(outcome, evidence=None):
    """The why in Indonesian, the words of the catalogue (as the worker stores it)."""
    with translation.override("id"):
        return sr.explain(outcome, evidence=evidence, words=wording.words())


def test_the_explanation_names_the_rule_that_decided():
    result = sr.rollup(tree(), {"99.01.01.2001": KRITIS})
    assert _explain(result["99.01.01.2001"]) == (
        "Rawan: kejadian di wilayah ini (skor 23,9)."
    )
    assert _explain(result["99.01.01"]) == (
        "Siaga: satu tingkat di bawah wilayah terburuk di bawahnya (rawan)."
    )
    assert _explain(result["99"]) == (
        "Aman dan kondusif: tidak ada kejadian yang cukup berat dalam 7 hari terakhir."
    )


def test_the_explanation_says_the_incidents_and_the_regions_in_words():
    result = sr.rollup(tree(), {"99.01.01.2001": KRITIS})
    evidence = sr.Evidence(
        open_by_severity={"kritis": 1, "sedang": 2, "ringan": 1},
        closed_by_severity={"berat": 1},
        heaviest="bentrok di TPS 007 Cibadak",
    )
    assert _explain(result["99.01.01.2001"], evidence=evidence) == (
        "Rawan: 1 kejadian kritis, 2 sedang dan 1 ringan terbuka dan 1 kejadian "
        "berat sudah selesai \u2013 bentrok di TPS 007 Cibadak (skor 23,9)."
    )
    named = sr.Evidence(worst_children=("CIBADAK",))
    assert _explain(result["99.01.01"], evidence=named) == (
        "Siaga: satu tingkat di bawah CIBADAK yang berstatus rawan."
    )
    spread = sr.rollup(tree(), {"99.01": KRITIS, "99.02": KRITIS})
    four = sr.Evidence(worst_children=("A", "B", "C", "D"))
    assert _explain(spread["99"], evidence=four) == (
        "Rawan: 2 dari 8 wilayah di bawahnya berstatus rawan atau lebih "
        "(A, B, C dan 1 lainnya)."
    )


def test_spread_is_explained_with_the_count_of_children():
    result = sr.rollup(tree(), {"99.01": KRITIS, "99.02": KRITIS})
    assert _explain(result["99"]) == (
        "Rawan: 2 dari 8 wilayah di bawahnya berstatus rawan atau lebih."
    )


def test_counts_are_summed_up_the_tree():
    own = {"99.01.01.2001": Totals(3, 2, 1), "99.01": Totals(1, 1, 0)}
    totals = sr.subtree_totals(tree(), own)
    assert totals["99"] == Totals(4, 3, 1)
    assert totals["99.01.01"] == Totals(3, 2, 1)
    assert totals["99.02"] == Totals()


# Settings -----------------------------------------------------------------


class FakeSettings:
    DESKPEMILU_STATUS_HALF_LIFE_HOURS = 24
    DESKPEMILU_STATUS_THRESHOLDS = {"waspada": 2, "siaga": 5, "rawan": 10}
    DESKPEMILU_STATUS_SEVERITY_WEIGHTS = {
        "ringan": 1,
        "sedang": 2,
        "berat": 5,
        "kritis": 10,
    }


def test_every_number_comes_from_settings_when_given():
    rules = StatusRules.from_settings(FakeSettings())
    assert rules.half_life_hours == 24
    assert rules.thresholds == (2, 5, 10)
    assert rules.window_hours == 168  # not given: the default
    assert sr.level_for(5, rules) == SIAGA
    assert sr.decay(1, rules) == pytest.approx(0.5 ** (3 / 24))


def test_the_django_settings_hold_the_documented_defaults(settings):
    rules = StatusRules.from_settings(settings)
    default = StatusRules()
    for name in (
        "window_hours",
        "half_life_hours",
        "step_hours",
        "open_factor",
        "closed_factor",
        "thresholds",
        "spread_share",
        "spread_min",
    ):
        assert getattr(rules, name) == getattr(default, name), name
    assert dict(rules.severity_weights) == dict(default.severity_weights)
    assert dict(rules.volume_divisors) == dict(default.volume_divisors)


@pytest.mark.parametrize(
    "changes",
    [
        {"thresholds": (8, 3, 20)},
        {"half_life_hours": 0},
        {"step_hours": 0},
        {"window_hours": 2, "step_hours": 6},
        {"severity_weights": {"ringan": 1}},
        {"spread_share": 0},
    ],
)
def test_rules_that_make_no_sense_are_refused(changes):
    with pytest.raises(ValueError):
        StatusRules(**changes)


def test_spread_level_rounds_the_share_up():
    assert sr.spread_level([RAWAN, RAWAN] + [AMAN] * 7) == AMAN  # 9: needs 3
    assert sr.spread_level([RAWAN] * 3 + [AMAN] * 6) == RAWAN
    assert sr.spread_level([]) == AMAN
    assert math.ceil(0.25 * 9) == 3


def test_the_explanation_in_english_has_english_words_and_numbers():
    result = sr.rollup(tree(), {"99.01.01.2001": KRITIS})
    evidence = sr.Evidence(
        open_by_severity={"kritis": 1, "sedang": 2},
        heaviest="bentrok",
        heaviest_place="TPS 007 Cibadak",
    )
    with translation.override("en"):
        said = sr.explain(
            result["99.01.01.2001"], evidence=evidence, words=wording.words()
        )
    assert said == (
        "Vulnerable: 1 critical incident and 2 moderate open \u2013 bentrok at "
        "TPS 007 Cibadak (score 23.9)."
    )
    assert _explain(result["99.01.01.2001"], evidence) == (
        "Rawan: 1 kejadian kritis dan 2 sedang terbuka \u2013 bentrok di "
        "TPS 007 Cibadak (skor 23,9)."
    )
