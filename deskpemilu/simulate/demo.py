"""`deskpemilu demo`: a living desk for a first look. A simulated voting day over a few
hundred of Banten's TPS, sent over HTTP into the running desk (the simulator,
docs/simulator.md), then worked as a desk would work it through the services
(verify, reject a hoax, assign, handle, close), and the statuses and dashboard
counts computed as of the demo's clock. A marker file in VAR_DIR
(core/deskmode.py) puts the DEMO DATA banner on every page and sets the desk's
default "as of" to the simulated moment; `deskpemilu demo --clear` removes what the
demo added and the marker. docs/demo.md.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import transaction
from django.db.models import Max, Model, ProtectedError

from deskpemilu.core import deskmode
from deskpemilu.simulate import plan as planning
from deskpemilu.simulate import run as simulation
from deskpemilu.simulate.plan import WIB, Message, Plan
from deskpemilu.simulate.wire import Secrets

START = dt.datetime(2024, 2, 14, 5, 0, tzinfo=WIB)
CLOCK = dt.datetime(2024, 2, 15, 1, 0, tzinfo=WIB)  # the demo desk's "now"
LABEL = "hari pemungutan suara, 14 Februari 2024 05.00 - 15 Februari 01.00 WIB"
SEED = 2024
TPS = 300
INCIDENTS = 40.0  # a few hundred TPS see few incidents at the real rate
PUBLIC_FORM_KEPT = 4  # the public form's limit per address is 5 per 10 minutes
# What a demo may add, cleared by primary key above the marker's baseline; the
# apps' order is the order of deletion's passes (dependants first).
DEMO_APPS = ("results", "situation", "coordination", "media", "incidents", "intake")

Progress = Callable[[str], None]


class DemoError(RuntimeError):
    """The demo cannot start (already there, desk not up, no TPS)."""


def desk_is_fresh() -> bool:
    """No message, incident or sheet yet: the demo may fill it without mixing."""
    from deskpemilu.incidents.models import Incident
    from deskpemilu.intake.models import InboundMessage
    from deskpemilu.results.models import ResultSheet

    return not (
        InboundMessage.objects.exists()
        or Incident.objects.exists()
        or ResultSheet.objects.exists()
    )


def wait_for(url: str, timeout: float, progress: Progress | None) -> None:
    """Wait until the desk answers /healthz (it may still be starting)."""
    deadline = time.monotonic() + timeout
    said = False
    while True:
        try:
            with urllib.request.urlopen(url.rstrip("/") + "/healthz", timeout=5):
                return
        except (urllib.error.URLError, OSError) as exc:
            if time.monotonic() > deadline:
                raise DemoError(f"Desk di {url} tidak menjawab: {exc}") from exc
            if progress and not said:
                progress(f"[demo] menunggu desk di {url} ...")
                said = True
            time.sleep(1.0)


def _models() -> list[type[Model]]:
    return [m for label in DEMO_APPS for m in apps.get_app_config(label).get_models()]


def baseline() -> dict[str, int]:
    """The highest primary key of every model a demo may add to."""
    out = {}
    for model in _models():
        top = model._default_manager.aggregate(top=Max("pk"))["top"]
        out[model._meta.label] = int(top or 0)
    return out


def _routed(run: Plan, secrets: Secrets) -> Plan:
    """The plan over the channels this desk can take: a message for a channel
    without its secret goes over the JSON API (an agency's system relaying it);
    Telegram's (a chat id, no phone) is left out without its secret; the public form
    keeps the few one address may send."""
    from django.conf import settings

    has = {
        planning.GATEWAY: bool(
            secrets.gateway_key or settings.DESKPEMILU_SMS_GATEWAY_KEY
        ),
        planning.TWILIO: bool(
            secrets.twilio_token or settings.DESKPEMILU_TWILIO_AUTH_TOKEN
        ),
        planning.WHATSAPP: bool(
            secrets.whatsapp_secret or settings.DESKPEMILU_WHATSAPP_APP_SECRET
        ),
        planning.TELEGRAM: bool(
            secrets.telegram_secret or settings.DESKPEMILU_TELEGRAM_SECRET
        ),
    }
    limit = settings.DESKPEMILU_PUBLIC_FORM_LIMIT
    kept_public = min(PUBLIC_FORM_KEPT, max(limit - 1, 0))
    messages: list[Message] = []
    public = 0
    for m in run.messages:
        if m.route == planning.TELEGRAM and not has[m.route]:
            continue
        if m.route in has and not has[m.route]:
            m = dataclasses.replace(m, route=planning.API, batch="")
        if m.route == planning.PUBLIC:
            public += 1
            if public > kept_public:
                continue
        messages.append(m)
    return dataclasses.replace(run, messages=tuple(messages))


def _work_incidents(first_pk: int, clock: dt.datetime) -> Counter[str]:
    """Move the demo's incidents to several states as a desk would, through the
    services: some stay new, a hoax is rejected, some are verified, some assigned
    (a few already past their deadline at the clock), handled, closed."""
    from deskpemilu.accounts.models import User
    from deskpemilu.core.errors import DeskError
    from deskpemilu.incidents import services
    from deskpemilu.incidents.models import Incident
    from deskpemilu.incidents.selectors import agencies_covering

    actor = User.objects.get(username=simulation.SIM_USER)
    done: Counter[str] = Counter()
    incidents = Incident.objects.filter(pk__gt=first_pk).order_by("pk")
    for n, incident in enumerate(incidents.select_related("region")):
        step = n % 10
        try:
            if step in (0, 1, 2):
                done["baru"] += 1
                continue
            if step == 3:
                services.incident_transition(
                    actor=actor,
                    incident_id=incident.pk,
                    version=None,
                    target="ditolak",
                    reason="hoaks",
                    note="Demo: tidak terbukti setelah dicek ke PPK.",
                )
                done["ditolak"] += 1
                continue
            services.incident_transition(
                actor=actor,
                incident_id=incident.pk,
                version=None,
                target="terverifikasi",
            )
            if step in (4, 5):
                done["terverifikasi"] += 1
                continue
            agency = agencies_covering(incident.region).order_by("pk").first()
            if agency is None:
                done["terverifikasi"] += 1
                continue
            # Deadlines from the incident's time: at the demo's clock the earliest
            # are already past (the overdue list has rows).
            due = incident.occurred_at + dt.timedelta(hours=4 if step == 6 else 30)
            services.incident_assign(
                actor=actor,
                incident_id=incident.pk,
                agency_ids=[agency.pk],
                deadline=due,
                note="Demo: mohon ditindaklanjuti.",
            )
            if step in (6, 7):
                done["ditugaskan"] += 1
                continue
            services.incident_transition(
                actor=actor, incident_id=incident.pk, version=None, target="ditangani"
            )
            if step == 8:
                done["ditangani"] += 1
                continue
            services.incident_transition(
                actor=actor,
                incident_id=incident.pk,
                version=None,
                target="selesai",
                note="Demo: sudah ditangani di lapangan.",
            )
            done["selesai"] += 1
        except DeskError:  # a state this incident cannot take: leave it as it is
            done["dilewati"] += 1
    return done


def recompute(at: dt.datetime | None) -> None:
    """Statuses, day counts and the clock-bound figures, as of `at`."""
    from deskpemilu.situation.services import (
        figures_refresh,
        status_recompute,
        tally_refresh,
    )

    status_recompute(at=at)
    tally_refresh(full=True)
    figures_refresh(at=at)


def play(
    url: str,
    *,
    seed: int = SEED,
    tps: int = TPS,
    incidents: float = INCIDENTS,
    progress: Progress | None = simulation._stderr,
) -> dict[str, Any]:
    """Play the demo into the desk at `url` and mark it; the marker's contents."""
    if deskmode.demo_info() is not None:
        raise DemoError(
            "Data demo sudah ada: hapus dulu dengan `deskpemilu demo --clear`."
        )
    before = baseline()
    chosen = planning.choose_tps(seed, simulation.desk_tps(seed), tps)
    run = _routed(
        planning.make_plan(seed, chosen, START, CLOCK, incidents=incidents), Secrets()
    )
    if progress:
        progress(
            f"[demo] {len(run.messages)} pesan untuk {len(chosen)} TPS, lewat HTTP"
        )
    access = simulation.prepare(run, Secrets())
    tally = simulation.play(run, url, access, 0.0, progress, concurrency=2)
    if progress:
        progress(
            f"[demo] {tally.done} pesan terkirim; kejadian dikerjakan seperti desk"
        )
    worked = _work_incidents(before["incidents.Incident"], CLOCK)
    recompute(CLOCK)
    info = {
        "label": LABEL,
        "seed": seed,
        "tps": len(chosen),
        "from": START.isoformat(),
        "clock": CLOCK.isoformat(),
        "sent": tally.done,
        "incidents": dict(worked),
        "baseline": before,
    }
    deskmode.demo_mark(info)
    if progress:
        progress(f"[demo] siap: {tally.done} pesan, kejadian {dict(worked)}")
    return info


def clear(progress: Progress | None = simulation._stderr) -> dict[str, int]:
    """Remove what the demo added (every row above its baseline in the demo's apps,
    and its `simulator` member), then the marker; statuses and counts are computed
    again at the real now. Rows added after the demo began, by anyone, go too:
    clear it before real work begins (docs/demo.md)."""
    from deskpemilu.accounts.models import User

    info = deskmode.demo_info()
    if info is None:
        raise DemoError("Tidak ada data demo di desk ini.")
    base: dict[str, int] = info.get("baseline", {})
    removed: dict[str, int] = {}
    with transaction.atomic():
        pending = _models()
        for _pass in range(len(pending) + 1):
            blocked = []
            for model in pending:
                rows = model._default_manager.filter(
                    pk__gt=base.get(model._meta.label, 0)
                )
                try:
                    with transaction.atomic():
                        _, by_model = rows.delete()
                except ProtectedError:
                    blocked.append(model)
                    continue
                for label, n in by_model.items():
                    if n:
                        removed[label] = removed.get(label, 0) + n
            pending = blocked
            if not pending:
                break
        else:
            raise DemoError(f"Tidak dapat dihapus: {pending}")
        User.objects.filter(username=simulation.SIM_USER).delete()
    deskmode.demo_unmark()
    recompute(None)
    if progress:
        progress(f"[demo] dihapus: {sum(removed.values())} baris")
    return removed
