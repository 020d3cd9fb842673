"""`deskpemilu bench dashboard`: the situation dashboard against 1,000,000 incidents.

For each database (SQLite, a durable PostgreSQL): a fresh database with Banten loaded,
1,000,000 incidents (and their assignments, and voting-day check-ins) written in bulk
(executemany in one transaction on SQLite, COPY on PostgreSQL; never the ORM row by
row), ANALYZE, one full status recomputation timed, then the production app server
(granian) on loopback and, from this process, the dashboard's data endpoints over HTTP
with a logged-in session: median and p90 latency of each, and the bytes of the map
layers as served (gzip).

The incidents spread like a campaign that heats up: occurred within the last 180 days,
denser towards now (about 23 % in the last 7 days, the status window); 65 % at a TPS,
25 % at a desa, 8 % at a kecamatan, 2 % at a kab/kota; severities ringan 50 %, sedang
30 %, berat 15 %, kritis 5 %; older incidents mostly closed or rejected, recent ones
mostly open; a third with a GPS point; a stage from the schedule shifted so that the
voting day of 2024 falls 3 days ago.
"""

from __future__ import annotations

import datetime as dt
import http.client
import re
import statistics
import time
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from deskpemilu.bench import harness
from deskpemilu.devtools.liveserver import Member
from deskpemilu.regions.codes import widen

CATEGORIES = (
    ("kekerasan", 0.05),
    ("intimidasi", 0.07),
    ("politik_uang", 0.15),
    ("netralitas", 0.08),
    ("logistik", 0.14),
    ("hak_pilih", 0.12),
    ("hoaks_sara", 0.09),
    ("unjuk_rasa", 0.04),
    ("kampanye", 0.14),
    ("bencana", 0.03),
    ("listrik_internet", 0.04),
    ("lainnya", 0.05),
)
SEVERITIES = (("ringan", 0.50), ("sedang", 0.30), ("berat", 0.15), ("kritis", 0.05))
STATUSES = ("baru", "terverifikasi", "ditangani", "selesai", "ditolak")
# Status mix by age: under a day, under a week, older.
STATUS_MIX = (
    (0.50, 0.25, 0.20, 0.03, 0.02),
    (0.15, 0.15, 0.25, 0.35, 0.10),
    (0.02, 0.03, 0.05, 0.75, 0.15),
)
CHANNELS = ("sms", "whatsapp", "telegram", "web", "api", "public")
DEADLINE_HOURS = {"ringan": 72, "sedang": 24, "berat": 6, "kritis": 2}
SPAN_DAYS = 180
VOTING_DAY_AGO = 3  # the stage schedule is shifted so that voting day was 3 days ago
CHECKIN_SHARE = {"buka": 0.97, "tutup": 0.93, "hitung": 0.85, "kirim": 0.70}


@dataclass
class DashboardConfig:
    databases: tuple[str, ...] = ("sqlite", "postgres")
    incidents: int = 1_000_000
    assignment_share: float = 0.3
    requests: int = 40  # per endpoint and scope, after 3 warm-up requests
    workers: int = 2
    threads: int = 4
    seed: int = 2024


# Seeding ------------------------------------------------------------------------


@dataclass
class Places:
    """What the seed needs from the loaded master data."""

    tps: list[tuple[int, str, int]]  # id, code, desa id
    regions: dict[int, tuple[str, str, float | None, float | None]]  # id -> nodot..
    by_level: dict[str, list[int]]
    polres: dict[str, int]  # kab/kota nodot -> agency id
    election: int
    stages: list[tuple[int, dt.date, dt.date]]  # id, start, end (dated, shortest first)
    vote_date: dt.date


@contextmanager
def connect(database_url: str) -> Iterator:
    """A DB-API connection to the bench database (sqlite3 or psycopg)."""
    if database_url.startswith("sqlite:///"):
        import sqlite3

        conn: Any = sqlite3.connect(database_url.removeprefix("sqlite:///"))
    else:
        import psycopg

        conn = psycopg.connect(database_url.replace("postgres://", "postgresql://", 1))
    try:
        yield conn
        conn.commit()
    finally:
        conn.close()


