"""`simulate()`: play a plan into a running desk over HTTP, then compare what was sent
with what the desk holds.

The messages go only through the desk's entry points over HTTP (webhooks, the JSON
API, the public form, the results API). Before sending, the run sets up what those
need through the desk's own services, as its documented commands do
(`import_reporters`: the field officers; `create_api_client`: a token;
`add_member`: a desk member for the results API), so it runs with the desk's
environment (the same DATABASE_URL and secrets). Afterwards it reads back, from that
database, the messages stored since the run began (by channel and kind) and the
result sheets of the planned TPS and sources: `agree` is true when they are exactly
what the desk acknowledged and nothing was refused. Another sender writing to the
desk during the run makes the counts differ.
"""

from __future__ import annotations

import csv
import datetime as dt
import http.client
import json
import re
import secrets as secrets_module
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from deskpemilu.simulate import plan as planning
from deskpemilu.simulate import wire
from deskpemilu.simulate.plan import Message, Plan, Tps

SIM_USER = "simulator"
PROGRESS_EVERY = 2.0  # seconds between progress lines
SHEET_SOURCES = ("kpu_sirekap", "saksi")


@dataclass
class Summary:
    """What a run sent and what the desk holds, per desk channel and kind."""

    seed: int
    start: str
    end: str
    speed: float
    tps: int
    planned: int
    sent_total: int  # messages sent (all of the plan, unless stopped by duration)
    pending: int  # messages the desk stored but has not processed
    minutes: list[dict[str, Any]]  # per real minute: requests, latency percentiles
    sent: dict[str, dict[str, int]]
    held: dict[str, dict[str, int]]
    refused: dict[str, dict[str, int]]  # route -> HTTP status -> count
    why: dict[str, str]  # route -> the desk's first refusal, shortened
    notes: dict[str, int]
    elapsed_s: float
    agree: bool = field(default=False)

    def as_dict(self) -> dict[str, Any]:
        return {
            "seed": self.seed,
            "from": self.start,
            "to": self.end,
            "speed": self.speed,
            "tps": self.tps,
            "planned": self.planned,
            "sent_total": self.sent_total,
            "pending": self.pending,
            "sent": self.sent,
            "held": self.held,
            "refused": self.refused,
            "why": self.why,
            "notes": self.notes,
            "elapsed_s": round(self.elapsed_s, 2),
            "messages_per_s": round(self.sent_total / self.elapsed_s, 1)
            if self.elapsed_s
            else None,
            "minutes": self.minutes,
            "agree": self.agree,
        }

    def text(self) -> str:
        lines = [
            f"Simulasi seed {self.seed}: {self.start} s.d. {self.end}, "
            f"{self.tps} TPS, {self.sent_total} dari {self.planned} pesan dalam "
            f"{self.elapsed_s:.1f} s.",
            f"{'kanal':<14} {'jenis':<10} {'dikirim':>8} {'di desk':>8}",
        ]
        channels = sorted(set(self.sent) | set(self.held))
        for channel in channels:
            kinds = sorted(
                set(self.sent.get(channel, {})) | set(self.held.get(channel, {}))
            )
            for kind in kinds:
                sent = self.sent.get(channel, {}).get(kind, 0)
                held = self.held.get(channel, {}).get(kind, 0)
                mark = "" if sent == held else "  <- beda"
                lines.append(f"{channel:<14} {kind:<10} {sent:>8} {held:>8}{mark}")
        for route, statuses in sorted(self.refused.items()):
            lines.append(f"ditolak {route}: {statuses} ({self.why.get(route, '')})")
        if self.pending:
            lines.append(f"belum diproses: {self.pending}")
        lines.append("Cocok: ya" if self.agree else "Cocok: TIDAK")
        return "\n".join(lines)


# The plan from the desk's TPS --------------------------------------------------------


def desk_tps(seed: int) -> list[Tps]:
    """Every TPS of the desk with its incident weight: from its TPS-rawan record when
    the desk has any, else a class drawn by the seed (plan.synthetic_class)."""
    from deskpemilu.regions.models import TPS
    from deskpemilu.situation import vulnerability
    from deskpemilu.situation.models import TpsVulnerability

    codes = list(TPS.objects.order_by("code").values_list("code", flat=True))
    if not codes:
        raise SimulationError(
            "Desk belum berisi TPS: jalankan `deskpemilu load_banten`."
        )
    rated = {
        row.tps.code: vulnerability.classify(
            row.present(), is_special=int(row.tps.code[-3:]) >= 901
        ).tps_class
        for row in TpsVulnerability.objects.select_related("tps")
    }

    def weight(code: str) -> float:
        if not rated:
            return planning.CLASS_WEIGHTS[planning.synthetic_class(seed, code)]
        return planning.CLASS_WEIGHTS[rated.get(code, vulnerability.KURANG_RAWAN)]

    return [Tps(code, weight(code)) for code in codes]


