"""Situation's background task, run by `deskpemilu worker` on its schedule
(desk/schedule.py) and once by `deskpemilu situation_recompute`."""

from __future__ import annotations

import logging

from django_tasks import task

from deskpemilu.core import deskmode
from deskpemilu.situation.services import (
    figures_refresh,
    status_recompute,
    tally_refresh,
)

log = logging.getLogger(__name__)


@task()
def situation_recompute(rebuild: bool = False) -> dict[str, str]:
    """Every region's status, the dashboard's day counts (every day again with
    `rebuild`) and the clock-bound figures (overdue follow-ups, coverage)."""
    # While demo data or a drill gives the desk a clock, statuses and figures
    # follow it (core/deskmode.py); else the real now.
    clock = deskmode.desk_clock()
    status = str(status_recompute(at=clock))
    tally = str(tally_refresh(full=rebuild))
    figures_refresh(at=clock)
    log.info("%s; %s", status, tally)
    return {"status": status, "tally": tally}
