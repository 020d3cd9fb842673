"""The desk through database outages and a killed app server, on a PostgreSQL
cluster this module starts, stops and restarts itself, against the real app server
(granian). Nothing here needs the run's own database, so the module runs once, in the
SQLite run of `make test` (the PostgreSQL run skips it: same code, same cluster).

Item 17: while the database is away every kind of request answers 503 with
Retry-After (API JSON, webhook text, a page), and after the restart no request fails
on a connection the old server closed.

The fault test: thousands of messages with unique ids over the SMS gateway and the
batch API, a database crash and a `kill -9` of the app server in the middle, and a
client that retries with the same ids: every message is stored exactly once, and the
only refusals are 503s and broken connections, never a 500.
"""

from __future__ import annotations

import csv
import functools
import http.client
import itertools
import json
import os
import socket
import subprocess
import threading
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from deskpemilu.devtools import pgcluster
from deskpemilu.devtools.liveserver import CLI, HOST, LiveDesk, live_desk

SMS_KEY = "kunci-gateway-uji"
DATA = Path(__file__).resolve().parents[2] / "data/banten"
TPS_CSV = DATA / "results/banten_tps_2024.csv"
# Regions and TPS are all the field code needs (the maps' outlines take longer).
LOAD = (
    ("import_regions", str(DATA / "regions/banten_wilayah_kepmendagri_2022.csv")),
    ("import_tps", str(TPS_CSV)),
)
SMS_MESSAGES = 2_000
API_MESSAGES = 3_000
API_BATCH = 100
SMS_SENDERS = 4  # client threads on the SMS endpoint
DEADLINE_SECONDS = 100.0  # the client gives up on a message after this (bounded)

on_postgres_run = os.environ.get("DATABASE_URL", "").startswith("postgres")
pytestmark = pytest.mark.skipif(
    on_postgres_run, reason="starts its own cluster; runs once, in the SQLite run"
)


# --- the desk on a cluster of its own ---------------------------------------------


@pytest.fixture(scope="module")
def cluster() -> Iterator[pgcluster.Cluster]:
    if pgcluster.find_bindir(os.environ) is None:
        if pgcluster.ci_enabled(os.environ):
            pytest.fail(pgcluster.NOT_INSTALLED, pytrace=False)
        pytest.skip(pgcluster.NOT_INSTALLED)
    with pgcluster.running_cluster(crash_safe=True) as started:
        yield started


@pytest.fixture(scope="module")
def desk(
    cluster: pgcluster.Cluster, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LiveDesk]:
    folder = tmp_path_factory.mktemp("faults")
    extra = {"DESKPEMILU_SMS_GATEWAY_KEY": SMS_KEY}
    with live_desk(
        folder, extra_env=extra, database_url=cluster.url, threads=4, load=LOAD
    ) as started:
        yield started


