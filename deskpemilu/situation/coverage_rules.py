"""Election-day coverage: the four check-in stages, their deadlines, and when a TPS
counts as silent. Pure code, no ORM (the counting is `selectors.coverage_summary`).

- Stages, in order: buka (TPS opened), tutup (voting closed), hitung (count
  finished), kirim (results sent).
- A TPS has checked in for a stage when it reported that stage or a later one on
  voting day (a TPS that reports "hitung" has evidently opened and closed): the
  watchlist is for TPS nobody has heard from, not for missing paperwork.
- Check-ins count from 00:00 WIB on voting day until 00:00 two days later (the count
  and the sending run past midnight).
- Deadlines, WIB on voting day (setting DESKPEMILU_COVERAGE_DEADLINES): buka 07:30,
  tutup 13:30, hitung 18:00, kirim 21:00. After its deadline a TPS that has not
  checked in for a stage is silent: it is on the watchlist, with the person to call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from deskpemilu.core.timeutil import WIB

STAGES = ("buka", "tutup", "hitung", "kirim")
STAGE_LABELS = {
    "buka": "TPS dibuka",
    "tutup": "Pemungutan suara ditutup",
    "hitung": "Penghitungan selesai",
    "kirim": "Hasil dikirim",
}
DEFAULT_DEADLINES: dict[str, dt.time] = {
    "buka": dt.time(7, 30),
    "tutup": dt.time(13, 30),
    "hitung": dt.time(18, 0),
    "kirim": dt.time(21, 0),
}
CHECKIN_DAYS = 2


def rank(stage: str) -> int:
    """1 for buka .. 4 for kirim."""
    return STAGES.index(stage) + 1


def covering(stage: str) -> tuple[str, ...]:
    """The stages whose check-in counts for `stage`: itself and the later ones."""
    return STAGES[STAGES.index(stage) :]


def checkin_window(vote_date: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(vote_date, dt.time.min, tzinfo=WIB)
    return start, start + dt.timedelta(days=CHECKIN_DAYS)


def deadline(
    vote_date: dt.date, stage: str, deadlines: Mapping[str, dt.time] | None = None
) -> dt.datetime:
    times = DEFAULT_DEADLINES if deadlines is None else deadlines
    return dt.datetime.combine(vote_date, times[stage], tzinfo=WIB)


def is_silent(
    reported_rank: int,
    stage: str,
    vote_date: dt.date,
    at: dt.datetime,
    deadlines: Mapping[str, dt.time] | None = None,
) -> bool:
    """Whether a TPS whose latest check-in had rank `reported_rank` (0: none) is
    silent for `stage` at moment `at`."""
    return reported_rank < rank(stage) and at > deadline(vote_date, stage, deadlines)


def mask_phone(value: str) -> str:
    """'081234567890' -> '0812******90': enough to tell numbers apart, not to call."""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]