def read_places(conn) -> Places:
    cur = conn.cursor()
    cur.execute("SELECT id, code, desa_id FROM regions_tps ORDER BY id")
    tps = [tuple(row) for row in cur.fetchall()]
    cur.execute(
        "SELECT id, code_nodot, level, centroid_lat, centroid_lng FROM regions_region"
    )
    regions: dict[int, tuple[str, str, float | None, float | None]] = {}
    by_level: dict[str, list[int]] = {}
    for pk, nodot, level, lat, lng in cur.fetchall():
        regions[pk] = (nodot, level, lat, lng)
        by_level.setdefault(level, []).append(pk)
    cur.execute(
        "SELECT a.id, r.code_nodot FROM accounts_agency a JOIN regions_region r "
        "ON r.id = a.region_id WHERE a.kind = 'polri' AND r.level = 'kabkota'"
    )
    polres = {nodot: pk for pk, nodot in cur.fetchall()}
    cur.execute("SELECT id, vote_date FROM elections_election ORDER BY vote_date DESC")
    election, vote_date = cur.fetchone()
    cur.execute(
        "SELECT id, election_id, start_date, end_date FROM elections_stage "
        "WHERE start_date IS NOT NULL AND end_date IS NOT NULL "
        "AND kind <> 'kontinjensi'"
    )
    stages = [
        (pk, _date(start), _date(end))
        for pk, owner, start, end in cur.fetchall()
        if owner == election
    ]
    stages.sort(key=lambda s: ((s[2] - s[1]).days, -s[1].toordinal()))
    return Places(tps, regions, by_level, polres, election, stages, _date(vote_date))


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _choice(rng: np.random.Generator, weighted, n: int) -> np.ndarray:
    names = [name for name, _ in weighted]
    p = np.array([w for _, w in weighted], dtype=float)
    return rng.choice(len(names), size=n, p=p / p.sum())


def _stage_of(places: Places, now: dt.datetime) -> Callable[[dt.date], int | None]:
    """The stage id of a day, on the schedule shifted so voting day was 3 days ago."""
    shift = (now.date() - dt.timedelta(days=VOTING_DAY_AGO)) - places.vote_date
    cache: dict[dt.date, int | None] = {}

    def stage(day: dt.date) -> int | None:
        if day not in cache:
            schedule_day = day - shift
            holding = (
                pk for pk, start, end in places.stages if start <= schedule_day <= end
            )
            cache[day] = next(holding, None)
        return cache[day]

    return stage


def incident_rows(
    places: Places, n: int, now: dt.datetime, seed: int
) -> tuple[list[tuple], list[tuple]]:
    """(incident rows, assignment rows) in occurred_at order, ids 1..n."""
    rng = np.random.default_rng(seed)
    age_h = SPAN_DAYS * 24 * rng.random(n) ** 2.2
    age_h.sort()
    age_h = age_h[::-1]  # oldest first: ids grow with time, as reports arrive
    severity = _choice(rng, SEVERITIES, n)
    category = _choice(rng, CATEGORIES, n)
    status = np.empty(n, dtype=np.int8)
    by_age = (age_h < 24, (age_h >= 24) & (age_h < 168), age_h >= 168)
    for mask, mix in zip(by_age, STATUS_MIX, strict=True):
        status[mask] = rng.choice(len(STATUSES), size=int(mask.sum()), p=mix)
    place_roll = rng.random(n)
    tps_pick = rng.integers(0, len(places.tps), n)
    desa = places.by_level["desa"]
    kec = places.by_level["kecamatan"]
    kab = places.by_level["kabkota"]
    desa_pick = rng.integers(0, len(desa), n)
    kec_pick = rng.integers(0, len(kec), n)
    kab_pick = rng.integers(0, len(kab), n)
    gps = rng.random(n) < 0.33
    jitter = rng.normal(0, 0.004, (n, 2))
    channel = rng.integers(0, len(CHANNELS), n)
    assigned = rng.random(n) < 0.3
    stage_of = _stage_of(places, now)
    base = now.replace(microsecond=0, tzinfo=None) - (
        now.utcoffset() or dt.timedelta(0)
    )
    titles = {name: f"Laporan {name.replace('_', ' ')}" for name, _ in CATEGORIES}
    incidents, assignments = [], []
    for i in range(n):
        roll = place_roll[i]
        tps_id = None
        if roll < 0.65:
            tps_id, _, region_id = places.tps[tps_pick[i]]
        elif roll < 0.90:
            region_id = desa[desa_pick[i]]
        elif roll < 0.98:
            region_id = kec[kec_pick[i]]
        else:
            region_id = kab[kab_pick[i]]
        nodot, _, clat, clng = places.regions[region_id]
        lat = lng = None
        if gps[i] and clat is not None:
            lat = round(clat + jitter[i, 0], 5)
            lng = round(clng + jitter[i, 1], 5)
        occurred = base - dt.timedelta(hours=float(age_h[i]))
        occurred = occurred.replace(microsecond=0)
        created = occurred + dt.timedelta(minutes=7)
        sev = SEVERITIES[severity[i]][0]
        cat = CATEGORIES[category[i]][0]
        st = STATUSES[status[i]]
        wib_day = (occurred + dt.timedelta(hours=7)).date()
        incidents.append(
            (
                i + 1,
                titles[cat],
                "",
                cat,
                sev,
                st,
                "hoaks" if st == "ditolak" else "",
                nodot,
                lat,
                lng,
                occurred,
                CHANNELS[channel[i]],
                1,
                created,
                created,
                places.election,
                region_id,
                stage_of(wib_day),
                tps_id,
            )
        )
        if assigned[i] and st != "ditolak":
            agency = places.polres.get(widen(nodot, "kabkota"))
            if agency is not None:
                deadline = created + dt.timedelta(hours=DEADLINE_HOURS[sev])
                done = created + dt.timedelta(hours=3) if st == "selesai" else None
                assignments.append((i + 1, agency, created, deadline, done, "", ""))
    return incidents, assignments


