"""Time helpers: the desk lives in WIB (Asia/Jakarta, UTC+7, no daylight saving)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def now_wib() -> dt.datetime:
    return dt.datetime.now(tz=WIB)


def to_wib(moment: dt.datetime) -> dt.datetime:
    """A timezone-aware moment in WIB; a naive one is refused (it is ambiguous)."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give a timezone-aware moment")
    return moment.astimezone(WIB)


def wib_date(moment: dt.datetime) -> dt.date:
    """The calendar date in Indonesia's western time zone at that moment."""
    return to_wib(moment).date()