class SimulationError(RuntimeError):
    """The run cannot start (no TPS, no secret for a channel, login refused)."""


# Setting up through the desk's services ----------------------------------------------


@dataclass
class Access:
    secrets: wire.Secrets
    username: str = SIM_USER
    password: str = ""


def prepare(run: Plan, given: wire.Secrets) -> Access:
    """Register the plan's field officers, make an API client and a desk member for
    the results API (through the services the documented commands call)."""
    from django.conf import settings

    from deskpemilu.accounts.models import Agency, Role, User
    from deskpemilu.accounts.services import user_create
    from deskpemilu.intake.auth import api_client_create
    from deskpemilu.intake.models import Reporter
    from deskpemilu.intake.services import reporters_import
    from deskpemilu.regions.models import Region

    secrets = wire.Secrets(
        gateway_key=given.gateway_key or settings.DESKPEMILU_SMS_GATEWAY_KEY,
        twilio_token=given.twilio_token or settings.DESKPEMILU_TWILIO_AUTH_TOKEN,
        whatsapp_secret=given.whatsapp_secret
        or settings.DESKPEMILU_WHATSAPP_APP_SECRET,
        telegram_secret=given.telegram_secret or settings.DESKPEMILU_TELEGRAM_SECRET,
        api_token=given.api_token,
    )
    needed = {m.route for m in run.messages}
    missing = [
        name
        for route, name, value in (
            (planning.GATEWAY, "DESKPEMILU_SMS_GATEWAY_KEY", secrets.gateway_key),
            (planning.TWILIO, "DESKPEMILU_TWILIO_AUTH_TOKEN", secrets.twilio_token),
            (
                planning.WHATSAPP,
                "DESKPEMILU_WHATSAPP_APP_SECRET",
                secrets.whatsapp_secret,
            ),
            (planning.TELEGRAM, "DESKPEMILU_TELEGRAM_SECRET", secrets.telegram_secret),
        )
        if route in needed and not value
    ]
    if missing:
        raise SimulationError("Rahasia kanal belum diatur: " + ", ".join(missing))
    registered: set[str] = set()
    phones = [officer[0].lstrip("+") for officer in run.officers]
    for chunk in range(0, len(phones), 5000):
        registered.update(
            Reporter.objects.filter(phone__in=phones[chunk : chunk + 5000]).values_list(
                "phone", flat=True
            )
        )
    unregistered: list[tuple[str, str, str]] = [
        officer for officer in run.officers if officer[0].lstrip("+") not in registered
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "pelapor_simulasi.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            out = csv.writer(handle)
            out.writerow(["nama", "telepon", "peran", "kode_tps"])
            for number, tps_code, _route in unregistered:
                out.writerow([f"Petugas {tps_code}", number, "field_officer", tps_code])
        if unregistered:
            reporters_import(path=path)
    if not secrets.api_token:
        _, token = api_client_create(name=f"simulator-{secrets_module.token_hex(3)}")
        secrets = wire.Secrets(**{**secrets.__dict__, "api_token": token})
    password = secrets_module.token_urlsafe(18)
    user = User.objects.filter(username=SIM_USER).first()
    if user is None:
        agency = Agency.objects.order_by("pk").first()
        province = Region.objects.filter(level="provinsi").order_by("code").first()
        if agency is None or province is None:
            raise SimulationError(
                "Desk belum berisi wilayah dan instansi: `load_banten`."
            )
        user = user_create(
            username=SIM_USER,
            password=password,
            agency=agency,
            role=Role.COORDINATOR,
            region=province,
            full_name="Simulator",
        )
    else:  # a new password each run: it is never stored outside the desk
        user.set_password(password)
        user.save(update_fields=["password"])
    return Access(secrets, SIM_USER, password)


# HTTP ----------


class Client:
    """One keep-alive connection to the desk, with the cookies it set."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.base = base_url.rstrip("/")
        self.https = parts.scheme == "https"
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port
        self.cookies: dict[str, str] = {}
        self.conn: http.client.HTTPConnection | None = None

    def _connect(self) -> http.client.HTTPConnection:
        kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
        return kind(self.host, self.port, timeout=60)

    def send(
        self, method: str, path: str, headers: dict[str, str], body: bytes = b""
    ) -> tuple[int, bytes, http.client.HTTPResponse]:
        """One request; sent again once on a broken connection (every message
        carries its provider id, so the desk stores a retry once)."""
        if self.cookies:
            headers = headers | {
                "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            }
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = self._connect()
            try:
                self.conn.request(method, path, body=body or None, headers=headers)
                response = self.conn.getresponse()
                data = response.read()
            except (OSError, http.client.HTTPException):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
                continue
            for value in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, data, response
        raise AssertionError("unreachable")

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()


_CSRF_INPUT = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def _form_token(client: Client, path: str) -> str:
    status, body, _ = client.send("GET", path, {})
    found = _CSRF_INPUT.search(body)
    if status != 200 or not found:
        raise SimulationError(f"{path}: formulir tidak terbaca (HTTP {status}).")
    return found.group(1).decode()


def _login(client: Client, access: Access) -> None:
    token = _form_token(client, "/masuk/")
    body = urlencode(
        {
            "username": access.username,
            "password": access.password,
            "csrfmiddlewaretoken": token,
        }
    ).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Referer": client.base + "/masuk/",
    }
    status, _, _ = client.send("POST", "/masuk/", headers, body)
    if status != 302 or "sessionid" not in client.cookies:
        raise SimulationError(
            f"Masuk sebagai {access.username} ditolak (HTTP {status})."
        )


# Sending ----------


@dataclass
class _Tally:
    sent: Counter[tuple[str, str]] = field(default_factory=Counter)
    refused: Counter[tuple[str, str]] = field(default_factory=Counter)
    why: dict[str, str] = field(default_factory=dict)  # route: the first refusal
    done: int = 0
    sheets: set[tuple[str, str]] = field(default_factory=set)  # (TPS, source) sent
    notes: Counter[str] = field(default_factory=Counter)  # of the messages sent
    latencies: list[tuple[float, float, int]] = field(default_factory=list)


class _Sender:
    """One connection's sending; the tally is shared between connections."""

    def __init__(
        self,
        run: Plan,
        base_url: str,
        access: Access,
        tally: _Tally,
        lock: threading.Lock,
    ) -> None:
        self.run, self.base, self.access = run, base_url.rstrip("/"), access
        self.hooks = Client(base_url)
        self.web = Client(base_url)  # the public form's session
        self.desk = Client(base_url)  # the results API's logged-in session
        self.form_token = ""
        self.tally, self.lock = tally, lock
        self.last = b""  # the last answer, for a refusal's reason

    def close(self) -> None:
        for client in (self.hooks, self.web, self.desk):
            client.close()

    def _count(self, m: Message, ok: bool, status: int, answer: bytes = b"") -> None:
        with self.lock:
            self._count_locked(m, ok, status, answer)

    def _count_locked(self, m: Message, ok: bool, status: int, answer: bytes) -> None:
        if m.route == planning.RESULTS_API:
            self.tally.sheets.add((m.tps_code, str(dict(m.sheet)["source"])))
        for note in filter(None, m.note.split(",")):
            self.tally.notes[note] += 1
        if ok:
            self.tally.sent[(m.channel, m.kind)] += 1
        else:
            self.tally.refused[(m.route, str(status))] += 1
            why = answer.decode("utf-8", "replace")[:300]
            self.tally.why.setdefault(m.route, f"HTTP {status}: {why}")
        self.tally.done += 1

    def _request(self, client: Client, request: wire.Request) -> tuple[int, bytes]:
        status, body, _ = client.send(
            request.method, request.path, dict(request.headers), request.body
        )
        self.last = body
        return status, body

    def one(self, m: Message) -> None:
        seed, secrets = self.run.seed, self.access.secrets
        if m.route == planning.GATEWAY:
            status, _ = self._request(self.hooks, wire.gateway(m, seed, secrets))
            self._count(m, status == 200, status, self.last)
        elif m.route == planning.TWILIO:
            request = wire.twilio(m, seed, secrets, self.base)
            status, _ = self._request(self.hooks, request)
            self._count(m, status == 200, status, self.last)
        elif m.route == planning.WHATSAPP:
            status, _ = self._request(self.hooks, wire.whatsapp(m, seed, secrets))
            self._count(m, status == 200, status, self.last)
        elif m.route == planning.TELEGRAM:
            status, _ = self._request(self.hooks, wire.telegram(m, seed, secrets))
            self._count(m, status == 200, status, self.last)
        elif m.route == planning.API:
            status, _ = self._request(self.hooks, wire.api_one(m, seed, secrets))
            self._count(m, status == 201, status, self.last)
        elif m.route == planning.PUBLIC:
            self._public(m)
        elif m.route == planning.RESULTS_API:
            self._sheet(m)
        else:
            raise ValueError(f"route {m.route!r} is sent in batches")

    def batch(self, messages: list[Message]) -> None:
        request = wire.api_batch(messages, self.run.seed, self.access.secrets)
        status, body = self._request(self.hooks, request)
        results = json.loads(body)["results"] if status == 200 else []
        for m, result in zip(messages, results or [None] * len(messages), strict=True):
            stored = bool(result) and result["status"] != "refused"
            fresh = stored and not result["duplicate"]
            self._count(m, fresh, status if status != 200 else 409, body)

    def _public(self, m: Message) -> None:
        if not self.form_token:
            self.form_token = _form_token(self.web, "/lapor/")
        fields = wire.public_form(m) | {"csrfmiddlewaretoken": self.form_token}
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Referer": self.base + "/lapor/",
        }
        body = urlencode(fields).encode()
        status, self.last, _ = self.web.send("POST", "/lapor/", headers, body)
        # 302: stored and thanked; 422: stored as failed with the form's errors.
        self._count(m, status in (302, 422), status, self.last)

    def _sheet(self, m: Message) -> None:
        if "sessionid" not in self.desk.cookies:
            _login(self.desk, self.access)
        source, sheet = wire.sheet(m)
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": self.desk.cookies.get("csrftoken", ""),
            "Referer": self.base + "/",
        }
        body = json.dumps(sheet).encode()
        path = "/api/v1/results/sheets?" + urlencode({"source": source})
        status, self.last, _ = self.desk.send("POST", path, headers, body)
        self._count(m, status == 201, status, self.last)


