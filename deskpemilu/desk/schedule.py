"""The periodic schedule: which task every worker queues, and when.

Each entry cuts time into slots: `Every` a slot per period (the period's start),
`OnChange` a slot per value of a cheap look-up (the situation's three primary-key
maxima: a new report, history entry or check-in). Every worker looks at the
schedule between tasks; the first to take a slot (a unique `ScheduledRun` row per
entry and slot) queues the task, in the same transaction, and the others' INSERT
fails: several workers on several machines never queue a slot twice. A slot whose
task is still waiting from before is taken without queuing another run.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from django.conf import settings
from django.db import IntegrityError, transaction
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from deskpemilu.desk.models import ScheduledRun
from deskpemilu.desk.tasks import tasks_prune
from deskpemilu.intake.tasks import outbound_send
from deskpemilu.media.tasks import media_poll_feeds
from deskpemilu.notifications.tasks import (
    deliveries_send,
    digests_send,
    notifications_sweep,
)
from deskpemilu.reports.tasks import reports_daily_draft
from deskpemilu.situation.services import change_marks
from deskpemilu.situation.tasks import situation_recompute

SlotTask = Task[[], Any]


class Entry(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def task(self) -> SlotTask: ...
    @property
    def look_every(self) -> float:
        """Seconds between two looks at the slot (0: at every pass)."""
        ...

    def slot(self, now: dt.datetime) -> str: ...


@dataclass(frozen=True)
class Every:
    """A run per period of `seconds`, aligned to the epoch, so every worker cuts
    the same slots."""

    name: str
    task: SlotTask
    seconds: int
    look_every: float = 0

    def slot(self, now: dt.datetime) -> str:
        return slot_start(now, self.seconds).isoformat()


@dataclass(frozen=True)
class OnChange:
    """A run whenever `marks()` gives a value not seen before, read every `seconds`."""

    name: str
    task: SlotTask
    marks: Callable[[], Hashable]
    seconds: int

    @property
    def look_every(self) -> float:
        return self.seconds

    def slot(self, now: dt.datetime) -> str:
        return f"marks {self.marks()}"[:64]


def slot_start(now: dt.datetime, seconds: int) -> dt.datetime:
    """The start of the period of `seconds` that holds `now` (UTC, from the epoch)."""
    stamp = int(now.timestamp())
    return dt.datetime.fromtimestamp(stamp - stamp % seconds, tz=dt.UTC)


# Tasks whose next slot is their retry: the worker does not queue them again.
NOT_RETRIED = frozenset(
    {
        situation_recompute.module_path,
        tasks_prune.module_path,
        media_poll_feeds.module_path,
        reports_daily_draft.module_path,
        notifications_sweep.module_path,
        deliveries_send.module_path,
        digests_send.module_path,
    }
)


def entries() -> list[Entry]:
    """The desk's schedule, from the settings (README, "Settings")."""
    return [
        Every(
            "situation",
            situation_recompute,
            settings.DESKPEMILU_SITUATION_EVERY_SECONDS,
        ),
        OnChange(
            "situation-change",
            situation_recompute,
            change_marks,
            settings.DESKPEMILU_SITUATION_WATCH_SECONDS,
        ),
        Every("outbound", outbound_send, settings.DESKPEMILU_OUTBOUND_SWEEP_SECONDS),
        Every("prune", tasks_prune, 3600),
        Every("media-feeds", media_poll_feeds, settings.DESKPEMILU_NEWS_POLL_SECONDS),
        # The daily situation report is drafted soon after its period ends; each
        # look drafts only a period not drafted yet.
        Every(
            "sitrep",
            reports_daily_draft,
            settings.DESKPEMILU_REPORT_EVERY_SECONDS,
        ),
        Every(
            "notify-sweep",
            notifications_sweep,
            settings.DESKPEMILU_NOTIFY_SWEEP_SECONDS,
        ),
        Every(
            "notify-deliveries",
            deliveries_send,
            settings.DESKPEMILU_NOTIFY_SWEEP_SECONDS,
        ),
        Every("notify-digest", digests_send, 900),
    ]


class Schedule:
    """One worker's view of the schedule: remembers the slots it has seen, so it
    asks the database only when a slot is new to it."""

    def __init__(self, schedule: Sequence[Entry], worker_id: str) -> None:
        self.entries = list(schedule)
        self.worker_id = worker_id
        self._seen: dict[str, str] = {}
        self._next_look: dict[str, float] = {}

    def tick(self, now: dt.datetime) -> list[str]:
        """Take and queue every slot that is due; the names of the entries queued."""
        queued = []
        clock = time.monotonic()
        for entry in self.entries:
            if clock < self._next_look.get(entry.name, 0):
                continue
            self._next_look[entry.name] = clock + entry.look_every
            slot = entry.slot(now)
            if self._seen.get(entry.name) == slot:
                continue
            if slot_take(entry, slot, worker_id=self.worker_id):
                queued.append(entry.name)
            self._seen[entry.name] = slot
        return queued


def slot_take(entry: Entry, slot: str, *, worker_id: str) -> bool:
    """Take the slot and queue its task; False when another worker had taken it or
    a run of the task is still waiting."""
    try:
        with transaction.atomic():
            waiting = (
                DBTaskResult.objects.ready()
                .filter(task_path=entry.task.module_path)
                .exists()
            )
            result = None if waiting else entry.task.enqueue()
            ScheduledRun.objects.create(
                entry=entry.name,
                slot=slot,
                worker=worker_id,
                task_result=result.id if result else None,
            )
    except IntegrityError:
        return False
    return result is not None
