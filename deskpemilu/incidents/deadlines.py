"""Assignments against their deadlines, for whoever asks: the notifications' sender
and other system work that has no user. These reads are not limited to a scope; a
page reads through incidents/selectors.py (my_tasks, overdue_assignments), which
takes the user."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import QuerySet

from deskpemilu.incidents.models import Assignment
from deskpemilu.incidents.workflow import OPEN


def warn_window() -> dt.timedelta:
    """How long before its deadline an assignment is "due soon"."""
    return dt.timedelta(hours=settings.DESKPEMILU_DEADLINE_WARN_HOURS)


def assignments_due_soon(now: dt.datetime) -> QuerySet[Assignment]:
    """Open assignments (not reported done, the incident still open) whose deadline
    falls within the warning window after `now`: the deadline has not passed yet.
    Soonest first, with the incident, its region and the agency."""
    return (
        Assignment.objects.filter(
            incident__status__in=OPEN,
            done_at__isnull=True,
            deadline__gte=now,
            deadline__lt=now + warn_window(),
        )
        .select_related("incident", "incident__region", "agency")
        .order_by("deadline", "id")
    )
