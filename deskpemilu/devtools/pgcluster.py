"""Run a command against a throw-away PostgreSQL cluster.

Usage::

    python -m deskpemilu.devtools.pgcluster -- .venv/bin/pytest

The module looks for the PostgreSQL server binaries (``PG_BINDIR``, else the
highest version under ``/usr/lib/postgresql/*/bin``, else ``PATH``), creates a
cluster in a temporary folder, starts it on a free port of 127.0.0.1 with
durability switched off (the data is thrown away), creates the ``deskpemilu``
database and runs the command with ``DATABASE_URL`` pointing at it. The cluster
is stopped and the folder removed afterwards, whatever happens; the exit code is
the command's.

Without PostgreSQL the run is skipped (exit 0), unless ``CI=true`` (exit 1).
PostgreSQL refuses to run as root, so as root the server tools run as the
``postgres`` system user through ``runuser``.
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import FrameType

DB_USER = "deskpemilu"
DB_NAME = "deskpemilu"
HOST = "127.0.0.1"
SYSTEM_USER = "postgres"
DEBIAN_GLOB = "/usr/lib/postgresql/*/bin"
REQUIRED_TOOLS = ("initdb", "pg_ctl", "createdb")
LOG_TAIL_LINES = 40
NOT_INSTALLED = (
    "PostgreSQL tidak terpasang; pengujian PostgreSQL dilewati / "
    "PostgreSQL is not installed; skipping the PostgreSQL run"
)


class ClusterError(Exception):
    """The throw-away cluster could not be set up."""


@dataclass(frozen=True)
class Cluster:
    """Where a throw-away cluster lives and how its tools are run."""

    bindir: Path
    root: Path
    port: int
    as_root: bool
    durable: bool = False  # fsync on, as in production (benchmarks)
    crash_safe: bool = False  # commits survive the server's crash (fault tests)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def sockets(self) -> Path:
        return self.root / "sockets"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        return database_url(self.port)

    def tool(self, name: str, *args: str) -> list[str]:
        """The argv that runs a server tool, as ``postgres`` when we are root."""
        argv = [str(self.bindir / name), *args]
        return ["runuser", "-u", SYSTEM_USER, "--", *argv] if self.as_root else argv


# --- pure helpers -----------------------------------------------------------


def ci_enabled(env: Mapping[str, str]) -> bool:
    """Whether the environment says we run in CI (``CI=true``, any case)."""
    return env.get("CI", "").strip().lower() == "true"


def version_key(name: str) -> tuple[int, ...] | None:
    """``"15"`` -> ``(15,)``, ``"9.6"`` -> ``(9, 6)``; None if not a version."""
    if not re.fullmatch(r"\d+(\.\d+)*", name):
        return None
    return tuple(int(part) for part in name.split("."))


def highest_version_bindir(paths: Iterable[Path]) -> Path | None:
    """The ``.../<version>/bin`` path with the highest version, if any."""
    versioned = [(version_key(p.parent.name), p) for p in paths]
    candidates = [(key, p) for key, p in versioned if key is not None]
    return max(candidates)[1] if candidates else None


def command_after_separator(argv: Sequence[str]) -> list[str]:
    """The command to run: the arguments after ``--`` (or all, without it)."""
    args = list(argv)
    return args[1:] if args[:1] == ["--"] else args


def database_url(port: int) -> str:
    return f"postgres://{DB_USER}@{HOST}:{port}/{DB_NAME}"


def server_settings(
    port: int, socket_dir: Path, *, durable: bool = False, crash_safe: bool = False
) -> dict[str, str]:
    """Settings of the throw-away server: local only; fast and not durable for
    tests, PostgreSQL's durable defaults for benchmarks. ``crash_safe`` keeps
    synchronous commits (a commit is in the kernel's hands before the client hears
    of it, so killing the server loses none) without fsync (the machine itself is not
    expected to crash): for fault tests that kill the server."""
    settings = {
        "listen_addresses": HOST,
        "port": str(port),
        "unix_socket_directories": str(socket_dir),
    }
    if durable:
        return settings | {"max_connections": "200", "shared_buffers": "512MB"}
    return settings | {
        "fsync": "off",
        "synchronous_commit": "on" if crash_safe else "off",
        "full_page_writes": "off",
    }


def settings_options(settings: Mapping[str, str]) -> str:
    """Render settings as a ``pg_ctl -o`` string (pg_ctl passes it to a shell)."""
    return " ".join(f"-c {key}={shlex.quote(v)}" for key, v in settings.items())


def exit_code(returncode: int) -> int:
    """A shell-style exit code: a death by signal N becomes 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


