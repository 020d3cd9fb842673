"""The synthetic national data set of `bench results`: deterministic, clean except
where errors were injected, and those errors are exactly what the checks find."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command

from deskpemilu.bench.results import load_master, read_truth, scores
from deskpemilu.regions.codes import tps_desa_code
from deskpemilu.regions.models import TPS, Region
from deskpemilu.results import checks, verify
from deskpemilu.results.generator import INJECTED, generate
from deskpemilu.results.models import ResultSheet, SheetFlag
from deskpemilu.results.spec import ARITHMETIC_CHECKS

N = 2_000


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("gen"), N, seed=7)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_same_seed_writes_the_same_files(made, tmp_path):
    again = generate(tmp_path, N, seed=7)
    for name in ("results", "truth", "regions", "tps"):
        assert digest(getattr(again, name)) == digest(getattr(made, name))
    other = generate(tmp_path / "other", N, seed=8)
    assert digest(other.results) != digest(made.results)


def test_the_data_set_has_the_national_shape(made):
    s = made.summary
    assert s["tps"] == N and s["provinsi"] == 38
    assert 0 < s["tps_banten_real"] < N
    # Valid votes within 2 % of the official national total, scaled.
    assert abs(s["suara_sah"] / s["official_suara_sah_scaled"] - 1) < 0.02
    # Prabowo-Gibran first, Anies-Muhaimin second, as in the official result.
    assert s["votes"][1] > s["votes"][0] > s["votes"][2]
    assert s["injected"] == dict.fromkeys(INJECTED, 10)


def test_every_sheet_is_valid_except_the_injected_ones(made):
    sheets = verify.read_all([made.results], "kpu_sirekap")
    assert len(sheets) == N
    flags = checks.check_sheets(sheets) + checks.compare_sources(sheets)
    found = {(sheets.code(f.row), f.check) for f in flags}
    truth = read_truth(made.truth)
    injected = {code for code, _ in truth}
    clean = {code for code, check in found if code not in injected}
    assert not clean, "a sheet without an injected error was flagged"
    assert found == truth
    result = scores(truth, found, sorted({c for _, c in truth}))
    for name, score in result.items():
        assert score["recall"] == 1.0, name
        if name in ARITHMETIC_CHECKS:
            assert score["precision"] == 1.0, name


def test_misreads_are_flagged_with_the_true_value(made):
    sheets = verify.read_all([made.results], "kpu_sirekap")
    offered = {
        sheets.code(f.row): (f.field, f.value, f.expected, f.detail)
        for f in checks.check_sheets(sheets)
        if f.check == "likely_misread"
    }
    with made.truth.open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["check"] == "likely_misread"]
    assert len(rows) == 10
    for row in rows:
        field, value, expected, detail = offered[row["kode_tps"]]
        assert value == int(row["value_read"]) or field == ""
        assert expected == int(row["true_value"]) or (
            f"kemungkinan {row['true_value']} (" in detail
        )


@pytest.mark.django_db
def test_the_master_loads_in_bulk_and_the_import_validates_against_it(made):
    regions_before, tps_before = Region.objects.count(), TPS.objects.count()
    counts = load_master(made.regions, made.tps)
    assert Region.objects.count() == regions_before + counts["regions"]
    assert (
        TPS.objects.count()
        == tps_before + counts["tps_rows"]
        == tps_before + (N - made.summary["tps_banten_real"])
    )
    desa = Region.objects.get(
        code_nodot=tps_desa_code(TPS.objects.order_by("code")[0].code)
    )
    assert desa.level == "desa" and desa.parent.parent.parent.level == "provinsi"
    call_command("import_results", str(made.results))
    assert ResultSheet.objects.count() == N
    stored = set(SheetFlag.objects.values_list("tps_code", "check_name"))
    assert stored == read_truth(made.truth)


@pytest.mark.django_db
def test_flags_written_in_bulk_read_back_as_through_the_orm(made):
    from django.utils import timezone

    from deskpemilu.results import storage
    from deskpemilu.results.services import contest_for

    load_master(made.regions, made.tps)
    call_command("import_results", str(made.results))
    SheetFlag.objects.all().delete()
    sheets = verify.read_all([made.results], "kpu_sirekap")
    found = checks.check_sheets(sheets)
    codes = [sheets.code(f.row) for f in found]
    ids = dict(TPS.objects.filter(code__in=codes).values_list("code", "id"))
    sheet_ids = dict(ResultSheet.objects.values_list("tps_code", "id"))
    now = timezone.now()
    storage.insert_flags(
        found,
        contest_id=contest_for("ppwp").id,
        tps_ids=[ids[c] for c in codes],
        codes=codes,
        sheet_ids=[sheet_ids[c] for c in codes],
        sources=["kpu_sirekap"] * len(found),
        now=now,
    )
    stored = SheetFlag.objects.order_by("tps_code", "check_name")
    assert set(stored.values_list("tps_code", "check_name")) == read_truth(made.truth)
    misread = stored.filter(check_name="likely_misread").first()
    assert misread.status == "open" and misread.created_at == now
    assert misread.sheet.tps_code == misread.tps_code and misread.expected is not None


def test_the_duckdb_baseline_does_the_work_of_the_checks(made):
    """`bench results` compares our checks + recap with DuckDB doing the same work:
    its SQL must flag the same TPS per check as ours and sum the same recap."""
    from deskpemilu.bench.results import step_duckdb_all
    from deskpemilu.results import screens

    duck = step_duckdb_all({"results": str(made.results), "repeat": 1})
    sheets = verify.read_all([made.results], "kpu_sirekap")
    flags = checks.check_sheets(sheets) + screens.outlier_flags(sheets)
    ours = {
        name: len({f.row for f in flags if f.check == name}) for name in duck["flagged"]
    }
    assert duck["flagged"] == ours
    assert sum(ours.values()) > 0
    # The recap's rows: every desa, kecamatan, kab/kota and province, and the nation.
    prefixes = {
        length: {c // 10 ** (13 - length) for c in sheets.codes.tolist()}
        for length in (10, 6, 4, 2)
    }
    assert duck["recap_rows"] == sum(len(p) for p in prefixes.values()) + 1
