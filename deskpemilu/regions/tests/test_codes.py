from hypothesis import given
from hypothesis import strategies as st

from deskpemilu.regions.codes import (
    dotted,
    is_tps_code,
    level_of,
    next_prefix,
    nodot,
    normalise_region_code,
    parent_code,
    subtree_range,
    tps_range,
)


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
    ]:
        assert level_of(bad) is None


def test_parent_code_walks_one_level_up():
    assert parent_code("36.73.04.1003") == "36.73.04"
    assert parent_code("36.73") == "36"
    assert parent_code("36") is None


def test_kpu_codes_convert_to_dotted_form():
    assert dotted("3673041003") == "36.73.04.1003"
    assert dotted("3673") == "36.73"
    assert dotted("367304100") is None
    assert normalise_region_code("3601") == "36.01"
    assert normalise_region_code(" 36.01 ") == "36.01"
    assert normalise_region_code("36.01.x") is None


def test_tps_codes_are_thirteen_digits():
    assert is_tps_code("3673041003005")
    assert not is_tps_code("367304100300")
    assert not is_tps_code("36730410030a5")


@given(st.from_regex(r"\A\d{2}(\d{2}(\d{2}(\d{4})?)?)?\Z"))
def test_dotted_and_nodot_round_trip(code):
    assert nodot(dotted(code)) == code


@given(
    st.from_regex(r"\A\d{2}\.\d{2}\Z"),
    st.from_regex(r"\A\d{13}\Z"),
)
def test_tps_range_holds_exactly_the_tps_of_the_region(kab, tps):
    low, high = tps_range(kab)
    inside = tps.startswith(nodot(kab))
    assert (low <= tps < high) == inside


@given(
    st.from_regex(r"\A\d{2}\.\d{2}\Z"),
    st.from_regex(r"\A\d{2}(\d{2}(\d{2}(\d{4})?)?)?\Z"),
)
def test_subtree_range_holds_the_region_and_its_descendants(kab, other):
    low, high = subtree_range(kab)
    assert (low <= other < high) == other.startswith(nodot(kab))


def test_next_prefix_is_just_above_every_extension():
    assert next_prefix("3673") == "3674"
    assert "3673999" < next_prefix("3673")
    assert next_prefix("3679") > "36799999"
