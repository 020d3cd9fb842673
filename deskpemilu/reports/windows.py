"""The periods of daily reports: a day from a clock time (WIB) to the same time the
next day, 06:00 to 06:00 by default. Pure code."""

from __future__ import annotations

import datetime as dt

from deskpemilu.core.timeutil import WIB, to_wib

DEFAULT_DAY_START = dt.time(6, 0)


def daily_window(day: dt.date, start: dt.time) -> tuple[dt.datetime, dt.datetime]:
    """The daily period that starts on `day` at `start` WIB."""
    first = dt.datetime.combine(day, start, tzinfo=WIB)
    return first, first + dt.timedelta(days=1)


def last_daily_window(
    now: dt.datetime, start: dt.time
) -> tuple[dt.datetime, dt.datetime]:
    """The last daily period that has ended by `now`."""
    local = to_wib(now)
    end = dt.datetime.combine(local.date(), start, tzinfo=WIB)
    if end > local:
        end -= dt.timedelta(days=1)
    return end - dt.timedelta(days=1), end


def parse_day_start(raw: str) -> dt.time:
    """The setting DESKPEMILU_REPORT_DAY_START: "HH:MM" (or "HH.MM"); "" is 06:00."""
    if not raw:
        return DEFAULT_DAY_START
    try:
        return dt.time.fromisoformat(raw.replace(".", ":"))
    except ValueError as exc:
        raise ValueError(f"expected HH:MM, got {raw!r}") from exc
