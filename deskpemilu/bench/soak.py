"""`deskpemilu bench soak`: the election-day simulator at full speed against the
production server on a durable PostgreSQL cluster, for a fixed time.

A fresh cluster (fsync on) with Banten loaded, granian with the production settings,
then `deskpemilu simulate --speed 0` from a separate process over every TPS of Banten
for `duration` seconds on `concurrency` connections. Reported: sustained messages per
second, latency percentiles per minute, the server processes' memory (RSS, summed over
granian and its workers) at the start and the end, the CPU seconds the server and the
simulator used in each minute beside the machine's load (to tell a desk slowing down
from a client or a shared machine slowing it), and the final accounting from the
simulator's summary (sent = stored, every stored message processed, nothing refused;
the desk stores a provider id once, so nothing is doubled).
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
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


def group_pids(pgid: int) -> list[int]:
    """The processes of the process group `pgid` (granian and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # Fields after the command's closing parenthesis: state ppid pgrp ...
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def group_rss_kib(pgid: int) -> int:
    """Resident memory (KiB) of every process in the process group `pgid`."""
    total = 0
    for pid in group_pids(pgid):
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except (OSError, ValueError, IndexError):
            continue  # the process ended meanwhile
    return total


def _cpu_seconds(pids: list[int]) -> float:
    """User and system CPU time (s) used so far by the processes `pids`."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # ended meanwhile
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


class CpuSampler:
    """Every `every` seconds: the CPU seconds the server's processes and the
    simulator's process used since the last sample, and the machine's 1-minute
    load average. A desk that slows by itself shows its CPU per message rising; a
    shared machine shows the load rising while both get less CPU."""

    def __init__(self, server_pgid: int, every: float = 60.0) -> None:
        self.server_pgid, self.every = server_pgid, every
        self.client_pid = 0
        self.rows: list[dict[str, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _now(self) -> tuple[float, float]:
        server = _cpu_seconds(group_pids(self.server_pgid))
        client = _cpu_seconds([self.client_pid]) if self.client_pid else 0.0
        return server, client

    def _loop(self) -> None:
        last = self._now()
        minute = 0
        while not self._stop.wait(self.every):
            minute += 1
            # A process that ended no longer counts: keep the last reading.
            server, client = self._now()
            now = (max(server, last[0]), max(client, last[1]))
            self.rows.append(
                {
                    "minute": minute,
                    "server_cpu_s": round(now[0] - last[0], 1),
                    "client_cpu_s": round(now[1] - last[1], 1),
                    "load_1m": round(os.getloadavg()[0], 2),
                }
            )
            last = now

    def start(self, client_pid: int) -> None:
        self.client_pid = client_pid
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


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
            sampler = CpuSampler(pgid)
            client = subprocess.Popen(
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
            )
            # The simulator's first minute includes its set-up (registering the
            # field officers), before it sends anything.
            sampler.start(client.pid)
            out, _ = client.communicate()
            sampler.stop()
            done = subprocess.CompletedProcess(client.args, client.returncode, out)
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
        "cpu": sampler.rows,
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
    lines += [
        "",
        "| minute (from the simulator's start) | server CPU s | simulator CPU s "
        "| load (1 min) |",
        "|---|---|---|---|",
    ]
    for row in out.get("cpu", []):
        lines.append(
            f"| {row['minute']} | {row['server_cpu_s']} | {row['client_cpu_s']} "
            f"| {row['load_1m']} |"
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
