"""The recap from the database equals the same recap computed directly, sheet by
sheet in Python, on a generated national set with unknown values, sheets of
other sources and decisions: every number, every level."""

from __future__ import annotations

from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db import connection, transaction

from deskpemilu.bench.results import load_master
from deskpemilu.core.db import postgres
from deskpemilu.results.areas import recap_table, sheet_value
from deskpemilu.results.generator import generate
from deskpemilu.results.models import Decision, ResultSheet
from deskpemilu.results.services import (
    contest_for,
    decision_record,
    desa_sums_rebuild,
)
from deskpemilu.results.spec import field_names
from deskpemilu.results.storage import desa_sums

N = 1_500


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("gen"), N, seed=11)


def direct_recap(contest, prefix: str) -> dict[str, tuple[int, list, list]]:
    """Per area under `prefix` (desa up to the nation, "" = nation): (primary
    sheets, sum and known count of each field), the desk's decisions in place."""
    names = field_names(contest.candidates.count())
    decided = {
        (code, name): value
        for code, name, value in Decision.objects.filter(
            contest=contest, superseded_at__isnull=True
        ).values_list("tps_code", "field", "value")
    }
    out: dict[str, list] = defaultdict(lambda: [0, [0] * len(names), [0] * len(names)])
    sheets = ResultSheet.objects.filter(
        contest=contest, is_primary=True, tps_code__startswith=prefix
    )
    for sheet in sheets:
        for length in (10, 6, 4, 2, 0):
            area = out[sheet.tps_code[:length]]
            area[0] += 1
            for j, name in enumerate(names):
                key = (sheet.tps_code, name)
                value = decided[key] if key in decided else sheet_value(sheet, name)
                if value is not None:
                    area[1][j] += value
                    area[2][j] += 1
    return {code: (n, sums, known) for code, (n, sums, known) in out.items()}


def table_as_dict(table) -> dict[str, tuple[int, list, list]]:
    return {
        code: (
            int(table.sheets[i]),
            table.sums[i].tolist(),
            table.known[i].tolist(),
        )
        for i, code in enumerate(table.codes)
    }


@pytest.mark.django_db
def test_the_recap_equals_the_sheets_summed_one_by_one(made, province_coordinator):
    load_master(made.regions, made.tps)
    call_command("import_results", str(made.results))
    contest = contest_for("ppwp")
    primary = list(ResultSheet.objects.filter(contest=contest).order_by("tps_code"))
    # Unknown values: a field, a vote, a short votes list, a whole sheet's votes.
    for i, sheet in enumerate(primary[:60]):
        if i % 3 == 0:
            sheet.suara_sah = None
        sheet.votes = [None, *sheet.votes[1:]] if i % 2 else sheet.votes[:1]
        if i % 5 == 0:
            sheet.votes, sheet.dpt_total = [], None
        sheet.save()
    # Sheets of another source that are not primary: never summed.
    for sheet in primary[100:130]:
        sheet.pk, sheet.source, sheet.is_primary = None, "saksi", False
        sheet.suara_sah, sheet.votes = 1_000_000, [1_000_000] * 3
        sheet.save()
    # Written here by the ORM, not the import: the kept sums are summed again.
    desa_sums_rebuild(contest=contest)
    # Decisions (in Banten, the coordinator's province), one clearing a value.
    banten = [s.tps_code for s in primary if s.tps_code.startswith("36")]
    for n, code in enumerate(banten[:5]):
        decision_record(
            actor=province_coordinator,
            contest=contest,
            tps_code=code,
            field_name="suara_2" if n else "suara_sah",
            value=None if n == 4 else 111 * n,
            reason="keputusan uji",
        )
    assert Decision.objects.filter(value__isnull=True).exists()
    for prefix in ("", "36", banten[0][:4], banten[0][:10]):
        assert table_as_dict(recap_table(contest, prefix)) == direct_recap(
            contest, prefix
        )
    assert recap_table(contest).sheet_count("") == len(primary) == N


@pytest.mark.django_db
def test_the_recap_leaves_the_callers_transaction_settings_as_they_were(sumur):
    """PostgreSQL: JIT, parallel workers and sequential scans are off for the
    recap's statement only."""
    if not postgres():
        pytest.skip("PostgreSQL settings")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL jit = on")
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 1")
        before = settings_now(cursor)
        codes, data = desa_sums(sumur.id, sumur.candidates.count())
        assert data[:, 0].sum() == 66
        assert settings_now(cursor) == before == ("on", "1", "on")


