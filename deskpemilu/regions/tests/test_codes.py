import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from deskpemilu.regions.codes import (
    CHILD_LEVEL,
    CHILD_NODOT_LENGTH,
    LEVELS,
    NODOT_LENGTH,
    TPS_LENGTH,
    ancestors,
    depth_of,
    dotted,
    is_tps_code,
    is_within,
    level_of,
    next_prefix,
    nodot,
    nodot_ancestors,
    normalise_region_code,
    parent_code,
    subtree_range,
    tps_desa_code,
    tps_number,
    tps_range,
    typed_tps_code,
    widen,
)

# Undotted region codes of every level, dotted ones, and TPS codes, in ASCII digits.
NODOT = st.from_regex(r"\A[0-9]{2}([0-9]{2}([0-9]{2}([0-9]{4})?)?)?\Z")
DOTTED = NODOT.map(dotted)
TPS = st.from_regex(r"\A[0-9]{13}\Z")
# Digits that `str.isdigit` or the regex `\d` take but no code is written in.
NOT_ASCII_DIGITS = ["\u0663", "\uff13", "\u00b2", "\u0967"]


def test_each_level_is_recognised_by_its_code_shape():
    assert level_of("36") == "provinsi"
    assert level_of("36.73") == "kabkota"
    assert level_of("36.73.04") == "kecamatan"
    assert level_of("36.73.04.1003") == "desa"


def test_malformed_codes_have_no_level():
    for bad in [
        "3",
        "36.7",
        "36.73.4",
        "36.73.04.103",
        "36-73",
        "ab",
        "36.73.04.1003.1",
        "",
        "36\n",
        "36.73\n",
        " 36",
        "3673",
        "\u0663\u0666",
        "36.\uff17\uff13",
    ]:
        assert level_of(bad) is None, bad


def test_depth_counts_levels_below_the_province():
    assert [depth_of(c) for c in ("36", "36.73", "36.73.04", "36.73.04.1003")] == [
        0,
        1,
        2,
        3,
    ]


def test_parent_code_walks_one_level_up():
    assert parent_code("36.73.04.1003") == "36.73.04"
    assert parent_code("36.73") == "36"
    assert parent_code("36") is None


def test_ancestors_run_from_the_province_down_without_the_code_itself():
    assert ancestors("36.73.04.1003") == ["36", "36.73", "36.73.04"]
    assert ancestors("36.73") == ["36"]
    assert ancestors("36") == []


def test_a_code_is_within_itself_and_its_ancestors_only():
    assert is_within("36.73.04", "36.73.04")
    assert is_within("36.73.04", "36.73")
    assert is_within("36.73.04", "36")
    assert not is_within("36.73", "36.73.04")
    assert not is_within("36.73.04", "36.7")
    assert not is_within("36.71", "36.7")
    assert not is_within("37.73", "36")


def test_kpu_codes_convert_to_dotted_form():
    assert dotted("3673041003") == "36.73.04.1003"
    assert dotted("367304") == "36.73.04"
    assert dotted("3673") == "36.73"
    assert dotted("36") == "36"
    assert dotted("367304100") is None
    assert dotted("3673041003005") is None  # a TPS code
    assert dotted("") is None
    assert dotted("36a3") is None
    assert normalise_region_code("3601") == "36.01"
    assert normalise_region_code(" 36.01 ") == "36.01"
    assert normalise_region_code("36.01.x") is None
    assert normalise_region_code("") is None


def test_digits_other_than_ascii_make_no_code():
    for digit in NOT_ASCII_DIGITS:
        assert digit.isdigit()
        assert dotted("36" + digit * 2) is None
        assert normalise_region_code(digit * 2) is None
        assert not is_tps_code("367304100300" + digit)


def test_tps_codes_are_thirteen_ascii_digits():
    assert is_tps_code("3673041003005")
    assert not is_tps_code("367304100300")
    assert not is_tps_code("36730410030051")
    assert not is_tps_code("36730410030a5")
    assert not is_tps_code("36.73.04.1003")  # a desa, thirteen characters too
    assert not is_tps_code("3673041003005\n")


def test_a_tps_code_names_its_desa_and_number():
    assert tps_desa_code("3673041003005") == "3673041003"
    assert tps_number("3673041003005") == 5
    assert tps_number("3673041003901") == 901


