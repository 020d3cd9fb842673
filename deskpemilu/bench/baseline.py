"""The database's own price for a message, measured in the same run as the desk.

Two baselines for `bench ingest`, both writing to ``bench_onerow``, a copy of the
message log (``intake_inboundmessage``: same columns, same indexes) made for the run:

- the one-row app: a WSGI app of a few lines, without Django, served by granian
  with the desk's workers and threads, that stores one row per request with one
  durable commit (``GET /onerow?id=...``). It is a separate program, not a URL of
  the desk: nothing of it can be switched on in production. What the desk spends
  per message above it is the desk's own work (the rules, the look-ups, Django).
- the bulk ceiling: N rows in one transaction by ``executemany`` and (PostgreSQL)
  by ``COPY``, from the bench process: what the database takes for rows alone.

The app reads ``DATABASE_URL`` at start; its statement names the table's columns
that have no default, read from the database (the log's shape can change).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from deskpemilu.devtools import liveserver

SOURCE = "intake_inboundmessage"
TABLE = "bench_onerow"
# Values for the columns a row must name, by the database's type name.
_FILL = {"json": "{}", "jsonb": "{}", "text": "", "character varying": ""}
# SQLite keeps JSON as text with a CHECK (JSON_VALID(...)): those go by name.
_JSON = {"attachments": "[]", "meta": "{}", "parsed": "{}"}


def is_sqlite(url: str) -> bool:
    return url.startswith("sqlite:///")


def connect(url: str, *, autocommit: bool = True):
    if is_sqlite(url):
        conn = sqlite3.connect(
            url.removeprefix("sqlite:///"),
            isolation_level=None if autocommit else "IMMEDIATE",
            check_same_thread=False,
        )
        # The desk's own pragmas (settings.py): WAL, synchronous NORMAL.
        conn.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=10000;"
        )
        return conn
    import psycopg

    pg_url = url.replace("postgres://", "postgresql://", 1)
    return psycopg.connect(pg_url, autocommit=autocommit)


def create_table(url: str) -> None:
    """``bench_onerow``: the message log's columns and indexes, empty."""
    conn = connect(url)
    try:
        if not is_sqlite(url):
            conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
            conn.execute(f"CREATE TABLE {TABLE} (LIKE {SOURCE} INCLUDING ALL)")
            return
        conn.execute(f"DROP TABLE IF EXISTS {TABLE}")
        rows = conn.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE tbl_name = ? "
            "AND sql IS NOT NULL ORDER BY type DESC",  # the table before its indexes
            (SOURCE,),
        ).fetchall()
        for kind, name, sql in rows:
            sql = sql.replace(f'"{SOURCE}"', f'"{TABLE}"', 1)
            if kind == "index":
                sql = sql.replace(f'"{name}"', f'"{TABLE}_{name}"', 1)
                sql = sql.replace(f'ON "{SOURCE}"', f'ON "{TABLE}"')
            conn.execute(sql)
    finally:
        conn.close()


def required_columns(conn, url: str) -> list[tuple[str, str]]:
    """(column, type) of every column a row must name: NOT NULL, no default."""
    if is_sqlite(url):
        info = conn.execute(f'PRAGMA table_info("{TABLE}")').fetchall()
        # cid, name, type, notnull, default, pk
        return [
            (c[1], c[2].lower()) for c in info if c[3] and c[4] is None and not c[5]
        ]
    rows = conn.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_name = %s AND is_nullable = 'NO' AND column_default IS NULL "
        "AND is_identity = 'NO' ORDER BY ordinal_position",
        (TABLE,),
    ).fetchall()
    return [(name, kind.lower()) for name, kind in rows]


