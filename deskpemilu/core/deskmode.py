"""What the desk is showing: real work, demo data, or a drill; and the moment it is
seen "as of".

- **Demo data** (`deskpemilu demo`): a marker file `demo.json` in VAR_DIR, written
  when the demo has played and removed by `deskpemilu demo --clear`. Every page shows
  a banner while it is there. It carries the demo's clock: the simulated moment the
  desk is seen at unless a person chose another.
- **A drill** (`deskpemilu drill start NAME`): a marker file `drill` in VAR_DIR, read
  by settings.py when the process starts, points the desk at a database of its own
  (`drill_database_url`); `DESKPEMILU_DRILL` names it explicitly. Every page shows
  a LATIHAN banner.
- **As of** (`as_of(request)`): the moment a person chose in the header, kept in
  their session; else the demo's clock; else the real now. Page views pass it to
  the selectors; no middleware reads it (the hot paths never ask).

The file helpers take VAR_DIR so settings.py can use them before Django is set up.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from django.http import HttpRequest
from django.utils import timezone

DEMO_FILE = "demo.json"
DRILL_FILE = "drill"
SESSION_KEY = "desk_as_of"
DRILL_NAME = re.compile(r"^[a-z0-9_]{1,40}$")
POSTGRES_SCHEMES = frozenset({"postgres", "postgresql", "pgsql"})


# Demo -------------------------------------------------------------------------------


def _var_dir() -> Path:
    from django.conf import settings

    return Path(settings.VAR_DIR)


def demo_info(var_dir: Path | None = None) -> dict[str, Any] | None:
    """The demo's marker (seed, window, clock, what it added), or None."""
    path = (var_dir or _var_dir()) / DEMO_FILE
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (FileNotFoundError, ValueError):
        return None


def demo_mark(info: dict[str, Any], var_dir: Path | None = None) -> None:
    path = (var_dir or _var_dir()) / DEMO_FILE
    path.write_text(json.dumps(info, ensure_ascii=False, indent=1), encoding="utf-8")


def demo_unmark(var_dir: Path | None = None) -> None:
    ((var_dir or _var_dir()) / DEMO_FILE).unlink(missing_ok=True)


def demo_clock(var_dir: Path | None = None) -> dt.datetime | None:
    info = demo_info(var_dir)
    if not info or not info.get("clock"):
        return None
    return dt.datetime.fromisoformat(str(info["clock"]))


# Drill ------------------------------------------------------------------------------


def valid_drill_name(name: str) -> bool:
    return bool(DRILL_NAME.match(name))


def drill_marked(var_dir: Path) -> str:
    """The drill named by the marker file in VAR_DIR ('' when none)."""
    try:
        name = (var_dir / DRILL_FILE).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return ""
    return name if valid_drill_name(name) else ""


def drill_database_url(url: str, name: str, var_dir: Path) -> str:
    """The drill's own database beside the real one: a SQLite file
    `latihan_NAME.sqlite3` in VAR_DIR, or the PostgreSQL database
    `deskpemilu_latihan_NAME` on the same server."""
    parts = urlsplit(url)
    if parts.scheme in POSTGRES_SCHEMES:
        return urlunsplit(parts._replace(path=f"/deskpemilu_latihan_{name}"))
    return f"sqlite:///{var_dir / f'latihan_{name}.sqlite3'}"


def drill_name() -> str:
    """The drill this process serves ('' for the real desk); fixed at start."""
    from django.conf import settings

    return str(getattr(settings, "DESKPEMILU_DRILL", ""))


def drill_clock_file(name: str, var_dir: Path | None = None) -> Path:
    return (var_dir or _var_dir()) / f"latihan_{name}.json"


def drill_clock_set(
    name: str, sim_start: dt.datetime, speed: float, var_dir: Path | None = None
) -> None:
    """While the simulator plays a day into a drill, the drill's clock runs with it:
    simulated start plus the real time since, times the speed."""
    info = {
        "sim_start": sim_start.isoformat(),
        "real_start": timezone.now().isoformat(),
        "speed": speed,
    }
    drill_clock_file(name, var_dir).write_text(json.dumps(info), encoding="utf-8")


def drill_clock() -> dt.datetime | None:
    name = drill_name()
    if not name:
        return None
    try:
        info = json.loads(drill_clock_file(name).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    real_start = dt.datetime.fromisoformat(info["real_start"])
    elapsed = (timezone.now() - real_start) * float(info["speed"] or 1.0)
    return dt.datetime.fromisoformat(info["sim_start"]) + elapsed


def desk_clock() -> dt.datetime | None:
    """The desk's own clock when it is not the real one: a drill's running clock,
    else the demo's fixed one; None for the real now."""
    return drill_clock() or demo_clock()


# As of ------------------------------------------------------------------------------


def chosen_now(request: HttpRequest) -> dt.datetime | None:
    """The moment chosen in the header for this session, if any."""
    session = getattr(request, "session", None)
    raw = session.get(SESSION_KEY) if session is not None else None
    if not raw:
        return None
    try:
        moment = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return moment if moment.tzinfo else None


def as_of(request: HttpRequest) -> dt.datetime:
    """The desk-wide "now" of this request: chosen, else the desk's clock (a
    drill's or the demo's), else the real now."""
    return chosen_now(request) or desk_clock() or timezone.now()


def choose_now(request: HttpRequest, moment: dt.datetime | None) -> None:
    """Keep `moment` as this session's now; None goes back to the default."""
    if moment is None:
        request.session.pop(SESSION_KEY, None)
    else:
        request.session[SESSION_KEY] = moment.isoformat()
