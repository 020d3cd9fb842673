"""Start the real desk as a subprocess, for tests that drive a browser against it.

Usage::

    with live_desk(tmp_path, members=[Member("koordinator", ...)]) as desk:
        page.goto(desk.url + "/masuk/")

The desk gets a database of its own: a SQLite file in the given folder, or, when
the current ``DATABASE_URL`` points to PostgreSQL, a new database on that same
server (dropped afterwards). The console command prepares it the way an
installation does (migrate, load_banten, collectstatic, add_member) with the
production settings, then ``deskpemilu serve`` runs granian on a free port of
127.0.0.1 until the ``with`` block ends.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

HOST = "127.0.0.1"
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "pgsql"})
CLI = (sys.executable, "-m", "deskpemilu.cli")
LOAD_BANTEN = (("load_banten",),)


class LiveDeskError(RuntimeError):
    """The desk could not be prepared or did not come up."""


@dataclass(frozen=True)
class Member:
    """A user to add before the desk starts (see ``deskpemilu add_member``)."""

    username: str
    agency: str
    role: str
    region: str
    password: str


@dataclass(frozen=True)
class LiveDesk:
    """A running desk: its address, its database and its log file, and its
    environment (to run console commands against the same database)."""

    url: str
    database_url: str
    log_path: Path
    env: Mapping[str, str] = field(default_factory=dict, compare=False)
    server: DeskServer | None = field(default=None, compare=False)


@contextmanager
def live_desk(
    folder: Path,
    members: Sequence[Member] = (),
    extra_env: Mapping[str, str] | None = None,
    *,
    database_url: str | None = None,
    threads: int = 2,
    load: Sequence[Sequence[str]] = LOAD_BANTEN,
) -> Iterator[LiveDesk]:
    """Prepare an isolated desk in ``folder``, serve it, stop it on exit;
    ``extra_env`` adds settings (e.g. DESKPEMILU_SMS_GATEWAY_KEY). With
    ``database_url`` the desk uses that (empty) database instead of one of its own;
    ``load`` are the console commands that fill it (all of Banten by default).
    ``LiveDesk.server`` lets a test kill the app server and start it again."""
    folder = Path(folder)
    prepared = database_url is None and tuple(map(tuple, load)) == LOAD_BANTEN
    database = _from_template(folder) if prepared else _database(folder, database_url)
    with database as url:
        env = desk_env(folder, url) | dict(extra_env or {})
        if prepared:  # the database and static files copied from the run's template
            env["DESKPEMILU_STATIC_ROOT"] = str(_template().static)
            prepare(env, members, load=(), static=False, migrate=False)
        else:
            prepare(env, members, load)
        server = DeskServer(env, folder / "server.log", threads=threads)
        server.start()
        try:
            yield LiveDesk(server.url, url, folder / "server.log", env, server)
        finally:
            server.stop()


def desk_env(folder: Path, database_url: str) -> dict[str, str]:
    """The environment of the current process minus any desk or test settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DESKPEMILU_") and key != "DJANGO_SETTINGS_MODULE"
    }
    env |= {
        "DJANGO_SETTINGS_MODULE": "deskpemilu.settings",
        "DESKPEMILU_VAR_DIR": str(folder),
        "DATABASE_URL": database_url,
        "PYTHONUNBUFFERED": "1",
    }
    return env


