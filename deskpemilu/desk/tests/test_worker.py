"""`deskpemilu worker` against the test database (SQLite, or PostgreSQL under
pgcluster): queued tasks, the periodic schedule and the retries of a failed task."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskContext, TaskResultStatus, task
from django_tasks_db.models import DBTaskResult

from deskpemilu.desk.models import ScheduledRun
from deskpemilu.desk.schedule import Every, OnChange, Schedule, slot_start
from deskpemilu.desk.worker import DeskWorker, task_retry
from deskpemilu.intake.bulk import messages_handle_batch
from deskpemilu.intake.models import OutboundMessage, OutboundStatus
from deskpemilu.intake.services import Incoming
from deskpemilu.intake.tasks import outbound_send
from deskpemilu.intake.tests.test_outbound import provider  # noqa: F401 (fixture)
from deskpemilu.situation.models import DashboardState
from deskpemilu.situation.tasks import situation_recompute

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 2, 14, 1, 0, 30, tzinfo=dt.UTC)


@task()
def always_fails() -> None:
    raise RuntimeError("penyedia tidak menjawab")


@task(takes_context=True)
def fails_twice(context: TaskContext) -> int:
    if context.attempt < 3:
        raise RuntimeError(f"attempt {context.attempt}")
    return context.attempt


def rows_of(some_task) -> list[DBTaskResult]:
    return list(
        DBTaskResult.objects.filter(task_path=some_task.module_path).order_by(
            "enqueued_at", "run_after"
        )
    )


def burst(schedule: Schedule | None = None) -> None:
    """A burst without the desk's schedule unless one is given."""
    DeskWorker(
        schedule=schedule or Schedule([], "uji"),
        burst=True,
        interval=0,
        worker_id="uji",
    ).run()


def telegram(n: int) -> Incoming:
    return Incoming(
        channel="telegram",
        body=f"INFO jalan rusak {n}",
        sender=f"tg:{5550 + n}",
        provider_id=f"tg-{n}",
        reply_to=str(5550 + n),
    )


def test_replies_of_a_batch_queue_one_send_which_a_burst_runs(
    provider,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        messages_handle_batch([telegram(n) for n in range(3)])
    assert OutboundMessage.objects.filter(status=OutboundStatus.QUEUED).count() == 3
    # One task for the batch, not one per reply.
    (queued,) = rows_of(outbound_send)
    assert queued.status == TaskResultStatus.READY

    call_command("worker", "--burst")

    assert OutboundMessage.objects.filter(status=OutboundStatus.SENT).count() == 3
    assert len(provider.calls) == 3
    queued.refresh_from_db()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.return_value == {"sent": 3, "failed": 0}


def test_a_burst_runs_the_periodic_tasks_that_are_due_once():
    assert not DashboardState.objects.exclude(counted_at=None).exists()
    # The clock stands still: both bursts fall in the same slots.
    with time_machine.travel(START, tick=False):
        call_command("worker", "--burst")

        assert DashboardState.objects.exclude(counted_at=None).exists()
        taken = set(ScheduledRun.objects.values_list("entry", flat=True))
        assert taken == {
            "situation",
            "situation-change",
            "outbound",
            "prune",
            "media-feeds",
            "sitrep",
            "notify-sweep",
            "notify-deliveries",
            "notify-digest",
        }
        # The change and the period fell due together: one recompute, not two.
        (recompute,) = rows_of(situation_recompute)
        assert recompute.status == TaskResultStatus.SUCCESSFUL
        # The same slots again: nothing new is queued.
        call_command("worker", "--burst")
    assert len(rows_of(situation_recompute)) == 1


def test_a_slot_is_taken_by_one_worker_only():
    marks = iter(["a", "a", "b"])
    entries = [
        Every("situation", situation_recompute, 60),
        OnChange("watch", outbound_send, lambda: next(marks), 0),
    ]
    first, second = Schedule(entries, "mesin-1"), Schedule(entries, "mesin-2")
    with time_machine.travel(START, tick=False) as clock:
        assert first.tick(START) == ["situation", "watch"]
        burst()
        # The other machine, same slots (marks "a"): it queues nothing.
        assert second.tick(START) == []
        clock.shift(60)
        # A new period and new marks: whoever looks first takes them.
        assert second.tick(START + dt.timedelta(seconds=60)) == ["situation", "watch"]
    slots = ScheduledRun.objects.values_list("entry", "slot", "worker")
    period = slot_start(START, 60)
    assert sorted(slots) == [
        ("situation", period.isoformat(), "mesin-1"),
        ("situation", (period + dt.timedelta(seconds=60)).isoformat(), "mesin-2"),
        ("watch", "marks a", "mesin-1"),
        ("watch", "marks b", "mesin-2"),
    ]


def test_a_slot_whose_task_still_waits_queues_no_second_run():
    entries = [Every("situation", situation_recompute, 60)]
    with time_machine.travel(START, tick=False) as clock:
        assert Schedule(entries, "mesin-1").tick(START) == ["situation"]
        clock.shift(60)
        later = START + dt.timedelta(seconds=60)
        assert Schedule(entries, "mesin-2").tick(later) == []
    assert len(rows_of(situation_recompute)) == 1
    assert ScheduledRun.objects.filter(task_result=None).count() == 1


def test_a_failing_task_is_tried_again_later_each_wait_longer(settings):
    settings.DESKPEMILU_TASK_RETRY_DELAYS = (30, 120, 600)
    with time_machine.travel(START, tick=False) as clock:
        result = always_fails.enqueue()
        row = DBTaskResult.objects.get(pk=result.id)
        waits = []
        for _ in range(4):
            burst()
            row.refresh_from_db()
            if row.status != TaskResultStatus.READY:
                break
            assert "penyedia tidak menjawab" in row.traceback  # the last error
            waits.append((row.run_after - timezone.now()).total_seconds())
            burst()  # not yet due: nothing runs
            assert len(DBTaskResult.objects.get(pk=row.pk).worker_ids) == len(waits)
            clock.shift(waits[-1])
    assert waits == [30, 120, 600]
    # Four attempts, each by a worker, then given up: the row stays failed.
    assert row.status == TaskResultStatus.FAILED
    assert len(row.worker_ids) == 4
    assert rows_of(always_fails) == [row]


def test_a_task_that_fails_twice_succeeds_on_its_third_attempt(settings):
    settings.DESKPEMILU_TASK_RETRY_DELAYS = (30, 120)
    with time_machine.travel(START, tick=False) as clock:
        result = fails_twice.enqueue()
        burst()
        clock.shift(30)
        burst()
        clock.shift(120)
        burst()
    # The caller's result id tells the outcome.
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value == 3
    assert result.attempts == 3


def test_a_periodic_task_is_not_tried_again_its_next_slot_is():
    result = situation_recompute.enqueue()
    row = DBTaskResult.objects.get(pk=result.id)
    row.claim("uji")
    row.set_failed(RuntimeError("basis data sibuk"))
    assert task_retry(row, (30,)) is None
    row.refresh_from_db()
    assert row.status == TaskResultStatus.FAILED
