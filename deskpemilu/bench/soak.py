"""`deskpemilu bench soak`: the election-day simulator at full speed against the
production server on a durable PostgreSQL cluster, for a fixed time.

A fresh cluster (fsync on) with Banten loaded, granian with the production settings,
then `deskpemilu simulate --speed 0` from a separate process over every TPS of Banten
for `duration` seconds on `concurrency` connections. Reported: sustained messages per
second, latency percentiles per minute, the server processes' memory (RSS, summed over
granian and its workers) at the start and the end, and the final accounting from the
simulator's summary (sent = stored, every stored message processed, nothing refused;
the desk stores a provider id once, so nothing is doubled).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from deskpemilu.bench import harness
from deskpemilu.devtools import liveserver

SECRETS = {
    "DESKPEMILU_SMS_GATEWAY_KEY": "soak-gateway",
    "DESKPEMILU_TWILIO_AUTH_TOKEN": "soak-twilio",
    "DESKPEMILU_WHATSAPP_APP_SECRET": "soak-whatsapp",
    "DESKPEMILU_TELEGRAM_SECRET": "soak-telegram",
    # The simulator's citizens all come from one address.
    "DESKPEMILU_PUBLIC_FORM_LIMIT": "10000000",
}


@dataclass
class SoakConfig:
    duration: float = 180.0
    concurrency: int = 8
    workers: int = 2
    threads: int = 4
    seed: int = 2024
    database: str = "postgres"


def group_rss_kib(pgid: int) -> int:
    """Resident memory (KiB) of every process in the process group `pgid`."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            # Fields after the command's closing parenthesis: state ppid pgrp ...
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:
                continue
            for line in (entry / "status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total


def run(cfg: SoakConfig, say: Callable[[str], None]) -> dict[str, Any]:
    with harness.database(cfg.database) as (url, folder):
        env = harness.desk_env(folder, url, SECRETS)
        say(f"[soak] menyiapkan basis data {cfg.database} (migrate, load_banten)...")
        harness.prepare(env)
        server = liveserver.DeskServer(
            env, folder / "server.log", workers=cfg.workers, threads=cfg.threads
        )
        server.start()
        try:
            assert server.process is not None
            pgid = os.getpgid(server.process.pid)
            rss_start = group_rss_kib(pgid)
            say(f"[soak] simulator: {cfg.duration:.0f} s, {cfg.concurrency} koneksi")
            done = subprocess.run(
                [
                    *liveserver.CLI,
                    "simulate",
                    "--url",
                    server.url,
                    "--seed",
                    str(cfg.seed),
                    "--speed",
                    "0",
                    "--concurrency",
                    str(cfg.concurrency),
                    "--duration",
                    str(cfg.duration),
                    "--json",
                ],
                env=env,
                stdout=subprocess.PIPE,
                stderr=None,  # the simulator's progress, as it goes
                text=True,
                check=False,
            )
            rss_end = group_rss_kib(pgid)
        finally:
            server.stop()
        if done.returncode != 0:
            log = (folder / "server.log").read_text()[-3000:]
            raise RuntimeError(f"simulate failed (exit {done.returncode}):\n{log}")
        summary = json.loads(done.stdout.strip().splitlines()[-1])
    return {
        "machine": harness.machine(),
        "config": cfg.__dict__,
        "rss_start_mib": round(rss_start / 1024, 1),
        "rss_end_mib": round(rss_end / 1024, 1),
        "summary": summary,
    }


def report(out: dict[str, Any]) -> str:
    cfg, summary = out["config"], out["summary"]
    lines = [
        f"Machine: {out['machine']}",
        f"Server: granian WSGI, {cfg['workers']} workers x {cfg['threads']} threads, "
        f"durable {cfg['database']}; client: `deskpemilu simulate --speed 0` in a "
        f"separate process, {cfg['concurrency']} connections, {cfg['duration']:.0f} s, "
        f"seed {cfg['seed']}, every TPS of Banten.",
        "",
        f"Sustained: {summary['messages_per_s']} messages/s "
        f"({summary['sent_total']:,} messages of a planned {summary['planned']:,} "
        f"in {summary['elapsed_s']} s).",
        f"Server memory (RSS, all processes): {out['rss_start_mib']} MiB at the start, "
        f"{out['rss_end_mib']} MiB at the end.",
        "",
        "| minute | requests | messages | p50 ms | p90 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|",
    ]
    for m in summary["minutes"]:
        lines.append(
            f"| {m['minute']} | {m['requests']:,} | {m['messages']:,} | {m['p50_ms']} "
            f"| {m['p90_ms']} | {m['p99_ms']} | {m['max_ms']} |"
        )
    lines += ["", "| channel | kind | sent | stored |", "|---|---|---|---|"]
    sent, held = summary["sent"], summary["held"]
    for channel in sorted(set(sent) | set(held)):
        kinds = set(sent.get(channel, {})) | set(held.get(channel, {}))
        for kind in sorted(kinds):
            lines.append(
                f"| {channel} | {kind} | {sent.get(channel, {}).get(kind, 0):,} "
                f"| {held.get(channel, {}).get(kind, 0):,} |"
            )
    verdict = "yes" if summary["agree"] else "NO"
    lines += [
        "",
        f"Refused: {summary['refused'] or 'none'}; stored but not processed: "
        f"{summary['pending']}; sent = stored, nothing lost or doubled: {verdict}.",
    ]
    return "\n".join(lines)
