"""`deskpemilu bench notify`: notifications fanned out and drained, and intake's speed
with notifications on against off.

For each database (SQLite, PostgreSQL): a fresh database with Banten loaded; an SMTP
sink (aiosmtpd) and a webhook receiver that checks every signature, both started
here on loopback. A child process files `assignments` incidents and assigns each to
the Polres covering it (its liaison takes e-mail, its agency a webhook endpoint), as
a coordinator would: each assignment writes its rows (fan-out) in the request's
place. Then `workers` worker processes drain the deliveries; the figures are
deliveries per second (wall clock, first claim to last sent) and the worker time per
delivery. Every e-mail must reach the sink and every webhook arrive correctly signed.

Then `bench ingest`'s phases (api, batch) run against the real app server twice, with
DESKPEMILU_NOTIFICATIONS=false and =true, alternately: intake must not lose more than
5 % with notifications on.

    python -m deskpemilu.bench.notify seed|drain|status ...   (the child processes)
"""

from __future__ import annotations

import json
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from deskpemilu.bench import harness, ingest
from deskpemilu.devtools.sinks import SmtpSink, WebhookReceiver

CHILD = (sys.executable, "-m", "deskpemilu.bench.notify")


@dataclass
class NotifyConfig:
    databases: tuple[str, ...] = ("sqlite", "postgres")
    assignments: int = 1000
    workers: int = 2
    ingest_duration: float = 10.0
    ingest_phases: tuple[str, ...] = ("api", "batch")
    repeat: int = 1
    concurrency: int = 8