def tail(text: str, lines: int = LOG_TAIL_LINES) -> str:
    return "\n".join(text.splitlines()[-lines:])


def parse_version(pg_ctl_output: str) -> str:
    """``"pg_ctl (PostgreSQL) 15.14 (Debian ...)"`` -> ``"PostgreSQL 15.14"``."""
    match = re.search(r"\(PostgreSQL\) (\S+)", pg_ctl_output)
    return f"PostgreSQL {match[1]}" if match else "PostgreSQL (unknown version)"


# --- finding PostgreSQL -----------------------------------------------------


def has_server_tools(bindir: Path) -> bool:
    return all(os.access(bindir / tool, os.X_OK) for tool in REQUIRED_TOOLS)


def find_bindir(env: Mapping[str, str]) -> Path | None:
    """PG_BINDIR, else the highest Debian-style version, else PATH."""
    if env.get("PG_BINDIR"):
        bindir = Path(env["PG_BINDIR"])
        if not has_server_tools(bindir):
            raise ClusterError(
                f"PG_BINDIR={bindir} lacks one of {', '.join(REQUIRED_TOOLS)}"
            )
        return bindir
    installed = [Path(p) for p in glob.glob(DEBIAN_GLOB) if has_server_tools(Path(p))]
    if found := highest_version_bindir(installed):
        return found
    initdb = shutil.which("initdb", path=env.get("PATH"))
    if initdb and has_server_tools(Path(initdb).parent):
        return Path(initdb).parent
    return None


def server_version(bindir: Path) -> str:
    """The version of the server tools, e.g. ``"PostgreSQL 15.14"``."""
    result = subprocess.run(
        [str(bindir / "pg_ctl"), "--version"], capture_output=True, text=True
    )
    return parse_version(result.stdout)


# --- the cluster's life -----------------------------------------------------


def free_port() -> int:
    """A TCP port of 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def run_tool(cluster: Cluster, name: str, *args: str) -> None:
    """Run a server tool quietly; on failure raise with its output."""
    result = subprocess.run(
        cluster.tool(name, *args),
        cwd=cluster.root,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    if result.returncode != 0:
        output = tail(result.stdout + result.stderr)
        raise ClusterError(f"{name} failed ({result.returncode}):\n{output}")


def give_to_postgres(root: Path) -> None:
    """Hand the temporary folder over to the ``postgres`` system user."""
    try:
        user = pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        message = f"running as root, but there is no {SYSTEM_USER!r} user"
        raise ClusterError(message) from None
    for path in [root, *root.rglob("*")]:
        os.chown(path, user.pw_uid, user.pw_gid)


def prepare(cluster: Cluster) -> None:
    cluster.sockets.mkdir()
    if cluster.as_root:
        give_to_postgres(cluster.root)


def start(cluster: Cluster) -> None:
    """initdb, then start the server and wait until it accepts connections."""
    run_tool(
        cluster,
        "initdb",
        *("-D", str(cluster.data), "-U", DB_USER, "--auth=trust"),
        *("--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"),
    )
    start_server(cluster)
    run_tool(
        cluster,
        "createdb",
        *("-h", HOST, "-p", str(cluster.port), "-U", DB_USER, DB_NAME),
    )


def start_server(cluster: Cluster) -> None:
    """Start the server of an initialised cluster; wait until it accepts connections."""
    settings = server_settings(
        cluster.port,
        cluster.sockets,
        durable=cluster.durable,
        crash_safe=cluster.crash_safe,
    )
    run_tool(
        cluster,
        "pg_ctl",
        *("start", "-w", "-D", str(cluster.data), "-l", str(cluster.log)),
        *("-o", settings_options(settings)),
    )


def stop_server(cluster: Cluster, mode: str = "fast") -> None:
    """Stop the server and wait until it is gone. ``fast`` ends the sessions with a
    goodbye to each client; ``immediate`` is a crash (no goodbye, recovery at the
    next start). For fault tests; raises ClusterError when pg_ctl fails."""
    run_tool(cluster, "pg_ctl", "stop", "-w", "-m", mode, "-D", str(cluster.data))


def stop(cluster: Cluster) -> None:
    """Stop the server if pg_ctl (maybe) started it; never raise."""
    if not (cluster.log.exists() and (cluster.data / "postmaster.pid").exists()):
        return
    try:
        run_tool(cluster, "pg_ctl", "stop", "-w", "-m", "fast", "-D", str(cluster.data))
    except ClusterError as exc:
        print(f"pgcluster: {exc}", file=sys.stderr)


def server_log(cluster: Cluster) -> str:
    try:
        return tail(cluster.log.read_text(errors="replace"))
    except OSError:
        return "(no server log)"


def ignore_signal(signum: int, frame: FrameType | None) -> None:
    """A no-op handler (unlike SIG_IGN, it is not inherited by a child)."""


def run_command(command: Sequence[str], url: str) -> int:
    """Run the command; like a shell, leave Ctrl+C to the command itself."""
    env = {**os.environ, "DATABASE_URL": url}
    previous = signal.signal(signal.SIGINT, ignore_signal)
    try:
        return exit_code(subprocess.run(command, env=env).returncode)
    except FileNotFoundError:
        print(f"pgcluster: command not found: {command[0]}", file=sys.stderr)
        return 127
    finally:
        signal.signal(signal.SIGINT, previous)


def clean_up(cluster: Cluster) -> None:
    """Stop the server and remove the folder; a second Ctrl+C cannot stop this."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        stop(cluster)
        shutil.rmtree(cluster.root, ignore_errors=True)
    finally:
        signal.signal(signal.SIGINT, previous)


