"""Notifications' background tasks (`deskpemilu worker`): sending the deliveries,
the sweep for deadlines and action items, and the daily digests."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task

from deskpemilu.notifications.sending import deliveries_send_all
from deskpemilu.notifications.sweep import due_events_announce

log = logging.getLogger(__name__)


@task()
def deliveries_send() -> dict[str, int]:
    """Send every delivery that is due (e-mail, message, webhook). Safe to run in
    several workers at once: each delivery is claimed under a row lock."""
    sent, failed = deliveries_send_all()
    if sent or failed:
        log.info("notifications sent %d, not sent %d", sent, failed)
    return {"sent": sent, "failed": failed}


def deliveries_send_soon() -> None:
    """Queue one send once the rows just written are committed (one per event,
    never per delivery). Should the queue be unreachable, the schedule's sweep
    sends them all the same."""
    transaction.on_commit(deliveries_send.enqueue, robust=True)


@task()
def notifications_sweep() -> dict[str, int]:
    """Announce, once each, the deadlines approaching, the assignments overdue and
    the action items due (sweep.py)."""
    return due_events_announce(timezone.now())


@task()
def digests_send() -> dict[str, int]:
    """Queue the day's digest e-mail of everyone who takes one."""
    # services queues this module's sending task: imported here, not above.
    from deskpemilu.notifications.services import digests_queue

    return {"digests": digests_queue(now=timezone.now())}
