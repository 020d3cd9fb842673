"""Election-day coverage rules (no database)."""

import datetime as dt

from deskpemilu.core.timeutil import WIB
from deskpemilu.situation import coverage_rules as c

DAY = dt.date(2024, 2, 14)


def test_a_later_check_in_counts_for_the_earlier_stages():
    assert c.covering("buka") == ("buka", "tutup", "hitung", "kirim")
    assert c.covering("hitung") == ("hitung", "kirim")
    assert [c.rank(s) for s in c.STAGES] == [1, 2, 3, 4]


def test_the_deadlines_are_wib_on_voting_day():
    assert c.deadline(DAY, "buka") == dt.datetime(2024, 2, 14, 7, 30, tzinfo=WIB)
    assert c.deadline(DAY, "kirim") == dt.datetime(2024, 2, 14, 21, 0, tzinfo=WIB)
    custom = {**c.DEFAULT_DEADLINES, "buka": dt.time(8, 0)}
    assert c.deadline(DAY, "buka", custom).hour == 8


def test_check_ins_count_from_midnight_for_two_days():
    start, end = c.checkin_window(DAY)
    assert start == dt.datetime(2024, 2, 14, tzinfo=WIB)
    assert end == dt.datetime(2024, 2, 16, tzinfo=WIB)


def test_a_tps_is_silent_only_after_the_deadline_and_without_a_check_in():
    before = dt.datetime(2024, 2, 14, 7, 29, tzinfo=WIB)
    after = dt.datetime(2024, 2, 14, 7, 31, tzinfo=WIB)
    assert not c.is_silent(0, "buka", DAY, before)
    assert c.is_silent(0, "buka", DAY, after)
    assert not c.is_silent(1, "buka", DAY, after)
    assert not c.is_silent(3, "buka", DAY, after)  # reported "hitung": it opened
    assert c.is_silent(2, "hitung", DAY, dt.datetime(2024, 2, 14, 19, tzinfo=WIB))


def test_a_phone_number_is_masked_but_still_told_apart():
    assert c.mask_phone("081234567890") == "0812******90"
    assert c.mask_phone("12345") == "*****"
