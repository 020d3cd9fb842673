"""Two `deskpemilu worker` processes on one database of their own (a SQLite file,
or a new database on the run's PostgreSQL server), with one-second slots so that
they contend for every slot: each slot is queued once and each task run once."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import time
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from deskpemilu.devtools import liveserver

# Long enough for several one-second slots; the workers are stopped after it.
RUN_SECONDS = 4
TASKS = "django_tasks_database_dbtaskresult"


def rows(database_url: str, statement: str) -> list[tuple[Any, ...]]:
    parts = urlsplit(database_url)
    if parts.scheme == "sqlite":
        with closing(sqlite3.connect(parts.path)) as db:
            return db.execute(statement).fetchall()
    import psycopg

    conninfo = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(conninfo) as pg:
        return pg.execute(statement).fetchall()


def wait_for_start(log: Path, name: str) -> None:
    """Until the worker says it runs (Django's start takes a few seconds)."""
    deadline = time.monotonic() + 60
    while f"worker {name} starts" not in log.read_text():
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@pytest.fixture
def database(tmp_path: Path):
    with liveserver._database(tmp_path) as database_url:
        env = liveserver.desk_env(tmp_path, database_url)
        subprocess.run(
            [*liveserver.CLI, "migrate", "--noinput", "-v0"], env=env, check=True
        )
        yield env, database_url


def test_two_workers_queue_each_slot_once_and_run_each_task_once(database, tmp_path):
    env, database_url = database
    env |= {
        "DESKPEMILU_SITUATION_EVERY_SECONDS": "1",
        "DESKPEMILU_OUTBOUND_SWEEP_SECONDS": "1",
    }
    workers = [
        subprocess.Popen(
            [*liveserver.CLI, "worker", "--interval", "0.05", "--worker-id", name],
            env=env,
            stdout=(tmp_path / f"{name}.log").open("w"),
            stderr=subprocess.STDOUT,
        )
        for name in ("mesin-1", "mesin-2")
    ]
    for name in ("mesin-1", "mesin-2"):
        wait_for_start(tmp_path / f"{name}.log", name)
    time.sleep(RUN_SECONDS)
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        assert worker.wait(timeout=30) == 0, worker.args

    doubled = rows(
        database_url,
        "SELECT entry, slot FROM desk_scheduledrun GROUP BY entry, slot "
        "HAVING COUNT(*) > 1",
    )
    assert doubled == []
    slots = rows(
        database_url,
        "SELECT COUNT(*) FROM desk_scheduledrun "
        "WHERE entry = 'outbound' AND task_result IS NOT NULL",
    )[0][0]
    assert slots >= 2, "the workers never reached a second slot"
    # Each queued slot is one task row, and each row ran in one worker.
    sends = rows(
        database_url,
        f"SELECT worker_ids, status FROM {TASKS} "
        "WHERE task_path = 'deskpemilu.intake.tasks.outbound_send'",
    )
    assert len(sends) == slots
    ran = [(json.loads(ids) if isinstance(ids, str) else ids) for ids, _ in sends]
    assert all(len(ids) <= 1 for ids in ran)
    assert {status for _, status in sends} <= {"SUCCESSFUL", "READY", "RUNNING"}