@pytest.fixture(scope="module")
def token(desk: LiveDesk) -> str:
    done = subprocess.run(
        [*CLI, "create_api_client", "uji-gangguan"],
        env=dict(desk.env),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip().rsplit(": ", 1)[1]


@pytest.fixture(scope="module")
def tps_codes() -> list[str]:
    with TPS_CSV.open(newline="", encoding="utf-8") as f:
        rows = csv.DictReader(f)
        return [row["kode_tps"] for row in itertools.islice(rows, 6_000)]


# --- a plain HTTP client that keeps its connection and says what went wrong ---------


@dataclass
class Answer:
    status: int | None  # None: the connection broke (refused, reset, closed)
    body: bytes = b""
    # Any case (http.client's headers).
    headers: Mapping[str, str] | http.client.HTTPMessage = field(default_factory=dict)


class Http:
    """One keep-alive connection to the desk; reopened after it breaks."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn: http.client.HTTPConnection | None = None

    def request(
        self, method: str, path: str, body: bytes | None = None, headers=None
    ) -> Answer:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            self.conn.request(method, path, body=body, headers=headers or {})
            response = self.conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException):
            self.conn.close()
            self.conn = None
            return Answer(None)
        return Answer(response.status, data, response.headers)


def late_body_then_next(port: int, token: str) -> tuple[int | None, int | None]:
    """On one raw keep-alive connection: a batch whose body follows its headers
    after a pause, then a second request; the status of each (None: no answer)."""
    body = batch_body([{"id": "late-1", "sender": "0811", "text": "INFO"}])
    head = (
        "POST /api/v1/intake/messages/batch HTTP/1.1\r\n"
        f"Host: {HOST}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode()
    second = f"GET /healthz HTTP/1.1\r\nHost: {HOST}\r\n\r\n".encode()
    statuses: list[int | None] = []
    with socket.create_connection((HOST, port), timeout=30) as sock:
        sock.sendall(head)
        time.sleep(0.5)
        try:
            sock.sendall(body)
            statuses.append(_status_of(sock))
            sock.sendall(second)
            statuses.append(_status_of(sock))
        except OSError:
            pass
    statuses += [None] * (2 - len(statuses))
    return statuses[0], statuses[1]


def _status_of(sock: socket.socket) -> int | None:
    """Read one HTTP response from the socket; its status, None if the connection
    closed first."""
    response = http.client.HTTPResponse(sock)
    try:
        response.begin()
        response.read()
    except (OSError, http.client.HTTPException):
        return None
    return response.status


def sms_path(message_id: str, sender: str, text: str) -> str:
    query = {"key": SMS_KEY, "id": message_id, "sender": sender, "text": text}
    return "/webhooks/sms?" + urllib.parse.urlencode(query)


def batch_body(messages: list[dict]) -> bytes:
    return json.dumps({"messages": messages}).encode()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def port_of(desk: LiveDesk) -> int:
    return int(desk.url.rsplit(":", 1)[1])


def all_at_once(count: int, job: Callable[[int], Answer]) -> list[Answer]:
    with ThreadPoolExecutor(count) as pool:
        return list(pool.map(job, range(count)))


# --- item 17: 503 while the database is away, no failure after it is back ------------


def test_while_the_database_is_away_requests_answer_503_then_all_work_again(
    desk: LiveDesk, cluster: pgcluster.Cluster, token: str, tps_codes: list[str]
) -> None:
    port = port_of(desk)

    def public_page(_: int) -> Answer:
        return Http(port).request("GET", "/publik/")

    # Every thread of the server holds a database connection now.
    assert {a.status for a in all_at_once(8, public_page)} == {200}

    pgcluster.stop_server(cluster, "fast")
    try:
        client = Http(port)
        api = client.request(
            "POST",
            "/api/v1/intake/messages/batch",
            batch_body([{"id": "away-1", "sender": "0811", "text": "INFO"}]),
            bearer(token),
        )
        sms = client.request("GET", sms_path("away-2", "0812", f"BUKA {tps_codes[0]}"))
        page = client.request("GET", "/publik/")
        health = client.request("GET", "/healthz")
        late = late_body_then_next(port, token)
    finally:
        pgcluster.start_server(cluster)

    statuses = (api.status, sms.status, page.status, health.status)
    assert statuses == (503,) * 4, (
        f"{statuses}; server log:\n{desk.log_path.read_text(errors='replace')[-4000:]}"
    )
    assert api.headers["Retry-After"] == sms.headers["Retry-After"] == "5"
    assert page.headers["Retry-After"] == "5"
    assert json.loads(api.body) == {
        "code": "database_unavailable",
        "message": "Basis data sedang tidak dapat dihubungi. "
        "Silakan coba lagi sebentar lagi.",
        "field": "",
    }
    # A body that arrives after the 503 is decided (the token is checked first) is
    # still read, so the connection carries the client's next request.
    assert late == (503, 503)
    assert sms.headers["Content-Type"].startswith("text/plain")
    assert sms.body.decode().startswith("Basis data sedang tidak dapat dihubungi")
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Basis data sedang tidak dapat dihubungi" in page.body.decode()

    # Back: no request fails on a connection the stopped server had closed.
    after = all_at_once(8, public_page) + all_at_once(8, public_page)
    assert [a.status for a in after] == [200] * 16
    sms_after = Http(port).request(
        "GET", sms_path("back-1", "0812", f"BUKA {tps_codes[1]}")
    )
    assert sms_after.status == 200


# --- the fault test -----------------------------------------------------------------


@dataclass
class Tally:
    """What the client saw, shared by its threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    done: int = 0
    refusals: Counter = field(default_factory=Counter)  # 503 / "connection"
    unexpected: list[tuple[str, int | None, bytes]] = field(default_factory=list)
    gave_up: list[str] = field(default_factory=list)

    def add_done(self, n: int) -> None:
        with self.lock:
            self.done += n

    def refused(self, answer: Answer) -> None:
        with self.lock:
            self.refusals[answer.status or "connection"] += 1


def send_until_taken(
    client: Http,
    what: str,
    send: Callable[[], Answer],
    accept: Callable[[Answer], bool],
    tally: Tally,
    deadline: float,
) -> None:
    """Send, and on a 503 or a broken connection send the same again (same ids),
    as a gateway does; any other answer is noted as unexpected."""
    pause = 0.05
    while time.monotonic() < deadline:
        answer = send()
        if answer.status is not None and accept(answer):
            return
        if answer.status not in (None, 503):
            with tally.lock:
                tally.unexpected.append((what, answer.status, answer.body[:300]))
            return
        tally.refused(answer)
        time.sleep(pause)
        pause = min(pause * 2, 0.5)
    with tally.lock:
        tally.gave_up.append(what)


def sms_sender(
    port: int, ids: list[int], tps_codes: list[str], tally: Tally, deadline: float
) -> None:
    client = Http(port)
    for n in ids:
        path = sms_path(f"fault-sms-{n}", f"0812{n:08d}", f"BUKA {tps_codes[n]}")
        send_until_taken(
            client,
            f"sms {n}",
            functools.partial(client.request, "GET", path),
            lambda a: a.status == 200,
            tally,
            deadline,
        )
        tally.add_done(1)


def api_sender(
    port: int, token: str, tps_codes: list[str], tally: Tally, deadline: float
) -> None:
    client = Http(port)
    for start in range(0, API_MESSAGES, API_BATCH):
        messages = [
            {
                "id": f"fault-api-{n}",
                "sender": f"0813{n:08d}",
                "text": f"BUKA {tps_codes[SMS_MESSAGES + n]}",
            }
            for n in range(start, start + API_BATCH)
        ]
        body = batch_body(messages)

        def taken(answer: Answer, count: int = len(messages)) -> bool:
            return answer.status == 200 and json.loads(answer.body)["received"] == count

        send_until_taken(
            client,
            f"batch {start}",
            functools.partial(
                client.request,
                "POST",
                "/api/v1/intake/messages/batch",
                body,
                bearer(token),
            ),
            taken,
            tally,
            deadline,
        )
        tally.add_done(API_BATCH)


def wait_for(tally: Tally, share: float, total: int, deadline: float) -> None:
    while tally.done < share * total and time.monotonic() < deadline:
        time.sleep(0.02)


def stored(database_url: str, channel: str, pattern: str) -> tuple[int, int]:
    """(rows, distinct provider ids) of the fault test's messages in a channel."""
    with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT provider_id) FROM intake_inboundmessage "
            "WHERE channel = %s AND provider_id LIKE %s",
            (channel, pattern),
        ).fetchone()
    assert row is not None  # a count always answers one row
    return row[0], row[1]


