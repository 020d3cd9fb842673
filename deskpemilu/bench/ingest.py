"""`deskpemilu bench ingest`: field messages over HTTP into the real app server.

For each database (SQLite, PostgreSQL): a fresh database with Banten loaded, the
production app server (granian, 2 workers) on loopback, then, from a separate process:
the trivial endpoint (/healthz) as the baseline, SMS gateway webhooks and JSON API
messages one per request, and JSON API batches. At the end every acknowledged message
must be in the database (count in = count stored).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from deskpemilu.bench import harness

MODES = ("trivial", "sms", "api", "batch")


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


def stored_counts(database_url: str) -> dict[str, int]:
    """Stored inbound messages by channel, read straight from the database."""
    sql = "SELECT channel, COUNT(*) FROM intake_inboundmessage GROUP BY channel"
    if database_url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            return dict(conn.execute(sql).fetchall())
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as c:
        return dict(c.execute(sql).fetchall())


def median_run(runs: list[dict]) -> dict:
    """The run of median throughput (its own latencies and counts), with every
    run's messages added up for the accounting at the end."""
    ordered = sorted(runs, key=lambda r: r["requests_per_s"])
    median = dict(ordered[(len(ordered) - 1) // 2])
    median["runs"] = len(runs)
    median["messages_ok"] = sum(r["messages_ok"] for r in runs)
    median["messages_per_s_each"] = [r["messages_per_s"] for r in runs]
    return median


def run_one(kind: str, cfg: IngestConfig, say, extra_env: dict | None = None) -> dict:
    key = secrets.token_hex(8)
    with harness.database(kind) as (url, folder):
        extra = {"DESKPEMILU_SMS_GATEWAY_KEY": key, **(extra_env or {})}
        env = harness.desk_env(folder, url, extra)
        say(f"[{kind}] menyiapkan basis data (migrate, load_banten)...")
        harness.prepare(env)
        token = harness.api_token(env)
        phases = {}
        with harness.serving(
            env, folder / "server.log", workers=cfg.workers, threads=cfg.threads
        ) as base:
            for mode in cfg.phases:
                runs = []
                for n in range(1, cfg.repeat + 1):
                    say(f"[{kind}] {mode} {n}/{cfg.repeat}: {cfg.duration:.0f} s ...")
                    runs.append(
                        harness.load(
                            {
                                "url": base,
                                "mode": mode,
                                "duration": cfg.duration,
                                "concurrency": cfg.batch_concurrency
                                if mode == "batch"
                                else cfg.concurrency,
                                "batch": cfg.batch,
                                "key": key,
                                "token": token,
                                "run": f"{kind}-{mode}-{n}",
                            }
                        )
                    )
                phases[mode] = median_run(runs)
        stored = stored_counts(url)
    acknowledged = {"sms_gateway": 0, "api": 0}
    for mode, phase in phases.items():
        if mode != "trivial":
            channel = "sms_gateway" if mode == "sms" else "api"
            acknowledged[channel] += phase["messages_ok"]
    acknowledged = {channel: n for channel, n in acknowledged.items() if n}
    return {
        "database": kind,
        "phases": phases,
        "stored": stored,
        "acknowledged": acknowledged,
        "all_accounted": stored == acknowledged,
    }


def report(results: list[dict], cfg: IngestConfig) -> str:
    lines = [
        f"Machine: {harness.machine()}",
        f"Server: granian WSGI, {cfg.workers} workers x {cfg.threads} threads; "
        f"client: separate process, {cfg.concurrency} connections "
        f"({cfg.batch_concurrency} for batches of {cfg.batch}); "
        f"{cfg.duration:.0f} s per phase"
        + (f", median of {cfg.repeat} runs." if cfg.repeat > 1 else "."),
        "",
        "| database | phase | requests/s | messages/s | p50 ms | p99 ms | errors "
        "| msgs per trivial req |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for result in results:
        phases = result["phases"]
        base = phases.get("trivial", {}).get("requests_per_s") or 0
        for mode in phases:
            p = phases[mode]
            # Work done per unit of the trivial request: requests for the trivial
            # phase itself, messages for the others (a batch carries 1,000).
            done = p["requests_per_s"] if mode == "trivial" else p["messages_per_s"]
            lines.append(
                f"| {result['database']} | {mode} | {p['requests_per_s']:,} | "
                f"{p['messages_per_s']:,} | {p['p50_ms']} | {p['p99_ms']} | "
                f"{p['errors']} | " + (f"{done / base:.2f} |" if base else "- |")
            )
    lines.append("")
    for result in results:
        verdict = "yes" if result["all_accounted"] else "NO"
        lines.append(
            f"- {result['database']}: acknowledged {result['acknowledged']}, stored "
            f"{result['stored']}: every message accounted for: {verdict}"
        )
    return "\n".join(lines)
