"""The deployment arithmetic with worked numbers (no database)."""

import pytest

from deskpemilu.situation import deployment as d
from deskpemilu.situation.deployment import Need, Pattern, need_for


@pytest.mark.parametrize(
    "counts, need",
    [
        ({"kurang_rawan": 8}, Need(2, 4, 16)),  # 2 police per 4-8 TPS
        ({"kurang_rawan": 4}, Need(2, 2, 8)),
        ({"kurang_rawan": 9}, Need(4, 6, 18)),
        ({"kurang_rawan": 1}, Need(2, 2, 2)),
        ({"rawan": 2}, Need(2, 2, 4)),  # 2-2-4
        ({"rawan": 3}, Need(4, 4, 6)),
        ({"sangat_rawan": 1}, Need(2, 2, 2)),  # 2-1-2
        ({"sangat_rawan": 1, "khusus": 1}, Need(4, 4, 4)),
        ({"kurang_rawan": 0, "rawan": 0}, Need()),
        (
            {"kurang_rawan": 20, "rawan": 5, "sangat_rawan": 2, "khusus": 1},
            # 2*ceil(20/8)=6 .. 2*ceil(20/4)=10; 2*ceil(5/2)=6; 2*2; 2*1
            Need(6 + 6 + 4 + 2, 10 + 6 + 4 + 2, 40 + 10 + 4 + 2),
        ),
    ],
)
def test_the_need_follows_the_2024_pattern(counts, need):
    assert need_for(counts) == need


def test_needs_add_up():
    assert Need(2, 4, 16) + Need(4, 4, 6) == Need(6, 8, 22)


def test_the_pattern_reads_the_police_notation():
    pattern = d.parse_pattern("kurang_rawan=2:5-10:10-20;rawan=3:2:4")
    assert pattern["kurang_rawan"] == Pattern(2, 5, 10, 10, 20)
    assert pattern["rawan"] == Pattern(3, 2, 2, 4, 4)
    assert pattern["khusus"] == d.DEFAULT_PATTERN["khusus"]  # left out: the default
    assert need_for({"kurang_rawan": 10}, pattern) == Need(2, 4, 20)
    assert need_for({"rawan": 3}, pattern) == Need(6, 6, 6)


def test_the_default_pattern_written_back_reads_the_same():
    texts = {k: p.text() for k, p in d.DEFAULT_PATTERN.items()}
    assert texts == {
        "kurang_rawan": "2:4-8:8-16",
        "rawan": "2:2:4",
        "sangat_rawan": "2:1:2",
        "khusus": "2:1:2",
    }


@pytest.mark.parametrize(
    "text",
    [
        "biasa=2:1:2",
        "rawan=2:2",
        "rawan=x:2:4",
        "rawan=2:4-2:4",
        "kurang_rawan=2:4-8:8-10",  # Linmas not the same per TPS at both ends
    ],
)
def test_a_pattern_that_cannot_be_read_is_refused(text):
    with pytest.raises(ValueError):
        d.parse_pattern(text)


def test_personnel_is_shared_in_proportion_to_need():
    assert d.allocate(10, {"a": 10, "b": 6, "c": 4}) == {"a": 5, "b": 3, "c": 2}


def test_the_largest_remainders_get_the_last_people():
    # exact shares 3.33, 3.33, 3.33: the one left goes to the first by code
    assert d.allocate(10, {"a": 6, "b": 6, "c": 6}) == {"a": 4, "b": 3, "c": 3}
    assert sum(d.allocate(7, {"a": 5, "b": 3, "c": 1}).values()) == 7


def test_nobody_gets_more_than_they_need_and_enough_covers_all():
    assert d.allocate(100, {"a": 10, "b": 6}) == {"a": 10, "b": 6}
    assert d.allocate(0, {"a": 10, "b": 6}) == {"a": 0, "b": 0}
    assert d.allocate(5, {"a": 0, "b": 0}) == {"a": 0, "b": 0}


def test_the_shortfall_is_what_is_missing_or_unknown():
    assert d.shortfall(40, 25) == 15
    assert d.shortfall(40, 60) == 0
    assert d.shortfall(40, None) is None