INCIDENT_COLUMNS = (
    "id, title, description, category, severity, status, reject_reason, area_code, "
    "lat, lng, occurred_at, channel, version, created_at, updated_at, election_id, "
    "region_id, stage_id, tps_id"
)
# case_number: the agency's own number, added to Assignment after this seed was
# written (NOT NULL, empty here).
ASSIGNMENT_COLUMNS = (
    "incident_id, agency_id, assigned_at, deadline, done_at, note, case_number"
)


def checkin_rows(places: Places, seed: int) -> list[tuple]:
    """Voting-day check-ins: most TPS report each stage, some never do."""
    rng = np.random.default_rng(seed + 1)
    day = dt.datetime.combine(places.vote_date, dt.time(0))  # WIB midnight
    hours = {"buka": 7.1, "tutup": 13.2, "hitung": 17.0, "kirim": 19.5}
    rows = []
    for stage, share in CHECKIN_SHARE.items():
        chosen = np.flatnonzero(rng.random(len(places.tps)) < share)
        offsets = rng.normal(0, 0.5, len(chosen))
        for index, offset in zip(chosen.tolist(), offsets.tolist(), strict=True):
            at = day + dt.timedelta(hours=hours[stage] + offset - 7)  # to UTC
            at = at.replace(microsecond=0)
            rows.append((places.tps[index][0], stage, at, at))
    return rows


