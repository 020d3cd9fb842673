"""The C load generator of `bench ingest`: Debian's `wrk` with ingest.lua, which
gives every request its own message id. The same modes and the same message mix as
the Python generator (loadgen.py), prepared before the clock starts; the result has
the same keys, so the two are reported side by side.

wrk stops at the deadline with requests still in flight on its connections: the
server may store those without wrk counting them, so for wrk phases the stored count
may exceed the acknowledged one by at most connections x messages per request
(`in_flight_max`); bench ingest reports that difference, not a loss.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import tempfile
import urllib.parse
from pathlib import Path

from deskpemilu.bench import loadgen

SCRIPT = Path(__file__).with_name("ingest.lua")
POOL = 20_000
MESSAGES_PER_REQUEST = {"trivial": 0, "bare": 0, "sms": 1, "api": 1, "onerow": 1}


def available() -> bool:
    return shutil.which("wrk") is not None


def pool_lines(mode: str, size: int, seed: int = 7) -> list[str]:
    """Prepared messages, one a line (see ingest.lua)."""
    rng, codes = random.Random(seed), loadgen.tps_codes()
    if mode in ("sms", "onerow"):
        return [
            urllib.parse.urlencode(
                {
                    "sender": f"0812{rng.randint(10**7, 10**8 - 1)}",
                    "text": loadgen.field_message(rng, codes),
                }
            )
            for _ in range(size)
        ]
    if mode in ("api", "batch"):
        return loadgen.message_pool(rng, codes, size)
    return ["-"]


def command(cfg: dict, pool_file: Path) -> list[str]:
    threads = max(1, min(2, cfg["concurrency"]))
    return [
        "wrk",
        f"-t{threads}",
        f"-c{cfg['concurrency']}",
        f"-d{max(1, round(cfg['duration']))}s",  # wrk takes whole seconds
        "--timeout",
        "60s",
        "-s",
        str(SCRIPT),
        cfg["url"],
        "--",
        cfg["mode"],
        str(pool_file),
        cfg["run"],
        str(cfg.get("batch", 1)),
        cfg.get("key", "-"),
        cfg.get("token", "-"),
    ]


def parse(output: str, cfg: dict) -> dict:
    """wrk's JSON line as the Python generator's result."""
    line = next(x for x in output.splitlines() if x.startswith("WRKJSON "))
    raw = json.loads(line.removeprefix("WRKJSON "))
    per = MESSAGES_PER_REQUEST.get(cfg["mode"], cfg.get("batch", 1))
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    ok = raw["requests"] - raw["status"]
    seconds = raw["duration_us"] / 1e6
    return {
        "mode": cfg["mode"],
        "generator": "wrk",
        "requests": raw["requests"] + errors,
        "ok": ok,
        "errors": raw["status"] + errors,
        "messages_ok": ok * per,
        "seconds": round(seconds, 3),
        "requests_per_s": round(ok / seconds, 1),
        "messages_per_s": round(ok * per / seconds, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "in_flight_max": cfg["concurrency"] * per,
    }


def run(cfg: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="deskpemilu-wrk-") as folder:
        pool_file = Path(folder) / "pool.txt"
        size = max(POOL, 20 * cfg.get("batch", 1)) if cfg["mode"] == "batch" else POOL
        pool_file.write_text("\n".join(pool_lines(cfg["mode"], size)) + "\n")
        done = subprocess.run(
            command(cfg, pool_file), capture_output=True, text=True, check=True
        )
    return parse(done.stdout, cfg)
