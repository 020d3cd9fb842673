"""`deskpemilu bench sitrep`: the situation report of a province's election day with
10,000 incidents.

For each database (SQLite, a durable PostgreSQL): a fresh database with Banten loaded,
the incidents of one day (14 February 2024, 06:00 to 06:00 WIB) written in bulk by
the dashboard benchmark's seed (its mix of places, severities, statuses and
assignments, the times moved into the day), the voting day's check-ins, and the
region status recomputed. Then, in a separate process against that database (as
`deskpemilu sitrep` runs): the content gathered once, and each format rendered from
it; the median and the slowest of `--repeat` runs after one warm-up. The targets are
2 s for the PDF and 2 s for the DOCX.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import time
from typing import Any

import numpy as np

from deskpemilu.bench import harness, situation

DAY_START = dt.datetime(2024, 2, 13, 23, 0)  # 14 Feb 2024 06:00 WIB, in UTC
TARGETS = {"pdf": 2.0, "docx": 2.0}


def day_rows(
    places: situation.Places, n: int, seed: int
) -> tuple[list[tuple], list[tuple]]:
    """The dashboard seed's incidents and assignments, moved into one day."""
    incidents, assignments = situation.incident_rows(
        places, n, DAY_START.replace(tzinfo=dt.UTC) + dt.timedelta(days=1), seed
    )
    rng = np.random.default_rng(seed + 7)
    offsets = np.sort(rng.random(len(incidents)) * 86_400)
    stage = _voting_stage(places)
    created: dict[int, dt.datetime] = {}
    moved = []
    for row, offset in zip(incidents, offsets, strict=True):
        occurred = DAY_START + dt.timedelta(seconds=int(offset))
        made = occurred + dt.timedelta(minutes=7)
        created[row[0]] = made
        moved.append(
            (
                *row[:10],
                occurred,
                row[11],
                row[12],
                made,
                made,
                row[15],
                row[16],
                stage,
                row[18],
            )
        )
    tasks = [
        (i, agency, created[i], created[i] + (deadline - made), done, *rest)
        for i, agency, made, deadline, done, *rest in assignments
    ]
    return moved, tasks


def _voting_stage(places: situation.Places) -> int | None:
    holding = (pk for pk, s, e in places.stages if s <= places.vote_date <= e)
    return next(holding, None)


def seed(database_url: str, n: int, seed_value: int = 2024) -> dict[str, Any]:
    started = time.perf_counter()
    with situation.connect(database_url) as conn:
        places = situation.read_places(conn)
        incidents, assignments = day_rows(places, n, seed_value)
        checkins = situation.checkin_rows(places, seed_value)
        if database_url.startswith("sqlite:///"):
            situation._write_sqlite(conn, incidents, assignments, checkins)
        else:
            situation._write_postgres(conn, incidents, assignments, checkins)
    return {
        "incidents": len(incidents),
        "assignments": len(assignments),
        "checkins": len(checkins),
        "seconds": round(time.perf_counter() - started, 1),
    }


def measure(repeat: int) -> dict[str, Any]:
    """In the benchmark's own Django process: gather once per run, render each
    format from the content; seconds per run."""
    from deskpemilu.accounts.access import desk_reader
    from deskpemilu.core.timeutil import WIB
    from deskpemilu.regions.models import Region
    from deskpemilu.reports import render, selectors

    province = Region.objects.get(code="36")
    start = dt.datetime(2024, 2, 14, 6, 0, tzinfo=WIB)
    end = start + dt.timedelta(days=1)

    def gather():
        return selectors.report_content(desk_reader(), province, start, end)

    content = gather()  # warm-up: typst's fonts, the templates, the caches
    sizes = {fmt: len(render.render(content, fmt)) for fmt in ("pdf", "docx", "html")}
    runs: dict[str, list[float]] = {"gather": [], "pdf": [], "docx": [], "html": []}
    for _ in range(repeat):
        clock = time.perf_counter()
        content = gather()
        runs["gather"].append(time.perf_counter() - clock)
        for fmt in ("pdf", "docx", "html"):
            clock = time.perf_counter()
            render.render(content, fmt)
            runs[fmt].append(time.perf_counter() - clock)
    return {
        "statement": content.statement.text,
        "significant_rows": len(content.incidents),
        "sizes": sizes,
        "seconds": {
            k: {"median": statistics.median(v), "max": max(v)} for k, v in runs.items()
        },
    }


def run_one(kind: str, n: int, repeat: int, say) -> dict[str, Any]:
    with harness.database(kind) as (url, folder):
        env = harness.desk_env(folder, url, {})
        say(f"[{kind}] menyiapkan basis data (migrate, load_banten)...")
        harness.prepare(env, (), static=False)
        say(f"[{kind}] menulis {n:,} kejadian satu hari...")
        seeded = seed(url, n)
        harness.cli(env, "situation_recompute")
        say(f"[{kind}] {seeded}; mengukur laporan...")
        out = harness.cli(env, "bench", "sitrep", "--inner", "--repeat", str(repeat))
    return {"database": kind, "seeded": seeded, **json.loads(out)}


def report(results: list[dict[str, Any]], repeat: int) -> str:
    lines = [
        f"Machine: {harness.machine()}",
        f"Each figure: the median (and slowest) of {repeat} runs after a warm-up, "
        "in one process; gather = the content from the database, once per run.",
        "",
        "| database | incidents | gather | PDF | DOCX | HTML | PDF bytes "
        "| DOCX bytes |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in results:

        def cell(name: str, s: dict[str, Any] = r["seconds"]) -> str:
            mark = ""
            if name in TARGETS:
                mark = " ✓" if s[name]["median"] < TARGETS[name] else " ✗"
            return f"{s[name]['median']:.2f} s ({s[name]['max']:.2f}){mark}"

        lines.append(
            f"| {r['database']} | {r['seeded']['incidents']:,} | {cell('gather')} | "
            f"{cell('pdf')} | {cell('docx')} | {cell('html')} | "
            f"{r['sizes']['pdf']:,} | {r['sizes']['docx']:,} |"
        )
    lines += ["", f"Statement: {results[0]['statement']}" if results else ""]
    return "\n".join(lines)