# The run ----------


Progress = Callable[[str], None]


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _items(run: Plan) -> list[list[Message]]:
    """What is sent in one request each: a message, or an API batch (sent when its
    first message is due)."""
    items: list[list[Message]] = []
    batches: dict[str, list[Message]] = {}
    for m in run.messages:
        if not m.batch:
            items.append([m])
        elif m.batch in batches:
            batches[m.batch].append(m)
        else:
            batches[m.batch] = [m]
            items.append(batches[m.batch])
    return items


def play(
    run: Plan,
    url: str,
    access: Access,
    speed: float,
    progress: Progress | None = _stderr,
    *,
    concurrency: int = 1,
    duration: float | None = None,
) -> _Tally:
    """Send the plan: at `speed` simulated seconds per real second (0: each message
    as soon as the desk answered the one before), over `concurrency` connections;
    with `duration`, no request starts after that many real seconds."""
    items = iter(_items(run))
    lock = threading.Lock()
    tally = _Tally()
    started = time.monotonic()
    total = len(run.messages)
    last_line = [started]
    failure: list[BaseException] = []

    def work() -> None:
        sender = _Sender(run, url, access, tally, lock)
        try:
            while not failure:
                with lock:
                    item = next(items, None)
                if item is None:
                    return
                first = item[0]
                if speed > 0:
                    due = started + (first.at - run.start).total_seconds() / speed
                    wait = due - time.monotonic()
                    if wait > 0:
                        time.sleep(wait)
                begin = time.monotonic()
                if duration is not None and begin - started > duration:
                    return
                if len(item) > 1 or first.batch:
                    sender.batch(item)
                else:
                    sender.one(first)
                end = time.monotonic()
                with lock:
                    tally.latencies.append((end - started, end - begin, len(item)))
                    if progress and end - last_line[0] >= PROGRESS_EVERY:
                        last_line[0] = end
                        rate = tally.done / (end - started)
                        progress(
                            f"[simulasi] {tally.done}/{total} pesan, waktu simulasi "
                            f"{first.at.astimezone(planning.WIB):%d %b %H:%M} WIB, "
                            f"{rate:.0f}/s"
                        )
        except BaseException as exc:  # stops the others; raised by play()
            failure.append(exc)
        finally:
            sender.close()

    threads = [threading.Thread(target=work) for _ in range(max(1, concurrency))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failure:
        raise failure[0]
    if progress:  # the last line, however short the run was
        progress(f"[simulasi] {tally.done}/{total} pesan terkirim")
    return tally


def minutes(latencies: list[tuple[float, float, int]]) -> list[dict[str, Any]]:
    """Requests, messages and latency percentiles (ms) per real minute of a run."""
    by_minute: dict[int, list[tuple[float, int]]] = {}
    for at, seconds, n in latencies:
        by_minute.setdefault(int(at // 60), []).append((seconds, n))
    out = []
    for minute, rows in sorted(by_minute.items()):
        took = sorted(t for t, _ in rows)

        def pct(p: float, took: list[float] = took) -> float:
            return round(took[min(len(took) - 1, int(p * len(took)))] * 1000, 1)

        out.append(
            {
                "minute": minute + 1,
                "requests": len(rows),
                "messages": sum(n for _, n in rows),
                "p50_ms": pct(0.5),
                "p90_ms": pct(0.9),
                "p99_ms": pct(0.99),
                "max_ms": round(took[-1] * 1000, 1),
            }
        )
    return out


def desk_baseline() -> int:
    from deskpemilu.intake.models import InboundMessage

    return (
        InboundMessage.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    )


def desk_holds(
    baseline: int, sheets: set[tuple[str, str]]
) -> tuple[dict[str, dict[str, int]], int]:
    """What the desk stored: messages after `baseline` by channel and kind, and the
    result sheets of the (TPS, source) pairs sent; and how many of those messages
    are still not processed (pending)."""
    from django.db.models import Count

    from deskpemilu.intake.models import InboundMessage
    from deskpemilu.results.models import ResultSheet

    held: dict[str, dict[str, int]] = {}
    rows = (
        InboundMessage.objects.filter(pk__gt=baseline)
        .values("channel", "kind")
        .annotate(n=Count("pk"))
        .order_by("channel", "kind")
    )
    for row in rows:
        held.setdefault(row["channel"], {})[row["kind"]] = row["n"]
    wanted = sheets
    if wanted:
        found = ResultSheet.objects.filter(
            tps_code__in={code for code, _ in wanted}, source__in=SHEET_SOURCES
        ).values_list("tps_code", "source")
        n = sum(1 for pair in found if pair in wanted)
        held.setdefault(planning.RESULTS_API, {})[planning.SHEET] = n
    pending = InboundMessage.objects.filter(pk__gt=baseline, status="pending").count()
    return held, pending


def _nested(counter: Counter[tuple[str, str]]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for (a, b), n in sorted(counter.items()):
        out.setdefault(a, {})[b] = n
    return out


def simulate(
    url: str,
    seed: int,
    start: dt.datetime,
    end: dt.datetime,
    speed: float = 0.0,
    *,
    tps: int | None = None,
    incidents: float = 1.0,
    secrets: wire.Secrets | None = None,
    progress: Progress | None = _stderr,
    concurrency: int = 1,
    duration: float | None = None,
) -> Summary:
    """Play `start`..`end` of the calendar over `tps` of the desk's TPS (all when
    None) into the desk at `url`; the summary of what was sent and what it holds.
    `concurrency` connections send at once; `duration` (real seconds) stops the run
    early (the summary then counts what was sent)."""
    chosen = planning.choose_tps(seed, desk_tps(seed), tps)
    run = planning.make_plan(seed, chosen, start, end, incidents=incidents)
    if progress:
        progress(f"[simulasi] {len(run.messages)} pesan untuk {len(chosen)} TPS")
    access = prepare(run, secrets or wire.Secrets())
    baseline = desk_baseline()
    began = time.monotonic()
    tally = play(
        run, url, access, speed, progress, concurrency=concurrency, duration=duration
    )
    elapsed = time.monotonic() - began
    sent = _nested(tally.sent)
    held, pending = desk_holds(baseline, tally.sheets)
    return Summary(
        seed=seed,
        start=start.isoformat(),
        end=end.isoformat(),
        speed=speed,
        tps=len(chosen),
        planned=len(run.messages),
        sent_total=tally.done,
        pending=pending,
        minutes=minutes(tally.latencies),
        sent=sent,
        held=held,
        refused=_nested(tally.refused),
        why=tally.why,
        notes=dict(sorted(tally.notes.items())),
        elapsed_s=elapsed,
        agree=sent == held and not tally.refused and not pending,
    )