def test_a_typed_tps_code_loses_its_dots_and_spaces():
    assert typed_tps_code(" 36.73.04.1003.005 ") == "3673041003005"
    assert typed_tps_code("3673 0410 03005") == "3673041003005"
    assert typed_tps_code("") == ""


def test_widen_cuts_a_code_to_the_region_holding_it():
    assert widen("3673041003005", "desa") == "3673041003"
    assert widen("3673041003005", "kecamatan") == "367304"
    assert widen("3673041003", "kabkota") == "3673"
    assert widen("367304", "provinsi") == "36"
    assert widen("3673", "kecamatan") == "3673"  # already above: as it is
    assert widen("", "kecamatan") == ""


def test_child_lengths_follow_the_levels():
    assert list(NODOT_LENGTH) == list(LEVELS)
    assert [CHILD_LEVEL.get(level) for level in LEVELS] == [*LEVELS[1:], None]
    assert CHILD_NODOT_LENGTH == {
        "provinsi": 4,
        "kabkota": 6,
        "kecamatan": 10,
        "desa": TPS_LENGTH,
    }


@given(NODOT)
def test_dotted_and_nodot_round_trip(code):
    assert nodot(dotted(code)) == code
    assert dotted(nodot(dotted(code))) == dotted(code)
    assert normalise_region_code(code) == normalise_region_code(dotted(code))


@given(NODOT)
def test_level_and_depth_agree_with_the_length_of_the_undotted_code(code):
    level = level_of(dotted(code))
    assert NODOT_LENGTH[level] == len(code)
    assert LEVELS[depth_of(dotted(code))] == level


@given(DOTTED)
def test_ancestors_in_both_forms_are_the_same_regions(code):
    assert [nodot(a) for a in ancestors(code)] == nodot_ancestors(nodot(code))
    assert parent_code(code) == (ancestors(code) or [None])[-1]
    assert all(level_of(a) for a in ancestors(code))


@given(TPS)
def test_a_tps_code_lies_under_its_desa_and_every_region_above(tps):
    desa = tps_desa_code(tps)
    assert nodot_ancestors(tps) == [*nodot_ancestors(desa), desa]
    for above in nodot_ancestors(tps):
        low, high = tps_range(dotted(above))
        assert low <= tps < high
        assert widen(tps, level_of(dotted(above))) == above


@given(DOTTED, DOTTED)
def test_within_matches_the_undotted_range_and_the_ancestors(code, scope):
    low, high = subtree_range(scope)
    inside = is_within(code, scope)
    assert inside == (low <= nodot(code) < high)
    assert inside == (code == scope or scope in ancestors(code))


@given(
    st.from_regex(r"\A[0-9]{2}\.[0-9]{2}\Z"),
    TPS,
)
def test_tps_range_holds_exactly_the_tps_of_the_region(kab, tps):
    low, high = tps_range(kab)
    inside = tps.startswith(nodot(kab))
    assert (low <= tps < high) == inside


@given(
    st.from_regex(r"\A[0-9]{2}\.[0-9]{2}\Z"),
    NODOT,
)
def test_subtree_range_holds_the_region_and_its_descendants(kab, other):
    low, high = subtree_range(kab)
    assert (low <= other < high) == other.startswith(nodot(kab))


@given(st.text(max_size=16))
def test_any_text_is_a_valid_code_or_none(text):
    code = normalise_region_code(text)
    assert code is None or level_of(code) is not None
    if is_tps_code(text):
        assert dotted(text) is None and level_of(text) is None


def test_next_prefix_is_just_above_every_extension():
    assert next_prefix("3673") == "3674"
    assert "3673999" < next_prefix("3673")
    assert next_prefix("3679") > "36799999"


def test_codes_lose_their_dots_only_through_nodot():
    # Dots dropped by hand with str.replace, in ten places, is how the two forms were
    # converted before this module; everything converts through it instead.
    package = Path(__file__).resolve().parents[2]
    by_hand = re.compile(r"""\.replace\(\s*(['"])\.\1\s*,\s*(['"])\2\s*\)""")
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if path.name != "codes.py" and path.parent.name != "migrations"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if by_hand.search(line)
    ]
    assert found == []
