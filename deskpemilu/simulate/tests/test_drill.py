"""A drill runs in a database of its own and is stopped without touching the real
one: console commands as an operator runs them, on SQLite files in a folder of the
test's own."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
from pathlib import Path

import pytest

from deskpemilu.devtools.liveserver import CLI

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
