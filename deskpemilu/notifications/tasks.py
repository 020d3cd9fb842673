"""Notifications' background tasks (`deskpemilu worker`): sending the deliveries,
the sweep for deadlines and action items, and the daily digests."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from deskpemilu.notifications.sending import deliveries_send_due
from deskpemilu.notifications.sweep import due_events_announce

log = logging.getLogger(__name__)
BATCH = 100


@task()
def deliveries_send() -> dict[str, int]:
    """Send every delivery that is due (e-mail, message, webhook), a batch at a
    time. Safe to run in several workers at once: each delivery is claimed under a
    row lock; while full batches come, another run is queued for a free worker to
    help."""
    sent = failed = 0
    while True:
        done, not_done = deliveries_send_due(limit=BATCH)
        sent, failed = sent + done, failed + not_done
        if done + not_done < BATCH:
            break
        _send_unless_waiting()
    if sent or failed:
        log.info("notifications sent %d, not sent %d", sent, failed)
    return {"sent": sent, "failed": failed}


def deliveries_send_soon() -> None:
    """Queue a send once the rows just written are committed, unless one is waiting
    already (it claims after this commit, so it sends these too): a burst of events
    queues one run, not one each. Should the queue be unreachable, the schedule's
    sweep sends them all the same."""
    transaction.on_commit(_send_unless_waiting, robust=True)


def _send_unless_waiting() -> None:
    waiting = DBTaskResult.objects.ready().filter(task_path=deliveries_send.module_path)
    if not waiting.exists():
        deliveries_send.enqueue()


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
