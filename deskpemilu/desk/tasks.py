"""The desk's own background task: keeping the task tables small."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from deskpemilu.desk.models import ScheduledRun


@task()
def tasks_prune() -> dict[str, int]:
    """Delete finished tasks and taken schedule slots older than
    DESKPEMILU_TASK_KEEP_DAYS (the schedule alone adds a few thousand a day)."""
    cutoff = timezone.now() - dt.timedelta(days=settings.DESKPEMILU_TASK_KEEP_DAYS)
    tasks, _ = DBTaskResult.objects.finished().filter(finished_at__lt=cutoff).delete()
    slots, _ = ScheduledRun.objects.filter(taken_at__lt=cutoff).delete()
    return {"tasks": tasks, "slots": slots}
