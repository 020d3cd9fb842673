"""Reads for elections: the current stage of an election at any moment."""

from __future__ import annotations

import datetime as dt

from deskpemilu.core.timeutil import now_wib
from deskpemilu.elections.calendar import StageSpan, StageStatus, stage_status
from deskpemilu.elections.models import Election


def election_current() -> Election | None:
    """The election the desk is watching: the one with the latest voting day."""
    return Election.objects.order_by("-vote_date").first()


def election_stage_at(
    election: Election, moment: dt.datetime | None = None
) -> StageStatus:
    """Which stage of `election` is under way at `moment` (default: now, in WIB)."""
    spans = [
        StageSpan(s.seq, s.name, s.kind, s.start_date, s.end_date)
        for s in election.stages.all()
    ]
    return stage_status(spans, moment or now_wib())
