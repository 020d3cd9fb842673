"""The periodic look for events that no request causes: a deadline approaching, an
assignment past its deadline, an action item due. Each is announced once: its key
(`overdue:assignment:12`) is kept in `Announced`, unique, so a second sweep or a
second worker finds it told already.

Reads for whoever asks (no user: the worker's), not limited to a scope.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.db import IntegrityError, transaction

from deskpemilu.coordination.models import ActionItem, ActionStatus
from deskpemilu.core.events import announce
from deskpemilu.core.timeutil import wib_date
from deskpemilu.incidents.deadlines import assignments_due_soon
from deskpemilu.incidents.models import Assignment
from deskpemilu.incidents.workflow import OPEN
from deskpemilu.notifications.models import Announced

# Older ones are not told on a first sweep (a desk switched on mid-election).
LOOK_BACK = dt.timedelta(days=7)

Found = tuple[str, str, dict[str, Any]]  # key, kind, payload


def _assignment_payload(assignment: Assignment) -> dict[str, Any]:
    return {
        "assignment_id": assignment.pk,
        "incident_id": assignment.incident_id,
        "agency_id": assignment.agency_id,
    }


def _assignment_key(assignment: Assignment) -> str:
    # With the deadline: a deadline moved later is told again when it comes near.
    return f"assignment:{assignment.pk}:{int(assignment.deadline.timestamp())}"


def due_events(now: dt.datetime) -> Iterator[Found]:
    for assignment in assignments_due_soon(now):
        key = f"deadline_soon:{_assignment_key(assignment)}"
        yield key, "deadline_soon", _assignment_payload(assignment)
    overdue = Assignment.objects.filter(
        incident__status__in=OPEN,
        done_at__isnull=True,
        deadline__lt=now,
        deadline__gte=now - LOOK_BACK,
    ).order_by("deadline", "id")
    for assignment in overdue:
        key = f"overdue:{_assignment_key(assignment)}"
        yield key, "overdue", _assignment_payload(assignment)
    today = wib_date(now)
    items = ActionItem.objects.filter(
        status=ActionStatus.OPEN,
        due_on__lte=today + dt.timedelta(days=1),
        due_on__gte=today - LOOK_BACK,
    ).order_by("due_on", "pk")
    for item in items:
        payload = {
            "action_item_id": item.pk,
            "agency_id": item.owner_id,
            "due_on": item.due_on.isoformat(),
        }
        yield f"action_item_due:{item.pk}:{item.due_on}", "action_item_due", payload


def due_events_announce(now: dt.datetime) -> dict[str, int]:
    """Announce each event found that was not announced before."""
    told: dict[str, int] = {}
    for key, kind, payload in due_events(now):
        try:
            with transaction.atomic():
                Announced.objects.create(key=key)
                announce(kind, **payload)
        except IntegrityError:
            continue
        told[kind] = told.get(kind, 0) + 1
    return told
