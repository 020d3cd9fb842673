"""Drills (latihan): a rehearsal of election day in a database of its own.

`deskpemilu drill start NAME` writes the marker VAR_DIR/drill and prepares the drill's
database (migrate, load_banten, ensure_admin, each as a process started with
DESKPEMILU_DRILL=NAME so it opens that database, never the real one). A server or
worker started while the marker is there serves the drill (settings.py reads it at
start; core/deskmode.py). `stop` removes the marker; the drill's database stays for
its debrief. `play` (run with the drill marked) sends a whole election day into it
with the simulator and lets the drill's clock run with the simulated time; `debrief`
says what came in, what was handled, how fast and what was missed. docs/drills.md.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Min

from deskpemilu.core import deskmode

CLI = (sys.executable, "-m", "deskpemilu.cli")


class DrillError(RuntimeError):
    """A drill cannot start, stop or play as asked."""


def _var() -> Path:
    return Path(settings.VAR_DIR)


def start(name: str, *, load: bool = True) -> str:
    """Mark the drill and prepare its database; the database's address."""
    if not deskmode.valid_drill_name(name):
        raise DrillError("Nama latihan: huruf kecil, angka dan _ saja (maks. 40).")
    marked = deskmode.drill_marked(_var())
    if marked:
        raise DrillError(f"Latihan {marked} sedang berjalan: `deskpemilu drill stop`.")
    real = (
        os.environ.get("DATABASE_URL", "") or f"sqlite:///{_var()}/deskpemilu.sqlite3"
    )
    where = deskmode.drill_database_url(real, name, _var())
    _create_postgres_database(where)
    env = os.environ | {"DESKPEMILU_DRILL": name}
    steps: list[tuple[str, ...]] = [("migrate", "--noinput", "-v0")]
    if load:
        steps += [("load_banten",), ("ensure_admin",)]
    for step in steps:
        done = subprocess.run([*CLI, *step], env=env, check=False)
        if done.returncode != 0:
            raise DrillError(f"Menyiapkan basis data latihan gagal: {' '.join(step)}")
    (_var() / deskmode.DRILL_FILE).write_text(name + "\n", encoding="utf-8")
    return where


def _create_postgres_database(url: str) -> None:
    """On PostgreSQL the drill's database is created beside the real one (the role
    needs CREATEDB) unless it is there already; a SQLite file is made by migrate."""
    parts = urlsplit(url)
    if parts.scheme not in deskmode.POSTGRES_SCHEMES:
        return
    from django.db import connection

    database = parts.path.lstrip("/")
    # Autocommit (Django's default outside atomic): CREATE DATABASE cannot run in a
    # transaction. The name is a checked drill name, safe to quote.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database])
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(database)}")


def stop() -> str:
    """Remove the marker (and the drill's clock); the drill's name."""
    name = deskmode.drill_marked(_var())
    if not name:
        raise DrillError("Tidak ada latihan yang berjalan.")
    (_var() / deskmode.DRILL_FILE).unlink()
    deskmode.drill_clock_file(name, _var()).unlink(missing_ok=True)
    return name


def require_drill() -> str:
    """The drill this process serves; refuse on the real desk."""
    name = deskmode.drill_name()
    if not name:
        raise DrillError(
            "Proses ini memakai basis data desk yang sebenarnya: mulai latihan "
            "dulu (`deskpemilu drill start NAMA`)."
        )
    return name


def clock_starts(start: dt.datetime, speed: float) -> None:
    """The drill's clock runs from the simulated start at the play's speed."""
    deskmode.drill_clock_set(require_drill(), start, speed, _var())


def clock_played(end: dt.datetime, speed: float) -> None:
    """After a play as fast as the desk takes it (speed 0) the simulated day is all
    in: the clock moves to the window's end and runs on in real time, so the
    worker's statuses and the debrief's overdue count are those of the day played
    (a paced play's clock has kept pace by itself)."""
    if speed <= 0:
        deskmode.drill_clock_set(require_drill(), end, 1.0, _var())


def debrief() -> dict[str, Any]:
    """What came in (messages by channel and kind), what was handled (incidents by
    status, assignments finished), how fast (median minutes from an incident's
    creation to its first status change and to its close), what was missed
    (incidents still new, overdue assignments, TPS that never checked in)."""
    from deskpemilu.incidents.models import Assignment, Incident, IncidentEvent
    from deskpemilu.intake.models import InboundMessage, TpsCheckin
    from deskpemilu.regions.models import TPS

    require_drill()
    came: dict[str, dict[str, int]] = {}
    for row in (
        InboundMessage.objects.values("channel", "kind")
        .annotate(n=Count("pk"))
        .order_by("channel", "kind")
    ):
        came.setdefault(row["channel"], {})[row["kind"]] = row["n"]
    statuses = dict(
        Incident.objects.values_list("status").annotate(n=Count("pk")).order_by()
    )
    moved = IncidentEvent.objects.filter(action__in=("status",)).values("incident_id")
    first_moves = moved.annotate(first=Min("at"))
    created = dict(Incident.objects.values_list("pk", "created_at"))
    to_first = [
        (row["first"] - created[row["incident_id"]]).total_seconds() / 60
        for row in first_moves
        if row["incident_id"] in created
    ]
    closed = (
        IncidentEvent.objects.filter(to_status="selesai")
        .values("incident_id")
        .annotate(at=Min("at"))
    )
    to_close = [
        (row["at"] - created[row["incident_id"]]).total_seconds() / 60
        for row in closed
        if row["incident_id"] in created
    ]
    clock = deskmode.desk_clock() or dt.datetime.now(dt.UTC)
    checked = TpsCheckin.objects.values("tps_id").distinct().count()

    def median(values: list[float]) -> float | None:
        return round(statistics.median(values), 1) if values else None

    return {
        "drill": deskmode.drill_name(),
        "clock": clock.isoformat(),
        "came_in": came,
        "messages": sum(n for kinds in came.values() for n in kinds.values()),
        "incidents": statuses,
        "assignments": Assignment.objects.count(),
        "assignments_done": Assignment.objects.filter(done_at__isnull=False).count(),
        "minutes_to_first_move": median(to_first),
        "minutes_to_close": median(to_close),
        "missed": {
            "still_new": statuses.get("baru", 0),
            "overdue": Assignment.objects.filter(
                done_at__isnull=True, deadline__lt=clock
            ).count(),
            "tps_never_checked_in": TPS.objects.count() - checked,
        },
    }
