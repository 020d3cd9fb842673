"""`deskpemilu bench ingest`: field messages over HTTP into the real app server.

For each database (SQLite, PostgreSQL): a fresh database with Banten loaded, the
production app server (granian, 2 workers) on loopback, then, from a separate process
(the Python generator, loadgen.py, and the C one, wrk with ingest.lua, in turn): the
trivial endpoint (/healthz) as the baseline, SMS gateway webhooks and JSON API
messages one per request, and JSON API batches. Then the same run's baselines of the
database (baseline.py): the one-row app (granian alone, and one stored row per
request) and the bulk ceiling (executemany, COPY). At the end every acknowledged
message must be in the database, counted per run by its message ids.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from deskpemilu.bench import harness

MODES = ("trivial", "sms", "api", "batch")
GENERATORS = ("python", "wrk")
# Phases against the one-row app (baseline.py): granian alone, and one stored row.
BASELINE_MODES = ("bare", "onerow")


@dataclass
class IngestConfig:
    databases: tuple[str, ...] = ("sqlite", "postgres")
    duration: float = 10.0
    concurrency: int = 8
    batch_concurrency: int = 4
    batch: int = 1000
    workers: int = 2
    threads: int = 4
    phases: tuple[str, ...] = MODES
    repeat: int = 1  # runs of each phase; the median run is reported
    generators: tuple[str, ...] = GENERATORS
    baselines: bool = True  # the one-row app and the bulk ceiling, same run
    bulk_rows: int = 100_000


def stored_counts(database_url: str) -> dict[str, int]:
    """Stored inbound messages by channel, read straight from the database."""
    sql = "SELECT channel, COUNT(*) FROM intake_inboundmessage GROUP BY channel"
    return dict(_query(database_url, sql, ()))


def stored_by_run(database_url: str, table: str, runs: list[str]) -> dict[str, int]:
    """Stored rows whose message id carries each run's name ("<run>-..."; the API
    keeps "<client>:<id>"). Run names hold no LIKE wildcard."""
    sql = f"SELECT COUNT(*) FROM {table} WHERE provider_id LIKE %s"
    return {run: _query(database_url, sql, (f"%{run}-%",))[0][0] for run in runs}


def _query(database_url: str, sql: str, params: tuple) -> list:
    if database_url.startswith("sqlite:///"):
        import sqlite3

        path = database_url.removeprefix("sqlite:///")
        with sqlite3.connect(path) as conn:
            return conn.execute(sql.replace("%s", "?"), params).fetchall()
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as c:
        return c.execute(sql, params).fetchall()


def median_run(runs: list[dict]) -> dict:
    """The run of median throughput (its own latencies and counts), with every
    run's messages added up for the accounting at the end."""
    ordered = sorted(runs, key=lambda r: r["requests_per_s"])
    median = dict(ordered[(len(ordered) - 1) // 2])
    median["runs"] = len(runs)
    median["messages_ok"] = sum(r["messages_ok"] for r in runs)
    median["messages_per_s_each"] = [r["messages_per_s"] for r in runs]
    median["names"] = [r["run"] for r in runs if "run" in r]
    median["in_flight_max"] = sum(r.get("in_flight_max", 0) for r in runs)
    return median


def _load(generator: str, cfg: dict) -> dict:
    if generator == "wrk":
        from deskpemilu.bench import wrkgen

        return wrkgen.run(cfg) | {"run": cfg["run"]}
    return harness.load(cfg) | {"run": cfg["run"], "generator": "python"}


def _phases(base: str, modes, cfg: IngestConfig, say, kind: str, extra: dict):
    """Every mode with every generator, `repeat` times, generators alternating.
    A short uncounted warm-up first: the first requests of a fresh server (imports,
    connections) would otherwise count against the first phase."""
    warm = {"url": base, "mode": modes[0], "duration": min(2.0, cfg.duration)}
    harness.load(warm | {"concurrency": 2, "batch": 1, "run": f"{kind}.warm"} | extra)
    phases = {}
    for mode in modes:
        for generator in cfg.generators:
            runs = []
            for n in range(1, cfg.repeat + 1):
                name = f"{kind}.{mode}.{generator}.{n}"
                say(f"[{kind}] {mode} ({generator}) {n}/{cfg.repeat}: ...")
                runs.append(
                    _load(
                        generator,
                        {
                            "url": base,
                            "mode": mode,
                            "duration": cfg.duration,
                            "concurrency": cfg.batch_concurrency
                            if mode == "batch"
                            else cfg.concurrency,
                            "batch": cfg.batch,
                            "run": name,
                        }
                        | extra,
                    )
                )
            phases[f"{mode}/{generator}"] = median_run(runs)
    return phases


def account(phases: dict, stored: dict[str, int]) -> dict:
    """Per phase: acknowledged, stored, and whether that is every message. The
    Python generator waits for every answer (stored == acknowledged); wrk leaves
    requests in flight at its deadline (0 <= stored - acknowledged <= in flight)."""
    out = {}
    for key, phase in phases.items():
        if phase["mode"] in ("trivial", "bare"):
            continue
        kept = sum(stored[name] for name in phase["names"])
        extra = kept - phase["messages_ok"]
        out[key] = {
            "acknowledged": phase["messages_ok"],
            "stored": kept,
            "ok": 0 <= extra <= phase["in_flight_max"],
        }
    return out


def run_one(kind: str, cfg: IngestConfig, say, extra_env: dict | None = None) -> dict:
    from deskpemilu.bench import baseline

    key = secrets.token_hex(8)
    with harness.database(kind) as (url, folder):
        extra = {"DESKPEMILU_SMS_GATEWAY_KEY": key, **(extra_env or {})}
        env = harness.desk_env(folder, url, extra)
        say(f"[{kind}] menyiapkan basis data (migrate, load_banten)...")
        harness.prepare(env)
        token = harness.api_token(env)
        with harness.serving(
            env, folder / "server.log", workers=cfg.workers, threads=cfg.threads
        ) as base:
            phases = _phases(
                base, cfg.phases, cfg, say, kind, {"key": key, "token": token}
            )
        bulk: dict = {}
        if cfg.baselines:
            baseline.create_table(url)
            with baseline.serving(
                url, folder / "onerow.log", workers=cfg.workers, threads=cfg.threads
            ) as base:
                phases |= _phases(base, BASELINE_MODES, cfg, say, kind, {})
            say(f"[{kind}] bulk ceiling: {cfg.bulk_rows:,} rows ...")
            names = [
                n for p in phases.values() if p["mode"] == "onerow" for n in p["names"]
            ]
            onerow_stored = stored_by_run(url, baseline.TABLE, names)
            bulk = baseline.bulk_ceiling(url, cfg.bulk_rows, _bodies())
        names = [
            n
            for p in phases.values()
            if p["mode"] in ("sms", "api", "batch")
            for n in p["names"]
        ]
        stored = stored_by_run(url, "intake_inboundmessage", names)
        if cfg.baselines:
            stored |= onerow_stored
        by_channel = stored_counts(url)
    accounting = account(phases, stored)
    return {
        "database": kind,
        "load": harness.load_average(),
        "phases": phases,
        "stored_by_channel": by_channel,
        "accounting": accounting,
        "bulk": bulk,
        "all_accounted": all(a["ok"] for a in accounting.values()),
    }


def _bodies() -> list[str]:
    import random

    from deskpemilu.bench import loadgen

    rng, codes = random.Random(5), loadgen.tps_codes()
    return [loadgen.field_message(rng, codes) for _ in range(1000)]


def report(results: list[dict], cfg: IngestConfig) -> str:
    lines = [
        f"Machine: {harness.machine()}",
        f"Server: granian WSGI, {cfg.workers} workers x {cfg.threads} threads; "
        f"clients: {' and '.join(cfg.generators)} in a separate process, "
        f"{cfg.concurrency} connections "
        f"({cfg.batch_concurrency} for batches of {cfg.batch}); "
        f"{cfg.duration:.0f} s per phase"
        + (f", median of {cfg.repeat} runs." if cfg.repeat > 1 else "."),
        "Baselines of the same run: trivial = the desk's /healthz (Django, SELECT 1); "
        "bare = granian answering without Django; onerow = the one-row app, one "
        "message-log row and one durable commit per request (baseline.py).",
        "",
        "| database | phase | generator | requests/s | messages/s | p50 ms | p99 ms "
        "| errors | per trivial req | per onerow |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        phases = result["phases"]
        for key, p in phases.items():
            mode, generator = key.split("/")
            base = phases.get(f"trivial/{generator}", {}).get("requests_per_s") or 0
            row = phases.get(f"onerow/{generator}", {}).get("messages_per_s") or 0
            # Work per unit of a baseline: requests for the request-only phases,
            # messages for the others (a batch carries 1,000).
            bare = mode in ("trivial", "bare")
            done = p["requests_per_s"] if bare else p["messages_per_s"]
            lines.append(
                f"| {result['database']} | {mode} | {generator} | "
                f"{p['requests_per_s']:,} | {p['messages_per_s']:,} | {p['p50_ms']} | "
                f"{p['p99_ms']} | {p['errors']} | "
                + (f"{done / base:.2f} | " if base else "- | ")
                + (f"{done / row:.2f} |" if row and not bare else "- |")
            )
    lines.append("")
    for result in results:
        if result["bulk"]:
            ways = ", ".join(f"{k} {v:,} rows/s" for k, v in result["bulk"].items())
            lines.append(
                f"- {result['database']}: bulk ceiling ({cfg.bulk_rows:,} rows into "
                f"a copy of the message log, one transaction): {ways}"
            )
    for result in results:
        verdict = "yes" if result["all_accounted"] else "NO"
        each = "; ".join(
            f"{key} {a['acknowledged']:,} acknowledged / {a['stored']:,} stored"
            for key, a in result["accounting"].items()
        )
        lines.append(
            f"- {result['database']} (load average at the end {result['load']}): "
            f"{each}; by channel {result['stored_by_channel']}: every message "
            f"accounted for: {verdict}"
        )
    lines.append(
        "  (wrk stops with requests in flight: the server may store up to "
        "connections x messages per request more than wrk counted.)"
    )
    return "\n".join(lines)