def settings_now(cursor) -> tuple[str, str, str]:
    cursor.execute(
        "SELECT current_setting('jit'), "
        "current_setting('max_parallel_workers_per_gather'), "
        "current_setting('enable_seqscan')"
    )
    return cursor.fetchone()


@pytest.mark.django_db
def test_the_desa_drive_the_recap_whatever_the_statistics(sumur):
    """PostgreSQL: right after a national import, without statistics, the planner
    once put the sheets outside and scanned the regions' index up to each sheet's
    code (minutes). The statement's plan has the regions outside, each desa's sheets
    read by the index's range inside: the shape of the SQL, not the statistics."""
    if not postgres():
        pytest.skip("PostgreSQL plan")
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        desa_sums(sumur.id, sumur.candidates.count())
    (sql,) = [q["sql"] for q in captured if q["sql"].startswith("SELECT r.code_nodot")]
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}")
        plan = cursor.fetchone()[0][0]["Plan"]
    while plan["Node Type"] in ("Sort", "Result", "Gather", "Gather Merge"):
        plan = plan["Plans"][0]
    assert plan["Node Type"] == "Nested Loop"
    outer, inner = plan["Plans"]
    assert outer["Relation Name"] == "regions_region"
    assert inner["Node Type"] == "Aggregate"


def _sheet_reads(sql: str, params) -> int:
    """How much reading the recap's statement takes: on PostgreSQL the sheets'
    rows its plan reads (EXPLAIN ANALYZE, every loop); on SQLite the virtual
    machine's steps (its progress handler, called every 100)."""
    with connection.cursor() as cursor:
        if postgres():
            cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
            plans, reads = [cursor.fetchone()[0][0]["Plan"]], 0
            while plans:
                plan = plans.pop()
                plans += plan.get("Plans", [])
                if plan.get("Relation Name") == ResultSheet._meta.db_table:
                    rows = plan["Actual Rows"] + plan.get("Rows Removed by Filter", 0)
                    reads += rows * plan["Actual Loops"]
            return reads
        steps = [0]

        def step() -> int:
            steps[0] += 1
            return 0

        raw = connection.connection
        raw.set_progress_handler(step, 100)
        try:
            cursor.execute(sql, params)
            cursor.fetchall()
        finally:
            raw.set_progress_handler(None, 100)
        return steps[0]


@pytest.fixture(scope="module")
def many_desa(tmp_path_factory):
    """Enough TPS that a province has tens of desa."""
    return generate(tmp_path_factory.mktemp("gen"), 8_000, seed=12)


@pytest.mark.django_db
def test_an_areas_recap_reads_its_own_sheets_once(many_desa):
    """The recap of a province, kab/kota or kecamatan reads each of its sheets once,
    not all of the area's sheets again for each of its desa (SQLite used the
    area's range on the sheets instead of the desa's: 3.2 s for Banten's recap at
    national scale). Measured against the nation's recap of the same data."""
    from django.test.utils import CaptureQueriesContext

    made = many_desa
    load_master(made.regions, made.tps)
    # As a production database is when results come in: statistics of the master
    # data taken before (the bench's settle step), none of the sheets yet.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    call_command("import_results", str(made.results))
    contest = contest_for("ppwp")
    codes = list(
        ResultSheet.objects.filter(contest=contest).values_list("tps_code", flat=True)
    )

    def cost(prefix: str) -> float:
        with CaptureQueriesContext(connection) as captured:
            desa_sums(contest.id, contest.candidates.count(), prefix)
        (sql,) = [
            q["sql"] for q in captured if q["sql"].startswith("SELECT r.code_nodot")
        ]
        # The captured text has its parameters in place.
        return _sheet_reads(sql, None) / sum(c.startswith(prefix) for c in codes)

    nation = cost("")
    province = max(
        {c[:2] for c in codes}, key=lambda p: sum(c.startswith(p) for c in codes)
    )
    for prefix in (province, province + "01"):
        assert cost(prefix) <= 2 * nation, prefix
