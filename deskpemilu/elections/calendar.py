"""Which stage (tahapan) of an election is under way at a given moment. No ORM.

Stages overlap: the two-year planning stage contains every other one, and voting day
sits inside counting. The current stage is the most specific one that holds the day:
the shortest, then the one that started last. Dates are whole days in WIB.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from deskpemilu.core.timeutil import wib_date

CONTINGENCY = "kontinjensi"


@dataclass(frozen=True)
class StageSpan:
    seq: int
    name: str
    kind: str
    start: dt.date | None
    end: dt.date | None

    @property
    def dated(self) -> bool:
        return self.start is not None and self.end is not None

    def holds(self, day: dt.date) -> bool:
        return self.dated and self.start <= day <= self.end  # type: ignore[operator]

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1  # type: ignore[operator]


@dataclass(frozen=True)
class StageStatus:
    day: dt.date
    current: StageSpan | None
    active: list[StageSpan] = field(default_factory=list)
    previous: StageSpan | None = None
    next: StageSpan | None = None

    @property
    def before_start(self) -> bool:
        return self.current is None and self.previous is None and self.next is not None

    @property
    def finished(self) -> bool:
        return self.current is None and self.next is None and self.previous is not None


def stage_status(
    stages: list[StageSpan], moment: dt.datetime, *, include_contingency: bool = False
) -> StageStatus:
    """The stage under way at `moment` (timezone-aware), with the ones around it."""
    day = wib_date(moment)
    usable = [
        s for s in stages if s.dated and (include_contingency or s.kind != CONTINGENCY)
    ]
    active = sorted(
        (s for s in usable if s.holds(day)),
        key=lambda s: (s.days, -s.start.toordinal(), s.seq),  # type: ignore[union-attr]
    )
    ended = [s for s in usable if s.end < day]  # type: ignore[operator]
    upcoming = [s for s in usable if s.start > day]  # type: ignore[operator]
    previous = max(ended, key=lambda s: (s.end, s.seq), default=None)
    nxt = min(upcoming, key=lambda s: (s.start, s.seq), default=None)
    return StageStatus(
        day=day,
        current=active[0] if active else None,
        active=active,
        previous=previous,
        next=nxt,
    )
