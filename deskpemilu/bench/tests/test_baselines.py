"""The same-run baselines of bench ingest (the one-row app, the bulk ceiling) and the
C load generator (wrk with ingest.lua), on a real database and a real server."""

import shutil
import sqlite3
import threading

import pytest
from django.db import connection

from deskpemilu.bench import baseline, ingest, wrkgen


@pytest.fixture
def log_copy_url(tmp_path, django_db_blocker):
    """A database URL where intake_inboundmessage exists with its real shape: a
    SQLite file built from the test database's own DDL, or PostgreSQL's test
    database itself (bench_onerow dropped afterwards)."""
    with django_db_blocker.unblock():
        if connection.vendor == "sqlite":
            with connection.cursor() as cur:
                cur.execute(
                    "SELECT sql FROM sqlite_master WHERE tbl_name = %s "
                    "AND sql IS NOT NULL ORDER BY type DESC",
                    [baseline.SOURCE],
                )
                ddl = [row[0] for row in cur.fetchall()]
            path = tmp_path / "log.sqlite3"
            with sqlite3.connect(path) as conn:
                for statement in ddl:
                    conn.execute(statement)
            yield f"sqlite:///{path}"
            return
        s = connection.settings_dict
        url = (
            f"postgresql://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or 'localhost'}:"
            f"{s['PORT'] or 5432}/{s['NAME']}"
        )
        yield url
        with baseline.connect(url) as conn:
            conn.execute(f"DROP TABLE IF EXISTS {baseline.TABLE}")


@pytest.mark.django_db
def test_the_one_row_app_stores_one_message_log_row_per_request(
    log_copy_url, monkeypatch
):
    baseline.create_table(log_copy_url)
    monkeypatch.setenv("DATABASE_URL", log_copy_url)  # as granian's worker has it
    monkeypatch.setattr(baseline, "_local", threading.local())
    answers = []
    environ = {"PATH_INFO": "/onerow", "QUERY_STRING": "id=r.1-1-1&text=BUKA+1"}
    body = baseline.app(environ, lambda status, headers: answers.append(status))
    baseline._local.state[0].close()
    assert answers == ["200 OK"] and body == [b'{"status":"ok"}']
    assert baseline.stored(log_copy_url) == 1
    counted = ingest.stored_by_run(log_copy_url, baseline.TABLE, ["r.1", "r.2"])
    assert counted == {"r.1": 1, "r.2": 0}
    ceiling = baseline.bulk_ceiling(log_copy_url, 500, ["BUKA 3601012001001 0700"])
    assert ceiling["executemany"] > 0
    assert ("copy" in ceiling) == (connection.vendor == "postgresql")
    assert baseline.stored(log_copy_url) == 0  # the ceiling leaves the table empty


def test_wrk_output_reads_like_the_python_generators():
    out = (
        'Running 1s test\n\nWRKJSON {"requests":120,"duration_us":2000000,'
        '"connect":0,"read":1,"write":0,"status":20,"timeout":0,'
        '"p50_us":1500,"p99_us":9000}\n'
    )
    got = wrkgen.parse(out, {"mode": "batch", "batch": 10, "concurrency": 4})
    assert got["ok"] == 100 and got["errors"] == 21 and got["messages_ok"] == 1000
    assert got["messages_per_s"] == 500.0 and got["p99_ms"] == 9.0
    assert got["in_flight_max"] == 40


def _phase(mode, acknowledged, in_flight, names):
    return {
        "mode": mode,
        "messages_ok": acknowledged,
        "in_flight_max": in_flight,
        "names": names,
    }


def test_every_message_is_accounted_for_by_run():
    phases = {
        "trivial/python": _phase("trivial", 0, 0, ["t"]),
        "sms/python": _phase("sms", 10, 0, ["a", "b"]),
        "sms/wrk": _phase("sms", 10, 8, ["c"]),
    }
    exact = ingest.account(phases, {"a": 4, "b": 6, "c": 13})
    assert set(exact) == {"sms/python", "sms/wrk"}
    assert all(a["ok"] for a in exact.values())
    # The Python generator waits for every answer: one more stored is a fault.
    assert not ingest.account(phases, {"a": 4, "b": 7, "c": 13})["sms/python"]["ok"]
    # wrk: at most its connections' requests in flight more; never fewer.
    assert not ingest.account(phases, {"a": 4, "b": 6, "c": 19})["sms/wrk"]["ok"]
    assert not ingest.account(phases, {"a": 4, "b": 6, "c": 9})["sms/wrk"]["ok"]


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk not installed")
@pytest.mark.django_db
def test_wrk_gives_every_request_its_own_message_id(log_copy_url, tmp_path):
    baseline.create_table(log_copy_url)
    with baseline.serving(
        log_copy_url, tmp_path / "onerow.log", workers=1, threads=2
    ) as base:
        cfg = {"url": base, "mode": "onerow", "duration": 1, "concurrency": 2}
        got = wrkgen.run(cfg | {"run": "w.1"})
    with baseline.connect(log_copy_url) as conn:
        ids = [r[0] for r in conn.execute(f"SELECT provider_id FROM {baseline.TABLE}")]
    assert got["errors"] == 0 and got["ok"] > 0
    assert len(ids) == len(set(ids)) and all(i.startswith("w.1-") for i in ids)
    assert 0 <= len(ids) - got["messages_ok"] <= got["in_flight_max"]
