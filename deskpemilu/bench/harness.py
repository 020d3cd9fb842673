"""What every benchmark needs: a fresh database of each kind, the real app server on
loopback, the load generator in its own process, and a note of the machine."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from deskpemilu.devtools import liveserver, pgcluster


def machine() -> str:
    """One line saying when and on what the figures were measured."""
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    today = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        f"{today}; {os.cpu_count()} cores ({model or platform.machine()}){memory}; "
        f"{platform.system()} {platform.release()}; Python {platform.python_version()}"
    )


def load_average() -> str:
    """The machine's load average (1, 5, 15 min): how shared the run was."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


@contextmanager
def database(kind: str) -> Iterator[tuple[str, Path]]:
    """(DATABASE_URL, work folder) of a fresh database: a SQLite file, or a durable
    PostgreSQL cluster (fsync on, as in production) started for the run. Both are
    removed at the end."""
    folder = Path(tempfile.mkdtemp(prefix=f"deskpemilu-bench-{kind}-"))
    try:
        if kind == "sqlite":
            yield f"sqlite:///{folder / 'deskpemilu.sqlite3'}", folder
            return
        with pgcluster.running_cluster(durable=True) as cluster:
            yield cluster.url, folder
    finally:  # the database, static files and server log of the run
        shutil.rmtree(folder, ignore_errors=True)


def desk_env(folder: Path, database_url: str, extra: Mapping[str, str]) -> dict:
    return liveserver.desk_env(folder, database_url) | dict(extra)


def cli(env: Mapping[str, str], *args: str) -> str:
    done = subprocess.run(
        [*liveserver.CLI, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"deskpemilu {' '.join(args)} failed:\n{done.stderr}")
    return done.stdout


def api_token(env: Mapping[str, str]) -> str:
    out = cli(env, "create_api_client", f"bench-{secrets.token_hex(3)}")
    return out.strip().rsplit(": ", 1)[1]


def load(cfg: dict) -> dict:
    """Run the load generator in a separate process; its JSON result."""
    done = subprocess.run(
        [sys.executable, "-m", "deskpemilu.bench.loadgen", json.dumps(cfg)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


serving = liveserver.serving
prepare = liveserver.prepare
