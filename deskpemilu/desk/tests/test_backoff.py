"""The waits between a failed task's attempts (pure, no database)."""

import pytest

from deskpemilu.desk.backoff import DEFAULT_DELAYS, delay_after, parse_delays


def test_the_default_waits_grow_from_half_a_minute_to_an_hour():
    assert parse_delays("") == DEFAULT_DELAYS == (30, 120, 600, 3600)


def test_waits_are_read_in_seconds_minutes_and_hours():
    assert parse_delays("30s, 2m,10m,1h") == (30, 120, 600, 3600)
    assert parse_delays("45") == (45,)
    assert parse_delays("none") == ()


@pytest.mark.parametrize("text", ["10m,30s", "0", "1d", "x", "-5", "30,,60", "٣٠"])
def test_waits_that_shrink_or_cannot_be_read_are_refused(text):
    with pytest.raises(ValueError):
        parse_delays(text)


def test_after_the_last_wait_the_task_is_given_up():
    assert [delay_after(n, (30, 120)) for n in (1, 2, 3)] == [30, 120, None]
    assert delay_after(1, ()) is None
