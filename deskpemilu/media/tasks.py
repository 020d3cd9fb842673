"""Media monitoring's background task: the news feeds polled (`deskpemilu worker`,
the schedule's "media-feeds" entry)."""

from __future__ import annotations

import logging

from django_tasks import task

from deskpemilu.media.services import feeds_poll

log = logging.getLogger(__name__)


@task()
def media_poll_feeds() -> dict[str, int]:
    """Every feed that is due; a feed's failure is recorded on it and waits for
    its own next attempt, so the task itself does not fail for it. Safe to run
    again."""
    counts = feeds_poll()
    if counts["polled"]:
        log.info("feeds polled %(polled)d, failed %(failed)d, new %(stored)d", counts)
    return counts