def _child(env: Mapping[str, str], *args: str) -> dict:
    done = subprocess.run(
        [*CHILD, *args], env=env, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"bench.notify {args[0]} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def fan_out_and_drain(kind: str, cfg: NotifyConfig, say: Callable[[str], None]) -> dict:
    secret = secrets.token_hex(16)
    with (
        SmtpSink() as sink,
        WebhookReceiver(secret=secret) as receiver,
        harness.database(kind) as (url, folder),
    ):
        env = harness.desk_env(
            folder,
            url,
            {
                "DESKPEMILU_EMAIL_HOST": "127.0.0.1",
                "DESKPEMILU_EMAIL_PORT": str(sink.port),
                "DESKPEMILU_EMAIL_TLS": "false",
                "DESKPEMILU_LOG_LEVEL": "WARNING",
            },
        )
        say(f"[{kind}] menyiapkan basis data (migrate, load_banten)...")
        harness.prepare(env, static=False)
        say(f"[{kind}] {cfg.assignments} penugasan (fan-out)...")
        seeded = _child(env, "seed", str(cfg.assignments), receiver.url, secret)
        say(f"[{kind}] {cfg.workers} worker mengirim {seeded['deliveries']} ...")
        started = time.perf_counter()
        workers = [
            subprocess.Popen(
                [*CHILD, "drain", f"bench-{n}"], env=env, stdout=subprocess.DEVNULL
            )
            for n in range(cfg.workers)
        ]
        for worker in workers:
            worker.wait()
        wall = time.perf_counter() - started
        status = _child(env, "status")
    sent = status["by_status"].get("sent", 0)
    span = status["span_s"] or wall
    received = receiver.received
    return {
        "database": kind,
        "assignments": cfg.assignments,
        "assign_ms_notify_on": seeded["assign_ms_on"],
        "assign_ms_notify_off": seeded["assign_ms_off"],
        "deliveries": seeded["deliveries"],
        "sent": sent,
        "by_status": status["by_status"],
        "workers": cfg.workers,
        "wall_s": round(wall, 2),
        "span_s": round(span, 2),
        "deliveries_per_s": round(sent / span, 1) if span else 0,
        "worker_ms_per_delivery": round(cfg.workers * span * 1000 / sent, 2)
        if sent
        else None,
        "attempt_ms_median": status["attempt_ms_median"],
        "smtp_received": sink.count(),
        "webhooks_received": len(received),
        "webhooks_signed_ok": sum(1 for r in received if r.signature_ok and r.fresh),
    }


def ingest_on_off(kind: str, cfg: NotifyConfig, say: Callable[[str], None]) -> dict:
    icfg = ingest.IngestConfig(
        databases=(kind,),
        duration=cfg.ingest_duration,
        concurrency=cfg.concurrency,
        phases=cfg.ingest_phases,
        # One generator and no baselines: the comparison is on against off.
        generators=("python",),
        baselines=False,
    )
    runs: dict[str, list[dict]] = {"off": [], "on": []}
    for n in range(cfg.repeat):
        for state in ("off", "on") if n % 2 == 0 else ("on", "off"):
            say(f"[{kind}] ingest, notifikasi {state} ({n + 1}/{cfg.repeat}) ...")
            flag = {"DESKPEMILU_NOTIFICATIONS": "true" if state == "on" else "false"}
            runs[state].append(ingest.run_one(kind, replace(icfg), say, flag))
    out: dict[str, dict] = {}
    for phase in cfg.ingest_phases:
        key = f"{phase}/python"
        off = statistics.median(r["phases"][key]["messages_per_s"] for r in runs["off"])
        on = statistics.median(r["phases"][key]["messages_per_s"] for r in runs["on"])
        out[phase] = {
            "off": off,
            "on": on,
            "change_pct": round((on - off) / off * 100, 1) if off else None,
        }
    accounted = all(r["all_accounted"] for rs in runs.values() for r in rs)
    return {"database": kind, "phases": out, "all_accounted": accounted}


def run(cfg: NotifyConfig, say: Callable[[str], None]) -> dict:
    return {
        "machine": harness.machine(),
        "fan_out": [fan_out_and_drain(kind, cfg, say) for kind in cfg.databases],
        "ingest": [ingest_on_off(kind, cfg, say) for kind in cfg.databases]
        if cfg.ingest_phases
        else [],
    }


def report(out: dict, cfg: NotifyConfig) -> str:
    lines = [
        f"Machine: {out['machine']}",
        f"{cfg.assignments} assignments, each to an e-mail (aiosmtpd sink) and a "
        f"signed webhook (http.server receiver), {cfg.workers} worker processes.",
        "",
        "Sending time: first attempt's start to last attempt's end (the workers' "
        "start-up not counted; wall clock with it in brackets). Assign ms: median "
        "of incident_assign with its fan-out, against every sixth with nobody "
        "listening.",
        "",
        "| database | deliveries | sent | sending s | deliveries/s | worker ms per "
        "delivery | attempt ms (median) | assign ms, notifications on / off |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in out["fan_out"]:
        lines.append(
            f"| {r['database']} | {r['deliveries']} | {r['sent']} | {r['span_s']} "
            f"({r['wall_s']}) | "
            f"{r['deliveries_per_s']} | {r['worker_ms_per_delivery']} | "
            f"{r['attempt_ms_median']} | {r['assign_ms_notify_on']} / "
            f"{r['assign_ms_notify_off']} |"
        )
    for r in out["fan_out"]:
        lines.append(
            f"- {r['database']}: sink received {r['smtp_received']} e-mails; receiver "
            f"{r['webhooks_received']} webhooks, {r['webhooks_signed_ok']} correctly "
            f"signed and fresh; by status {r['by_status']}"
        )
    if out["ingest"]:
        lines += [
            "",
            f"Ingest (messages/s, median of {cfg.repeat}; {cfg.ingest_duration:.0f} s "
            "per phase), notifications off against on:",
            "",
            "| database | phase | off | on | change |",
            "|---|---|---|---|---|",
        ]
        for r in out["ingest"]:
            for phase, p in r["phases"].items():
                lines.append(
                    f"| {r['database']} | {phase} | {p['off']:,.0f} | {p['on']:,.0f} | "
                    f"{p['change_pct']:+} % |"
                )
        for r in out["ingest"]:
            verdict = "yes" if r["all_accounted"] else "NO"
            lines.append(f"- {r['database']}: every message accounted for: {verdict}")
    return "\n".join(lines)


# The child processes -----------------------------------------------------------------


def _seed(count: int, url: str, secret: str) -> dict:
    import datetime as dt
    import random

    from django.utils import timezone

    from deskpemilu.accounts.models import Agency, Role
    from deskpemilu.accounts.services import user_create
    from deskpemilu.core.events import announced
    from deskpemilu.incidents import services
    from deskpemilu.incidents.selectors import agencies_covering
    from deskpemilu.notifications.models import Delivery, WebhookEndpoint
    from deskpemilu.notifications.services import event_fan_out
    from deskpemilu.regions.codes import ancestors
    from deskpemilu.regions.models import TPS, Region

    password = secrets.token_urlsafe(12)
    coordinator = user_create(
        username="bench-koordinator",
        password=password,
        agency=Agency.objects.get(code="kesbangpol-banten"),
        role=Role.COORDINATOR,
        region=Region.objects.get(code="36"),
    )
    rng = random.Random(2024)
    every_tps = list(TPS.objects.select_related("desa"))
    polres: dict[str, Agency] = {}  # kab/kota code -> its Polres

    def agency_for(tps: TPS) -> Agency:
        key = ancestors(tps.desa.code)[1]  # the kab/kota
        if key not in polres:
            agency = agencies_covering(tps.desa).filter(kind="polri").last()
            assert agency is not None, tps.code
            polres[key] = agency
            user_create(
                username=f"bench-{agency.code}",
                password=password,
                agency=agency,
                role=Role.LIAISON,
                region=agency.region,
                email=f"{agency.code}@bench.example",
            )
            WebhookEndpoint.objects.create(agency=agency, url=url, secret=secret)
        return polres[key]

    def assign_one() -> float:
        tps = rng.choice(every_tps)
        incident = services.incident_create(
            actor=coordinator,
            category="politik_uang",
            severity="sedang",
            title="Bagi amplop dekat TPS (bench)",
            tps=tps,
            occurred_at=timezone.now() - dt.timedelta(hours=1),
        )
        agency = agency_for(tps)
        started = time.perf_counter()
        services.incident_assign(
            actor=coordinator, incident_id=incident.pk, agency_ids=[agency.pk]
        )
        return (time.perf_counter() - started) * 1000

    for tps in every_tps[:: max(len(every_tps) // 40, 1)]:
        agency_for(tps)  # every liaison and endpoint made before the timing
    on: list[float] = []
    off: list[float] = []
    for n in range(count + count // 5):
        if n % 6 == 5:
            # Every sixth with nobody listening: the fan-out's own cost, measured
            # at the same moments as the rest.
            announced.disconnect(dispatch_uid="notifications.fan_out")
            off.append(assign_one())
            announced.connect(event_fan_out, dispatch_uid="notifications.fan_out")
        else:
            on.append(assign_one())
    deliveries = Delivery.objects.count()
    return {
        "deliveries": deliveries,
        "assign_ms_on": round(statistics.median(on), 2),
        "assign_ms_off": round(statistics.median(off), 2),
    }


def _drain(worker_id: str) -> dict:
    from deskpemilu.desk.schedule import Schedule
    from deskpemilu.desk.worker import DeskWorker
    from deskpemilu.notifications.models import Delivery, DeliveryStatus

    while Delivery.objects.filter(status=DeliveryStatus.QUEUED).exists():
        DeskWorker(
            schedule=Schedule([], worker_id),
            burst=True,
            interval=0.05,
            worker_id=worker_id,
        ).run()
        time.sleep(0.05)
    return {"worker": worker_id}


def _status() -> dict:
    from django.db.models import Count

    from deskpemilu.notifications.models import Delivery, DeliveryAttempt

    by_status = dict(
        Delivery.objects.values_list("status").annotate(n=Count("id")).order_by()
    )
    attempts = list(DeliveryAttempt.objects.values_list("started_at", "duration_ms"))
    if not attempts:
        return {"by_status": by_status, "attempt_ms_median": None, "span_s": None}
    first = min(at for at, _ in attempts)
    last = max(at.timestamp() + ms / 1000 for at, ms in attempts)
    return {
        "by_status": by_status,
        "attempt_ms_median": statistics.median(ms for _, ms in attempts),
        # First attempt's start to last attempt's end: the workers' sending alone,
        # without their processes starting.
        "span_s": round(last - first.timestamp(), 3),
    }


def main(argv: list[str]) -> None:
    import django

    django.setup()
    command, *args = argv
    if command == "seed":
        out = _seed(int(args[0]), args[1], args[2])
    elif command == "drain":
        out = _drain(args[0])
    else:
        out = _status()
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
