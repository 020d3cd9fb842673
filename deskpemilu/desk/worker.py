"""`deskpemilu worker`: runs the queued tasks of every app and the periodic schedule.

The task runner is django-tasks-db's (a row claimed with SELECT ... FOR UPDATE SKIP
LOCKED on PostgreSQL, an exclusive transaction on SQLite, so several workers never
run a task twice); this worker adds, between two tasks, a look at the schedule
(desk/schedule.py) and, after a failed task, its next attempt (desk/backoff.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.conf import settings
from django.db import (
    DatabaseError,
    OperationalError,
    close_old_connections,
    connection,
)
from django.utils import timezone
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from deskpemilu.desk import backoff
from deskpemilu.desk.schedule import NOT_RETRIED, Schedule

log = logging.getLogger(__name__)


class DeskWorker(Worker):
    def __init__(
        self, *, schedule: Schedule, burst: bool, interval: float, worker_id: str
    ) -> None:
        super().__init__(
            queue_names=["*"],
            interval=interval,
            batch=burst,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id,
            excluded_queue_names=[],
        )
        self.schedule = schedule
        self.delays: tuple[int, ...] = settings.DESKPEMILU_TASK_RETRY_DELAYS

    def run(self) -> None:
        """Until stopped; with `burst`, what is queued and due now, then return."""
        log.info("worker %s starts%s", self.worker_id, " (burst)" if self.batch else "")
        if self.batch:
            self.schedule.tick(timezone.now())
        while self.running:
            _drop_old_connections()
            try:
                if not self.batch:
                    self.schedule.tick(timezone.now())
                claimed = self.claim()
            except DatabaseError as error:
                # The database away (restart, failover) or busy: the worker waits
                # for it, as the app does. In a burst, the caller hears of it.
                if self.batch and not _locked(error):
                    raise
                log.warning("worker %s: database: %s", self.worker_id, error)
                time.sleep(self.interval)
                continue
            if claimed is not None:
                self.run_task(claimed)
            elif self.batch:
                return
            elif self.running:
                time.sleep(self.interval)

    def claim(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        with exclusive_transaction(tasks.db):
            task_result = tasks.get_locked()
            if task_result is not None:
                task_result.claim(self.worker_id)
        return task_result

    def run_task(self, db_task_result: DBTaskResult) -> None:
        super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            try:
                task_retry(db_task_result, self.delays)
            except Exception:  # the database away, or the task's code gone
                log.exception("task %s: next attempt not queued", db_task_result.id)


def task_retry(failed: DBTaskResult, delays: tuple[int, ...]) -> dt.datetime | None:
    """Put the failed task back in the queue, due after the wait of its attempt;
    None when its attempts are spent or its next slot is its retry
    (schedule.NOT_RETRIED); else when it is due again.

    The same row goes back to READY, as django-tasks means it ("ready to be
    executed again"): its id stays the caller's, its attempts are its workers
    (`worker_ids`, one per attempt: `TaskResult.attempts`, `TaskContext.attempt`),
    and it keeps the last error's traceback until an attempt succeeds; the log has
    every attempt's error.
    """
    attempts = len(failed.worker_ids)
    wait = backoff.delay_after(attempts, delays)
    name = failed.task_path
    if name in NOT_RETRIED:
        return None
    if wait is None:
        log.error("task %s %s failed %d times; given up", failed.id, name, attempts)
        return None
    due = timezone.now() + dt.timedelta(seconds=wait)
    DBTaskResult.objects.filter(pk=failed.pk, status=TaskResultStatus.FAILED).update(
        status=TaskResultStatus.READY, run_after=due, finished_at=None
    )
    error = failed.traceback.strip().splitlines()[-1:] or [failed.exception_class_path]
    log.warning(
        "task %s %s failed (attempt %d: %s); again in %d s",
        failed.id,
        name,
        attempts,
        error[0],
        wait,
    )
    return due


def _drop_old_connections() -> None:
    """Like a request's end: a connection past its age or broken is replaced. Not
    inside a transaction (a burst run by a test or a caller's atomic block), where
    closing it would lose the transaction."""
    if not connection.in_atomic_block:
        close_old_connections()


def _locked(error: DatabaseError) -> bool:
    return isinstance(error, OperationalError) and is_locked_database_exception(error)
