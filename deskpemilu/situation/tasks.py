"""Situation's background task, run by `deskpemilu worker` on its schedule
(desk/schedule.py) and once by `deskpemilu situation_recompute`."""

from __future__ import annotations

import logging

from django_tasks import task

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
    status = str(status_recompute())
    tally = str(tally_refresh(full=rebuild))
    figures_refresh()
    log.info("%s; %s", status, tally)
    return {"status": status, "tally": tally}