def prepare(
    env: Mapping[str, str],
    members: Sequence[Member] = (),
    load: Sequence[Sequence[str]] = LOAD_BANTEN,
    *,
    static: bool = True,
    migrate: bool = True,
) -> None:
    """Fill the database and the static folder as an installation would (a copy of
    a prepared database needs neither migrating nor its static files again)."""
    collect = [*CLI, "collectstatic", "--noinput", "-v0"] if static else ["true"]
    static_run = subprocess.Popen(
        collect, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        if migrate:
            if _has_command(env, "compile_translations"):
                _cli(env, "compile_translations")
            _cli(env, "migrate", "--noinput", "-v0")
        for command in load:
            _cli(env, *command)
        for member in members:
            _add_member(env, member)
    finally:
        output, _ = static_run.communicate()
    if static_run.returncode != 0:
        raise LiveDeskError(f"collectstatic failed:\n{output}")


def _add_member(env: Mapping[str, str], member: Member) -> None:
    options = {
        "--agency": member.agency,
        "--role": member.role,
        "--region": member.region,
        "--password": member.password,
    }
    _cli(env, "add_member", member.username, *chain.from_iterable(options.items()))


def _cli(env: Mapping[str, str], *args: str) -> str:
    """Run one console command; its output, or LiveDeskError with that output."""
    done = subprocess.run(
        [*CLI, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise LiveDeskError(
            f"`deskpemilu {' '.join(args[:2])}` failed ({done.returncode}):\n"
            f"{done.stdout}{done.stderr}"
        )
    return done.stdout


def _has_command(env: Mapping[str, str], name: str) -> bool:
    return name in _cli(env, "help", "--commands").split()


# --- the database ------------------------------------------------------------


@contextmanager
def _database(folder: Path, given: str | None = None) -> Iterator[str]:
    """The given database, else a SQLite file in ``folder``, or a fresh database on
    the PostgreSQL server of the run."""
    if given:
        yield given
        return
    current = os.environ.get("DATABASE_URL", "")
    if urlsplit(current).scheme not in POSTGRES_SCHEMES:
        yield f"sqlite:///{folder / 'deskpemilu.sqlite3'}"
        return
    name = f"browser_{secrets.token_hex(4)}"
    _postgres_admin(current, f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(urlsplit(current)._replace(path=f"/{name}"))
    finally:
        _postgres_admin(current, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass(frozen=True)
class _Template:
    """A database with Banten loaded and a static folder, prepared once per test
    run (about half a minute) and copied for each live desk instead of loading
    Banten again: a SQLite file, or a PostgreSQL database used as a template."""

    folder: Path
    database_url: str
    static: Path


_TEMPLATES: dict[str, _Template] = {}


def _template() -> _Template:
    current = os.environ.get("DATABASE_URL", "")
    postgres = urlsplit(current).scheme in POSTGRES_SCHEMES
    key = current if postgres else "sqlite"
    if key not in _TEMPLATES:
        import atexit
        import shutil
        import tempfile

        folder = Path(tempfile.mkdtemp(prefix="deskpemilu-template-"))
        if postgres:
            name = f"template_{secrets.token_hex(4)}"
            _postgres_admin(current, f'CREATE DATABASE "{name}"')
            url = urlunsplit(urlsplit(current)._replace(path=f"/{name}"))
            atexit.register(
                _postgres_admin,
                current,
                f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
            )
        else:
            url = f"sqlite:///{folder / 'deskpemilu.sqlite3'}"
        atexit.register(shutil.rmtree, folder, True)
        prepare(desk_env(folder, url), (), LOAD_BANTEN)
        _TEMPLATES[key] = _Template(folder, url, folder / "static")
    return _TEMPLATES[key]


@contextmanager
def _from_template(folder: Path) -> Iterator[str]:
    """A database of the desk's own, a copy of the run's template."""
    import shutil

    template = _template()
    current = os.environ.get("DATABASE_URL", "")
    if urlsplit(current).scheme not in POSTGRES_SCHEMES:
        target = folder / "deskpemilu.sqlite3"
        shutil.copyfile(urlsplit(template.database_url).path, target)
        yield f"sqlite:///{target}"
        return
    name = f"browser_{secrets.token_hex(4)}"
    source = urlsplit(template.database_url).path.lstrip("/")
    _postgres_admin(current, f'CREATE DATABASE "{name}" TEMPLATE "{source}"')
    try:
        yield urlunsplit(urlsplit(current)._replace(path=f"/{name}"))
    finally:
        _postgres_admin(current, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _postgres_admin(url: str, statement: str) -> None:
    """Run one statement outside a transaction on the database ``url`` names."""
    import psycopg  # only needed with PostgreSQL

    conninfo = urlunsplit(urlsplit(url)._replace(scheme="postgresql"))
    with psycopg.connect(conninfo, autocommit=True) as connection:
        connection.execute(statement)


# --- the server --------------------------------------------------------------


class DeskServer:
    """``deskpemilu serve`` (granian) on a port chosen once, so that a fault test can
    kill it (``kill -9`` of its whole process group, workers included) and start it
    again at the same address, as a supervisor would."""

    def __init__(
        self,
        env: Mapping[str, str],
        log_path: Path,
        *,
        workers: int = 1,
        threads: int = 2,
    ) -> None:
        self.env = dict(env)
        self.log_path = log_path
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.argv = [*CLI, "serve", "--host", HOST, "--port", str(self.port)]
        self.argv += ["--workers", str(workers), "--threads", str(threads)]
        self.process: subprocess.Popen | None = None
        self.log_path.write_text("")

    def start(self) -> None:
        """Start the server; return once /healthz answers "ok"."""
        with self.log_path.open("a") as log:
            self.process = subprocess.Popen(
                self.argv,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # granian's workers share the group
            )
        _wait_healthy(self.process, self.url, self.log_path)

    def kill(self) -> None:
        """SIGKILL to every process of the server, at once, without warning."""
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self) -> None:
        if self.process is not None:
            _stop(self.process)


@contextmanager
def serving(
    env: Mapping[str, str], log_path: Path, *, workers: int = 1, threads: int = 2
) -> Iterator[str]:
    """Run ``deskpemilu serve`` until the block ends; yields the base URL."""
    server = DeskServer(env, log_path, workers=workers, threads=threads)
    server.start()
    try:
        yield server.url
    finally:
        server.stop()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_healthy(process: subprocess.Popen, url: str, log_path: Path) -> None:
    """Poll /healthz until it answers "ok"; fail with the server log otherwise."""
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _fail(f"the desk exited with {process.returncode}", log_path)
        if _healthy(url):
            return
        time.sleep(0.2)
    _stop(process)
    _fail(f"no healthy answer from {url}/healthz in {START_TIMEOUT:.0f} s", log_path)


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return json.load(response).get("status") == "ok"
    except (OSError, ValueError, urllib.error.URLError):
        return False


def _fail(reason: str, log_path: Path) -> None:
    log = log_path.read_text(errors="replace") if log_path.exists() else ""
    print(f"--- desk server log ({log_path}) ---\n{log}", file=sys.stderr)
    raise LiveDeskError(f"{reason}; server log:\n{log}")


def _stop(process: subprocess.Popen) -> None:
    """Ask the server to stop; kill its process group if it has not within
    STOP_TIMEOUT (the group is the one started for it, so only its workers)."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()