def seed(database_url: str, n: int, *, now: dt.datetime, seed: int = 2024) -> dict:
    """Write n incidents, their assignments and the check-ins; the counts and time."""
    started = time.perf_counter()
    with connect(database_url) as conn:
        places = read_places(conn)
        incidents, assignments = incident_rows(places, n, now, seed)
        checkins = checkin_rows(places, seed)
        if database_url.startswith("sqlite:///"):
            _write_sqlite(conn, incidents, assignments, checkins)
        else:
            _write_postgres(conn, incidents, assignments, checkins)
    return {
        "incidents": len(incidents),
        "assignments": len(assignments),
        "checkins": len(checkins),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _iso(value):
    return value.isoformat(" ") if isinstance(value, dt.datetime) else value


def _write_sqlite(conn, incidents, assignments, checkins) -> None:
    def rows(data):
        return ([_iso(v) for v in row] for row in data)

    cur = conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=OFF")
    holes = ", ".join("?" * 19)
    cur.executemany(
        f"INSERT INTO incidents_incident ({INCIDENT_COLUMNS}) VALUES ({holes})",
        rows(incidents),
    )
    cur.executemany(
        f"INSERT INTO incidents_assignment ({ASSIGNMENT_COLUMNS}) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows(assignments),
    )
    cur.executemany(
        "INSERT INTO intake_tpscheckin (tps_id, stage, reported_at, created_at) "
        "VALUES (?, ?, ?, ?)",
        rows(checkins),
    )
    conn.commit()
    cur.execute("ANALYZE")
    cur.execute("PRAGMA synchronous=FULL")


def _write_postgres(conn, incidents, assignments, checkins) -> None:
    utc = dt.UTC

    def aware(data):
        for row in data:
            yield [
                v.replace(tzinfo=utc) if isinstance(v, dt.datetime) else v for v in row
            ]

    with conn.cursor() as cur:
        for table, columns, data in (
            ("incidents_incident", INCIDENT_COLUMNS, incidents),
            ("incidents_assignment", ASSIGNMENT_COLUMNS, assignments),
            (
                "intake_tpscheckin",
                "tps_id, stage, reported_at, created_at",
                checkins,
            ),
        ):
            with cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in aware(data):
                    copy.write_row(row)
        cur.execute(
            "SELECT setval(pg_get_serial_sequence('incidents_incident', 'id'), "
            "(SELECT MAX(id) FROM incidents_incident))"
        )
    conn.commit()
    conn.autocommit = True
    conn.execute("VACUUM ANALYZE")


# Measuring over HTTP -------------------------------------------------------------

PASSWORD = "bench-rahasia-123"
MEMBERS = (
    Member("koordinator", "kesbangpol-banten", "coordinator", "36", PASSWORD),
    Member("operator_serang", "pemkot-serang", "operator", "36.73", PASSWORD),
)
COOKIE = re.compile(r"^([^=;\s]+)=([^;]*)")


class Session:
    """A logged-in browser, as far as the benchmark needs one: a keep-alive
    connection, cookies, gzip accepted."""

    def __init__(self, base: str):
        parts = urllib.parse.urlsplit(base)
        self.conn = http.client.HTTPConnection(
            parts.hostname or "", parts.port, timeout=60
        )
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: str | None = None, **headers):
        headers = {"Accept-Encoding": "gzip", **headers}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        for header in response.headers.get_all("Set-Cookie") or ():
            match = COOKIE.match(header)
            if match:
                self.cookies[match.group(1)] = match.group(2)
        return response, data, elapsed

    def login(self, username: str) -> None:
        self.request("GET", "/masuk/")
        body = urllib.parse.urlencode(
            {
                "username": username,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.cookies["csrftoken"],
            }
        )
        response, _, _ = self.request(
            "POST",
            "/masuk/",
            body,
            **{"Content-Type": "application/x-www-form-urlencoded"},
        )
        if response.status != 302 or "sessionid" not in self.cookies:
            raise RuntimeError(f"login as {username} failed ({response.status})")

    def measure(self, path: str, n: int, warmup: int = 3) -> dict:
        times, size, status = [], 0, 0
        for i in range(warmup + n):
            response, data, ms = self.request("GET", path)
            status, size = response.status, len(data)
            if status != 200:
                raise RuntimeError(f"GET {path}: {status} {data[:200]!r}")
            if i >= warmup:
                times.append(ms)
        times.sort()
        return {
            "path": path,
            "p50_ms": round(statistics.median(times), 1),
            "p90_ms": round(times[int(0.9 * (len(times) - 1))], 1),
            "bytes": size,
            "gzip": response.headers.get("Content-Encoding") == "gzip",
        }