def with_cluster(bindir: Path, command: Sequence[str]) -> int:
    """Start a cluster, run the command against it, always clean up."""
    root = Path(tempfile.mkdtemp(prefix="deskpemilu-pg-"))
    cluster = Cluster(bindir, root, free_port(), as_root=os.geteuid() == 0)
    try:
        try:
            prepare(cluster)
            start(cluster)
        except ClusterError as exc:
            print(f"pgcluster: {exc}", file=sys.stderr)
            print(f"pgcluster: server log:\n{server_log(cluster)}", file=sys.stderr)
            return 1
        print(
            f"pgcluster: {server_version(bindir)} on {HOST}:{cluster.port} "
            f"(throw-away cluster in {root})",
            flush=True,
        )
        return run_command(command, cluster.url)
    finally:
        clean_up(cluster)


@contextmanager
def running_cluster(
    *, durable: bool = False, crash_safe: bool = False
) -> Iterator[Cluster]:
    """A started throw-away cluster for the block (benchmarks, fault tests)."""
    bindir = find_bindir(os.environ)
    if bindir is None:
        raise ClusterError("PostgreSQL is not installed (no initdb/pg_ctl found)")
    root = Path(tempfile.mkdtemp(prefix="deskpemilu-pg-"))
    cluster = Cluster(
        bindir,
        root,
        free_port(),
        as_root=os.geteuid() == 0,
        durable=durable,
        crash_safe=crash_safe,
    )
    try:
        prepare(cluster)
        start(cluster)
        yield cluster
    finally:
        clean_up(cluster)


def raise_on_sigterm(signum: int, frame: FrameType | None) -> None:
    """Turn SIGTERM into SystemExit so the ``finally`` clean-up runs."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    command = command_after_separator(sys.argv[1:] if argv is None else argv)
    if not command:
        print(
            "usage: python -m deskpemilu.devtools.pgcluster -- COMMAND [ARG ...]",
            file=sys.stderr,
        )
        return 2
    try:
        bindir = find_bindir(os.environ)
    except ClusterError as exc:
        print(f"pgcluster: {exc}", file=sys.stderr)
        return 1
    if bindir is None:
        if ci_enabled(os.environ):
            print(f"pgcluster: error (CI=true): {NOT_INSTALLED}", file=sys.stderr)
            return 1
        print(f"pgcluster: {NOT_INSTALLED}")
        return 0
    signal.signal(signal.SIGTERM, raise_on_sigterm)
    try:
        return with_cluster(bindir, command)
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
