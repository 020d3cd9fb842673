"""The load generator of the benchmarks: a separate process that sends requests to a
running desk over HTTP with keep-alive connections from several threads, for a fixed
time, and prints one JSON line with counts and latencies.

    python -m deskpemilu.bench.loadgen '{"url": ..., "mode": "sms", ...}'

Modes: trivial (GET /healthz), bare and onerow (the one-row app of baseline.py:
its health check, one stored row per request), sms (SMS gateway webhook, one
message per request), api (JSON API, one message), batch (JSON API, `batch`
messages per request).
"""

from __future__ import annotations

import csv
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

TPS_FILE = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "banten"
    / "results"
    / "banten_tps_2024.csv"
)
MAX_REQUESTS = 2_000_000  # a bound on any run, whatever the duration


def tps_codes() -> list[str]:
    with TPS_FILE.open(encoding="utf-8") as handle:
        return [row["kode_tps"] for row in csv.DictReader(handle)]


def field_message(rng: random.Random, codes: list[str]) -> str:
    """A realistic mix: mostly check-ins, some incident reports, some typos."""
    roll, code = rng.random(), rng.choice(codes)
    if roll < 0.80:
        stage = rng.choice(("BUKA", "TUTUP", "HITUNG", "KIRIM"))
        return f"{stage} {code} {rng.randint(6, 20):02d}{rng.randint(0, 59):02d}"
    if roll < 0.90:
        return f"LAPOR {code} PU S ada pembagian sembako dekat TPS"
    return f"buka tps {code[:9]}"  # a typo: too few digits, answered with help


@dataclass
class Tally:
    requests: int = 0
    ok: int = 0
    errors: int = 0
    messages_ok: int = 0
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


def _request(mode: str, cfg: dict, rng: random.Random, codes, seq: str):
    if mode in ("trivial", "bare"):  # bare: the one-row app's (baseline.py)
        return "GET", "/healthz", None, {}, 0
    if mode == "onerow":
        query = urllib.parse.urlencode(
            {
                "sender": f"0812{rng.randint(10**7, 10**8 - 1)}",
                "text": field_message(rng, codes),
                "id": seq,
            }
        )
        return "GET", f"/onerow?{query}", None, {}, 1
    if mode == "sms":
        query = urllib.parse.urlencode(
            {
                "sender": f"0812{rng.randint(10**7, 10**8 - 1)}",
                "text": field_message(rng, codes),
                "id": seq,
                "key": cfg["key"],
            }
        )
        return "GET", f"/webhooks/sms?{query}", None, {}, 1
    headers = {
        "Authorization": f"Bearer {cfg['token']}",
        "Content-Type": "application/json",
    }

    def item(n: str) -> dict:
        return {
            "id": n,
            "sender": f"0813{rng.randint(10**7, 10**8 - 1)}",
            "text": field_message(rng, codes),
        }

    if mode == "api":
        body = json.dumps(item(seq))
        return "POST", "/api/v1/intake/messages", body, headers, 1
    size = cfg["batch"]
    # A batch is assembled from messages prepared before the clock started (the
    # generator shares the machine's cores with the server): only the ids are new.
    pool = cfg["_pool"]
    start = rng.randrange(len(pool) - size + 1)
    items = ",".join(
        f'{{"id":"{seq}-{i}",{tail}'
        for i, tail in enumerate(pool[start : start + size])
    )
    body = '{"messages":[' + items + "]}"
    return "POST", "/api/v1/intake/messages/batch", body, headers, size


def message_pool(rng: random.Random, codes: list[str], size: int) -> list[str]:
    """JSON of `size` messages without their ids, each ending the object."""
    return [
        json.dumps(
            {
                "sender": f"0813{rng.randint(10**7, 10**8 - 1)}",
                "text": field_message(rng, codes),
            }
        )[1:]
        for _ in range(size)
    ]


def _worker(cfg: dict, index: int, deadline: float, tally: Tally, codes) -> None:
    parts = urllib.parse.urlsplit(cfg["url"])
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    rng = random.Random(cfg.get("seed", 1) * 1000 + index)
    n = 0
    while time.monotonic() < deadline and tally.requests < MAX_REQUESTS:
        n += 1
        seq = f"{cfg['run']}-{index}-{n}"
        method, path, body, headers, count = _request(cfg["mode"], cfg, rng, codes, seq)
        start = time.perf_counter()
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            response.read()
            good = response.status < 300
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
            good = False
        elapsed = time.perf_counter() - start
        with tally.lock:
            tally.requests += 1
            tally.latencies.append(elapsed)
            if good:
                tally.ok += 1
                tally.messages_ok += count
            else:
                tally.errors += 1
    conn.close()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def run(cfg: dict) -> dict:
    codes = tps_codes()
    if cfg["mode"] == "batch":
        cfg = cfg | {"_pool": message_pool(random.Random(7), codes, 20 * cfg["batch"])}
    tally = Tally()
    started = time.monotonic()
    deadline = started + cfg["duration"]
    threads = [
        threading.Thread(target=_worker, args=(cfg, i, deadline, tally, codes))
        for i in range(cfg["concurrency"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.monotonic() - started
    return {
        "mode": cfg["mode"],
        "requests": tally.requests,
        "ok": tally.ok,
        "errors": tally.errors,
        "messages_ok": tally.messages_ok,
        "seconds": round(seconds, 3),
        "requests_per_s": round(tally.ok / seconds, 1),
        "messages_per_s": round(tally.messages_ok / seconds, 1),
        "p50_ms": round(percentile(tally.latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(tally.latencies, 0.99) * 1000, 2),
    }


if __name__ == "__main__":
    print(json.dumps(run(json.loads(sys.argv[1]))))