def _seconds(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    return float(match.group(1)) if match else float("nan")


def _touch_latest(database_url: str) -> None:
    """A history entry for the newest incident, as a status change writes one: the
    next run recounts today, the busiest day."""
    with connect(database_url) as conn:
        cur = conn.cursor()
        cur.execute("SELECT MAX(id) FROM incidents_incident")
        (latest,) = cur.fetchone()
        now: dt.datetime | str
        now = dt.datetime.now(dt.UTC)
        if database_url.startswith("sqlite:///"):
            now = now.replace(tzinfo=None).isoformat(" ")
        holes = ", ".join(["%s"] * 8)
        sql = (
            "INSERT INTO incidents_incidentevent (at, actor_label, action, "
            "from_status, to_status, changes, note, incident_id) "
            f"VALUES ({holes})"
        )
        if database_url.startswith("sqlite:///"):
            sql = sql.replace("%s", "?")
        cur.execute(
            sql, (now, "bench", "status", "baru", "ditangani", "{}", "", latest)
        )


def recompute(env, database_url: str) -> dict:
    """The worker's run, timed by the command itself: first with every day counted
    (and the first history of every region), then after one report changed today,
    as it runs under --watch."""
    first = harness.cli(env, "situation_recompute", "--rebuild")
    harness.cli(env, "situation_recompute")  # the last run's entries, read again
    _touch_latest(database_url)
    started = time.perf_counter()
    again = harness.cli(env, "situation_recompute")
    wall = time.perf_counter() - started
    return {
        "status_first_s": _seconds(r"wilayah dihitung dalam ([\d.]+)", first),
        "tally_full_s": _seconds(r"dihitung ulang dalam ([\d.]+)", first),
        "status_s": _seconds(r"wilayah dihitung dalam ([\d.]+)", again),
        "tally_s": _seconds(r"dihitung ulang dalam ([\d.]+)", again),
        "command_wall_s": round(wall, 2),
    }


BASELINE = "trivial request (/healthz, baseline)"


def _paths(now: dt.datetime, voting_stage: int | None) -> list[tuple[str, str, str]]:
    """(who, what, path) of every request measured."""
    today = (now + dt.timedelta(hours=7)).date()
    month = f"date_from={today - dt.timedelta(days=29)}&date_to={today}"
    voting_day = today - dt.timedelta(days=VOTING_DAY_AGO)
    stage = f"stage={voting_stage}&date_from={voting_day}&date_to={voting_day}"
    api = "/api/v1/situation"
    return [
        # The same-run baseline: what any request costs on this machine now.
        ("coordinator", BASELINE, "/healthz"),
        ("coordinator", "dashboard page (HTML)", "/"),
        ("coordinator", "summary, province, 7 days", f"{api}/dashboard/36"),
        ("coordinator", "summary, province, 30 days", f"{api}/dashboard/36?{month}"),
        (
            "coordinator",
            "summary, province, voting-day stage",
            f"{api}/dashboard/36?{stage}",
        ),
        (
            "coordinator",
            "summary, kecamatan (counted directly)",
            f"{api}/dashboard/36.03.01",
        ),
        (
            "coordinator",
            "map: incidents, province (2,000)",
            f"{api}/dashboard/36/incidents",
        ),
        (
            "coordinator",
            "map: incidents, 30 days",
            f"{api}/dashboard/36/incidents?{month}",
        ),
        (
            "coordinator",
            "map: status of the kab/kota",
            f"{api}/status?within=36&level=kabkota",
        ),
        (
            "coordinator",
            "map: kab/kota outlines",
            "/api/v1/regions/36/boundaries?depth=1",
        ),
        (
            "coordinator",
            "changes since (polled every 5 s)",
            f"{api}/dashboard/36/changes?event=0&incident=999999999",
        ),
        ("operator", "summary, Kota Serang, 7 days", f"{api}/dashboard/36.73"),
        ("operator", "map: incidents, Kota Serang", f"{api}/dashboard/36.73/incidents"),
        (
            "operator",
            "map: status of its kecamatan",
            f"{api}/status?within=36.73&level=kecamatan",
        ),
        (
            "operator",
            "map: kecamatan outlines",
            "/api/v1/regions/36.73/boundaries?depth=1",
        ),
        (
            "operator",
            "changes since",
            f"{api}/dashboard/36.73/changes?event=0&incident=999999999",
        ),
    ]


LAYERS = {
    "province view (8 kab/kota)": (
        "/api/v1/regions/36/boundaries?depth=1",
        "/api/v1/situation/status?within=36&level=kabkota",
        "/api/v1/situation/dashboard/36/incidents",
    ),
    "Kab. Tangerang view (29 kecamatan)": (
        "/api/v1/regions/36.03/boundaries?depth=1",
        "/api/v1/situation/status?within=36.03&level=kecamatan",
        "/api/v1/situation/dashboard/36.03/incidents",
    ),
    "every desa of Banten at once (not used by the dashboard)": (
        "/api/v1/regions/36/boundaries?depth=3",
        "/api/v1/situation/status?within=36&level=desa",
    ),
}


def _voting_stage(database_url: str) -> int | None:
    with connect(database_url) as conn:
        cur = conn.cursor()
        cur.execute("SELECT id FROM elections_stage WHERE name = 'Pemungutan suara'")
        row = cur.fetchone()
    return row[0] if row else None


def _analyze(database_url: str) -> None:
    """Fresh planner statistics for the tables the worker just filled."""
    with connect(database_url) as conn:
        if database_url.startswith("sqlite:///"):
            conn.execute("ANALYZE")
        else:
            conn.autocommit = True
            conn.execute("ANALYZE situation_daycount, situation_daycategorycount")


def measure(base: str, cfg: DashboardConfig, now: dt.datetime, stage) -> dict:
    sessions = {"coordinator": Session(base), "operator": Session(base)}
    sessions["coordinator"].login("koordinator")
    sessions["operator"].login("operator_serang")
    rows = []
    for who, what, path in _paths(now, stage):
        rows.append(
            {"who": who, "what": what, **sessions[who].measure(path, cfg.requests)}
        )
    layers = {}
    for name, paths in LAYERS.items():
        sizes = [sessions["coordinator"].measure(p, 1, warmup=0) for p in paths]
        layers[name] = {"bytes": sum(s["bytes"] for s in sizes), "parts": sizes}
    return {"requests": rows, "layers": layers}


def run_one(kind: str, cfg: DashboardConfig, say) -> dict:
    now = dt.datetime.now(dt.UTC)
    load_before = harness.load_average()
    with harness.database(kind) as (url, folder):
        env = harness.desk_env(folder, url, {})
        say(f"[{kind}] menyiapkan basis data (migrate, load_banten)...")
        harness.prepare(env, MEMBERS)
        say(f"[{kind}] menulis {cfg.incidents:,} kejadian...")
        seeded = seed(url, cfg.incidents, now=now, seed=cfg.seed)
        say(f"[{kind}] {seeded}; menghitung status dan hitungan dasbor...")
        timings = recompute(env, url)
        _analyze(url)
        say(f"[{kind}] {timings}; mengukur lewat HTTP...")
        with harness.serving(
            env, folder / "server.log", workers=cfg.workers, threads=cfg.threads
        ) as base:
            measured = measure(base, cfg, now, _voting_stage(url))
    return {
        "database": kind,
        "seeded": seeded,
        "recompute": timings,
        "load": (load_before, harness.load_average()),
        **measured,
    }


def run(cfg: DashboardConfig, say) -> list[dict]:
    return [run_one(kind, cfg, say) for kind in cfg.databases]


def _per_trivial(result: dict, i: int) -> str:
    """The request's median over the trivial request's median of the same run."""
    base = next(
        (row["p50_ms"] for row in result["requests"] if row["what"] == BASELINE), None
    )
    return f"{result['requests'][i]['p50_ms'] / base:.1f}x" if base else "-"


def report(results: list[dict], cfg: DashboardConfig) -> str:
    lines = [
        f"Machine: {harness.machine()}",
        f"Server: granian WSGI, {cfg.workers} workers x {cfg.threads} threads; "
        f"client: one keep-alive connection per user, sequential requests, "
        f"{cfg.requests} timed after 3 warm-up; gzip accepted.",
        "",
    ]
    for r in results:
        s = r["seeded"]
        lines.append(
            f"- {r['database']}: seeded {s['incidents']:,} incidents, "
            f"{s['assignments']:,} assignments, {s['checkins']:,} check-ins in "
            f"{s['seconds']} s; load average {r['load'][0]} before, "
            f"{r['load'][1]} after."
        )
    lines += [
        "",
        "| request | user | "
        + " | ".join(
            f"{r['database']} p50 / p90 ms | {r['database']} p50 per trivial"
            for r in results
        )
        + " | bytes (gzip) |",
        "|---|---|" + "---|---|" * len(results) + "---|",
    ]
    for i, row in enumerate(results[0]["requests"]):
        cells = [
            f"{r['requests'][i]['p50_ms']} / {r['requests'][i]['p90_ms']} | "
            f"{_per_trivial(r, i)}"
            for r in results
        ]
        lines.append(
            f"| {row['what']} | {row['who']} | "
            + " | ".join(cells)
            + f" | {row['bytes']:,}{'' if row['gzip'] else ' (plain)'} |"
        )
    lines += [
        "",
        "| recomputation | " + " | ".join(r["database"] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    labels = {
        "status_first_s": "status of all 1,716 regions, first run (s)",
        "status_s": "status of all 1,716 regions, as the worker runs (s)",
        "tally_full_s": "dashboard counts, every day (first run) (s)",
        "tally_s": "dashboard counts, after a report changed today (s)",
        "command_wall_s": "`situation_recompute` command, wall clock (s)",
    }
    for key, label in labels.items():
        lines.append(
            f"| {label} | "
            + " | ".join(str(r["recompute"][key]) for r in results)
            + " |"
        )
    lines += [
        "",
        "| map layers as served | " + " | ".join(r["database"] for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]
    for name in results[0]["layers"]:
        lines.append(
            f"| {name} | "
            + " | ".join(
                f"{r['layers'][name]['bytes'] / 1024:,.0f} KB" for r in results
            )
            + " |"
        )
    return "\n".join(lines)
