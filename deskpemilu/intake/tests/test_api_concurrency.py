"""Retries that arrive at the same time, against the real server (granian, four
threads) and a database of its own: a SQLite file, or a new database on the
PostgreSQL server of the run. Only the schema is needed (no Banten data), so the
desk starts in seconds."""

from __future__ import annotations

import json
import secrets
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest

from deskpemilu.devtools import liveserver
from deskpemilu.intake.auth import token_hash

CLIENTS = 8


@dataclass(frozen=True)
class Desk:
    url: str
    database_url: str
    token: str


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Desk]:
    folder = tmp_path_factory.mktemp("intake-live")
    with liveserver._database(folder) as database_url:
        env = liveserver.desk_env(folder, database_url)
        subprocess.run(
            [*liveserver.CLI, "migrate", "--noinput", "-v0"], env=env, check=True
        )
        # The client as `deskpemilu create_api_client` makes it, without starting
        # Django once more for it.
        token = "dp_uji-" + secrets.token_urlsafe(16)
        sql(
            database_url,
            "INSERT INTO intake_apiclient (name, token_hash, token_prefix, "
            "is_active, created_at) VALUES ({}, {}, {}, {}, {})",
            ["Gateway uji", token_hash(token), token[:10], True, "2024-02-14"],
        )
        with liveserver.serving(env, folder / "server.log", threads=4) as url:
            yield Desk(url, database_url, token)


def sql(database_url: str, statement: str, params: Any = ()) -> Any:
    """One statement on the desk's own database (`{}` marks a parameter); its
    first row."""
    parts = urlsplit(database_url)
    if parts.scheme == "sqlite":
        with closing(sqlite3.connect(parts.path)) as db, db:
            return db.execute(statement.format(*"?" * len(params)), params).fetchone()
    import psycopg

    conninfo = urlunsplit(parts._replace(scheme="postgresql"))
    with psycopg.connect(conninfo) as pg:
        cursor = pg.execute(statement.format(*["%s"] * len(params)), params)
        return cursor.fetchone() if cursor.description else None


def count(desk: Desk, table: str) -> int:
    return sql(desk.database_url, f"SELECT COUNT(*) FROM {table}")[0]


def post(desk: Desk, path: str, body: dict, key: str) -> tuple[int, dict]:
    """POST as a gateway does: a 409 (the first is still running) is sent again
    after its Retry-After, a few times."""
    request = urllib.request.Request(
        f"{desk.url}/api/v1/intake/{path}",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {desk.token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
    )
    for _ in range(10):
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.load(response)
        except urllib.error.HTTPError as error:
            if error.code != 409:
                return error.code, json.load(error)
            time.sleep(int(error.headers["Retry-After"]))
    raise AssertionError("still in progress after ten tries")


def all_at_once(send) -> list[tuple[int, dict]]:
    start = threading.Barrier(CLIENTS)

    def one(_: int) -> tuple[int, dict]:
        start.wait()
        return send()

    with ThreadPoolExecutor(CLIENTS) as pool:
        return list(pool.map(one, range(CLIENTS)))


def test_eight_clients_sending_one_batch_with_one_key_store_it_once(desk):
    # Messages without ids: only the key tells a retry from a new batch.
    batch = {"messages": [{"sender": "0812", "text": f"INFO {n}"} for n in range(5)]}
    answers = all_at_once(lambda: post(desk, "messages/batch", batch, "batch-77"))
    assert count(desk, "intake_inboundmessage") == 5
    assert {status for status, _ in answers} == {200}
    first = answers[0][1]
    assert first["stored"] == 5
    assert all(body == first for _, body in answers)


def test_eight_clients_sending_one_message_with_one_key_store_it_once(desk):
    before = count(desk, "intake_inboundmessage")
    message = {"sender": "0812", "text": "INFO satu pesan"}
    answers = all_at_once(lambda: post(desk, "messages", message, "single-9"))
    assert sorted(status for status, _ in answers) == [200] * (CLIENTS - 1) + [201]
    assert len({body["ref"] for _, body in answers}) == 1
    assert count(desk, "intake_inboundmessage") == before + 1