def row_shape(conn, url: str) -> tuple[str, list[str], list[str]]:
    """(INSERT statement, its columns, each column's filler: 'id', 'now', 'body' or
    a constant)."""
    columns, fills = [], []
    for name, kind in required_columns(conn, url):
        columns.append(name)
        if name == "provider_id":
            fills.append("id")
        elif name == "body":
            fills.append("body")
        elif name == "channel":
            fills.append("sms_gateway")
        elif "time" in kind or kind == "datetime":
            fills.append("now")
        elif name in _JSON:
            fills.append(_JSON[name])
        else:
            fills.append(_FILL.get(kind, "0" if "int" in kind else ""))
    mark = "?" if is_sqlite(url) else "%s"
    sql = (
        f"INSERT INTO {TABLE} ({', '.join(columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    return sql, columns, fills


def row(fills: list[str], provider_id: str, body: str) -> tuple:
    now = dt.datetime.now(dt.UTC)
    values = {"id": provider_id, "body": body, "now": now}
    return tuple(values.get(fill, fill) for fill in fills)


# The one-row app (granian imports this module in each worker).

_local = threading.local()


def _connection() -> tuple:
    state = getattr(_local, "state", None)
    if state is None:
        url = os.environ["DATABASE_URL"]
        conn = connect(url)
        sql, _, fills = row_shape(conn, url)
        state = _local.state = (conn, sql, fills)
    return state


def app(environ, start_response):
    """GET /onerow?id=X&text=Y stores one row (one durable commit); anything else
    answers like the desk's health check."""
    if environ.get("PATH_INFO") == "/onerow":
        query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
        conn, sql, fills = _connection()
        body = query.get("text", [""])[0]
        conn.execute(sql, row(fills, query.get("id", [""])[0], body))
    answer = b'{"status":"ok"}'  # the same as the desk's /healthz
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(answer)))],
    )
    return [answer]


@contextmanager
def serving(url: str, log_path: Path, *, workers: int, threads: int) -> Iterator[str]:
    """The one-row app under granian, the desk's workers and threads; its URL."""
    granian = str(Path(sys.executable).with_name("granian"))
    port = liveserver.free_port()
    env = {**os.environ, "DATABASE_URL": url}
    argv = [
        granian,
        "--interface",
        "wsgi",
        "--host",
        liveserver.HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        str(threads),
        "--no-access-log",
        "deskpemilu.bench.baseline:app",
    ]
    base = f"http://{liveserver.HOST}:{port}"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        liveserver._wait_healthy(process, base, log_path)
        yield base
    finally:
        liveserver._stop(process)


def stored(url: str) -> int:
    conn = connect(url)
    try:
        return conn.execute(f"SELECT COUNT(*) FROM {TABLE}").fetchone()[0]
    finally:
        conn.close()


def bulk_ceiling(url: str, rows: int, bodies: list[str]) -> dict:
    """Rows/s of `rows` message-shaped rows in one transaction: executemany, and
    COPY on PostgreSQL. The table is emptied before each."""
    conn = connect(url, autocommit=False)
    out: dict[str, float] = {}
    try:
        sql, columns, fills = row_shape(conn, url)
        data = [row(fills, f"bulk-{i}", bodies[i % len(bodies)]) for i in range(rows)]
        ways = ["executemany"] + ([] if is_sqlite(url) else ["copy"])
        for way in ways:
            conn.execute(f"DELETE FROM {TABLE}")
            conn.commit()
            start = time.perf_counter()
            if way == "executemany":
                conn.cursor().executemany(sql, data)
            else:
                cur = conn.cursor()
                with cur.copy(f"COPY {TABLE} ({', '.join(columns)}) FROM STDIN") as cp:
                    for values in data:
                        cp.write_row(values)
            conn.commit()
            seconds = time.perf_counter() - start
            out[way] = round(rows / seconds)
        conn.execute(f"DELETE FROM {TABLE}")
        conn.commit()
    finally:
        conn.close()
    return out


if __name__ == "__main__":  # python -m deskpemilu.bench.baseline URL ROWS
    database_url, count = sys.argv[1], int(sys.argv[2])
    print(json.dumps(bulk_ceiling(database_url, count, ["BUKA 3601012001001 0700"])))
