"""A drill runs in a database of its own and is stopped without touching the real
one: console commands as an operator runs them, on SQLite files in a folder of the
test's own; and a drill played by the simulator into the real server, debriefed and
stopped, on SQLite or on PostgreSQL when the run's DATABASE_URL is."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from deskpemilu.devtools.liveserver import CLI, LiveDesk, live_desk
from deskpemilu.simulate.tests.test_live_simulate import SECRETS

MAKE_CLIENT = (
    "from deskpemilu.intake.auth import api_client_create; "
    "api_client_create(name='latihan')"
)
COUNT_CLIENTS = (
    "from deskpemilu.intake.models import ApiClient; print(ApiClient.objects.count())"
)


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, check=False
    )


# Every table's row count, the real desk's or the drill's (whichever the process's
# settings open).
COUNT_ROWS = (
    "import json; from django.apps import apps; "
    "print(json.dumps({m._meta.db_table: m._default_manager.count() "
    "for m in apps.get_models()}, sort_keys=True))"
)
NOT_CALM = (
    "from deskpemilu.situation.models import RegionStatus; "
    "print(RegionStatus.objects.exclude(level='aman').count())"
)
PLAY = (
    "--seed", "3", "--tps", "40", "--incidents", "300", "--speed", "0",
    "--from", "2024-02-14T06:00", "--to", "2024-02-14T12:00",
)  # fmt: skip


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def where(env: dict[str, str]) -> dict[str, str]:
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps({'db': str(settings.DATABASES['default']['NAME']), "
        "'drill': settings.DESKPEMILU_DRILL}))"
    )
    done = cli(env, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_drill_runs_apart_and_stops_without_touching_the_real_database(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DESKPEMILU_") and k not in ("DATABASE_URL",)
    } | {
        "DJANGO_SETTINGS_MODULE": "deskpemilu.settings",
        "DESKPEMILU_VAR_DIR": str(tmp_path),
    }
    real = tmp_path / "deskpemilu.sqlite3"
    assert cli(env, "migrate", "--noinput", "-v0").returncode == 0
    cli(env, "shell", "-c", "from django.db import connection; connection.close()")
    before = digest(real)

    started = cli(env, "drill", "start", "banten1", "--no-load")
    assert started.returncode == 0, started.stderr
    assert (tmp_path / "drill").read_text().strip() == "banten1"
    drill_db = tmp_path / "latihan_banten1.sqlite3"
    assert drill_db.is_file()
    assert where(env) == {"db": str(drill_db), "drill": "banten1"}
    # What a drill's process writes lands in the drill's database.
    added = cli(env, "shell", "-c", MAKE_CLIENT)
    assert added.returncode == 0, added.stderr
    assert cli(env, "shell", "-c", COUNT_CLIENTS).stdout.split()[-1] == "1"
    debrief = cli(env, "drill", "debrief", "--json")
    assert debrief.returncode == 0, debrief.stderr
    assert json.loads(debrief.stdout)["drill"] == "banten1"
    again = cli(env, "drill", "start", "banten2", "--no-load")
    assert again.returncode != 0 and "banten1" in again.stderr

    stopped = cli(env, "drill", "stop")
    assert stopped.returncode == 0, stopped.stderr
    assert not (tmp_path / "drill").exists()
    assert where(env) == {"db": str(real), "drill": ""}
    assert cli(env, "shell", "-c", COUNT_CLIENTS).stdout.split()[-1] == "0"
    assert drill_db.is_file()  # kept for the debrief
    assert digest(real) == before  # the real database was never touched
    refused = cli(env, "drill", "debrief")
    assert refused.returncode != 0 and "sebenarnya" in refused.stderr


@pytest.mark.django_db
def test_every_page_of_a_drill_says_latihan(client, settings):
    assert "LATIHAN" not in client.get("/masuk/").content.decode()
    settings.DESKPEMILU_DRILL = "banten1"
    for path in ("/masuk/", "/lapor/"):
        assert "LATIHAN banten1" in client.get(path).content.decode()


def rows(env: dict[str, str]) -> dict[str, int]:
    done = cli(env, "shell", "-c", COUNT_ROWS)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def restart(desk: LiveDesk) -> None:
    """What the operator does after `drill start` and `stop`: a server reads the
    marker when it starts."""
    assert desk.server is not None
    desk.server.stop()
    desk.server.start()


def test_a_drill_is_played_debriefed_and_stopped_apart_from_the_real_desk(tmp_path):
    """start -> (restart) -> play a vote-day morning (06.00-12.00) at full speed
    into the real server -> debrief -> stop -> (restart): the debrief counts what
    the play sent, and every table of the real database holds as many rows as
    before."""
    with live_desk(tmp_path, extra_env=SECRETS) as desk:
        env = dict(desk.env)
        before = rows(env)
        assert before["regions_tps"] > 30_000  # Banten is loaded in the real desk
        name = f"uji_{os.getpid()}"
        started = cli(env, "drill", "start", name)
        assert started.returncode == 0, started.stderr
        try:
            restart(desk)
            assert rows(env)["intake_inboundmessage"] == 0
            played = cli(env, "drill", "play", "--url", desk.url, *PLAY, "--json")
            assert played.returncode == 0, played.stderr
            summary = json.loads(played.stdout)
            assert summary["agree"] is True, summary
            assert summary["sent"]["sms_gateway"]["checkin"] > 10

            done = cli(env, "drill", "debrief", "--json")
            assert done.returncode == 0, done.stderr
            debrief = json.loads(done.stdout)
            assert debrief["drill"] == name
            # What came in is what the simulator sent, channel by channel.
            assert debrief["came_in"] == summary["held"] == summary["sent"]
            assert debrief["messages"] == summary["sent_total"] == summary["planned"]
            # Nobody worked the drill: every incident still new, nothing handled.
            incidents = debrief["incidents"]
            assert incidents and set(incidents) == {"baru"}
            assert debrief["missed"]["still_new"] == incidents["baru"]
            assert debrief["minutes_to_first_move"] is None
            assert debrief["assignments"] == debrief["assignments_done"] == 0
            # 40 TPS were drawn and opened (a few never report): the rest of
            # Banten never checked in.
            checked = before["regions_tps"] - debrief["missed"]["tps_never_checked_in"]
            assert 30 <= checked <= 40
            # Played at full speed, the drill's clock stands at the window's end.
            assert debrief["clock"].startswith("2024-02-14T12:0"), debrief["clock"]
            # The worker's recompute follows that clock: the morning's incidents
            # colour the map (at the real now they would be outside the window).
            recomputed = cli(env, "situation_recompute")
            assert recomputed.returncode == 0, recomputed.stderr
            assert int(cli(env, "shell", "-c", NOT_CALM).stdout.split()[-1]) > 0

            stopped = cli(env, "drill", "stop")
            assert stopped.returncode == 0, stopped.stderr
            restart(desk)
            assert rows(env) == before  # the real desk never saw the drill
        finally:
            cli(env, "drill", "stop")
            _drop_drill_database(env, name)


def _drop_drill_database(env: dict[str, str], name: str) -> None:
    """A PostgreSQL drill's database is left by `stop` (for its debrief); the test
    drops it. A SQLite drill's file goes with the test's folder."""
    if not env["DATABASE_URL"].startswith(("postgres", "pgsql")):
        return
    code = (
        "from django.db import connection; connection.cursor().execute("
        f"'DROP DATABASE IF EXISTS deskpemilu_latihan_{name} WITH (FORCE)')"
    )
    done = cli(env, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
