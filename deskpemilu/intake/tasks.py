"""Intake's background task: sending the queued replies (`deskpemilu worker`)."""

from __future__ import annotations

import logging

from django.db import transaction
from django_tasks import task

from deskpemilu.intake.outbound import outbound_send_all

log = logging.getLogger(__name__)


@task()
def outbound_send() -> dict[str, int]:
    """Send every WhatsApp and Telegram reply that is due. Safe to run in several
    workers at once (each reply is claimed under a row lock)."""
    sent, failed = outbound_send_all()
    if sent or failed:
        log.info("replies sent %d, not sent %d", sent, failed)
    return {"sent": sent, "failed": failed}


def outbound_send_soon() -> None:
    """Queue one send once the replies just queued are committed: one INSERT per
    batch, never per reply. Should the queue be unreachable, the worker's sweep
    sends them all the same (robust: the caller's request does not fail)."""
    transaction.on_commit(outbound_send.enqueue, robust=True)