def test_no_message_is_lost_or_doubled_through_a_database_crash_and_a_killed_server(
    desk: LiveDesk, cluster: pgcluster.Cluster, token: str, tps_codes: list[str]
) -> None:
    assert desk.server is not None
    port, total = port_of(desk), SMS_MESSAGES + API_MESSAGES
    tally = Tally()
    end = time.monotonic() + DEADLINE_SECONDS
    slices = [list(range(SMS_MESSAGES))[i::SMS_SENDERS] for i in range(SMS_SENDERS)]
    threads = [
        threading.Thread(target=sms_sender, args=(port, ids, tps_codes, tally, end))
        for ids in slices
    ]
    threads.append(
        threading.Thread(target=api_sender, args=(port, token, tps_codes, tally, end))
    )
    for thread in threads:
        thread.start()
    try:
        # A database crash (no goodbye to the clients) a quarter of the way in ...
        wait_for(tally, 0.25, total, end)
        pgcluster.stop_server(cluster, "immediate")
        time.sleep(0.5)
        pgcluster.start_server(cluster)
        # ... and the app server killed outright at 60 %, started again by "systemd".
        wait_for(tally, 0.6, total, end)
        desk.server.kill()
        time.sleep(0.3)
        desk.server.start()
    finally:
        for thread in threads:
            thread.join()

    assert tally.unexpected == []
    assert tally.gave_up == []
    assert tally.done == total
    # Both faults were felt by the client (else this test proved nothing).
    assert tally.refusals[503] > 0 and tally.refusals["connection"] > 0, tally.refusals
    assert set(tally.refusals) <= {503, "connection"}
    assert stored(desk.database_url, "sms_gateway", "fault-sms-%") == (
        SMS_MESSAGES,
        SMS_MESSAGES,
    )
    assert stored(desk.database_url, "api", "%:fault-api-%") == (
        API_MESSAGES,
        API_MESSAGES,
    )
    # The figures for docs/security.md (seen with pytest -s).
    print(
        f"\nfault test: {total} messages sent and stored once each; "
        f"refusals {dict(tally.refusals)}; no 500"
    )
