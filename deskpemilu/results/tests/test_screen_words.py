"""The statistical screens' findings and a flag's known sentence on pages: the same
Indonesian as the screens' stored `detail`, English on English pages."""

import numpy as np
from django.utils import translation

from deskpemilu.results import labels, screens

ADMIN_BLOCK = (
    "data pemilih dan pengguna hak pilih semuanya 0 padahal ada suara "
    "(suara_total 110): bagian administrasi belum terisi atau terbaca nol"
)


def _results() -> list[screens.ScreenResult]:
    rng = np.random.default_rng(1)
    numbers = rng.integers(10, 300, 500)
    k = rng.integers(50, 200, 300)
    n = k + rng.integers(10, 100, 300)
    return [
        screens.last_digit_test(numbers),
        screens.second_digit_test(numbers),
        screens.last_digit_test(numbers[:5]),
        screens.integer_percent_test([(k, n), (k, n)]),
        screens.integer_percent_test([(k[:3], n[:3])]),
    ]


def test_a_finding_in_indonesian_is_the_screens_own_detail():
    with translation.override("id"):
        for result in _results():
            assert labels.screen_detail(result) == result.detail


def test_a_finding_in_english_has_english_words():
    with translation.override("en"):
        said = [labels.screen_detail(r) for r in _results()]
    assert said[0].startswith("chi-square 5.84 (df 9, 5% limit 16.92, p = 0.756)")
    assert said[2] == "only 5 numbers >= 10; at least 100 are needed to conclude"
    assert "exact whole percentages of 600 (turnout 11 of 300" in said[3]


def test_a_flags_known_sentence_follows_the_language():
    with translation.override("id"):
        assert labels.detail_in_words(ADMIN_BLOCK) == labels.codes_in_words(ADMIN_BLOCK)
    with translation.override("en"):
        assert labels.detail_in_words(ADMIN_BLOCK).startswith(
            "voter data and voters who used their right are all 0"
        )
