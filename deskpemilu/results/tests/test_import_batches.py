"""The import over many batches: new sheets are written while the next batch is
read (a COPY kept open on PostgreSQL, a writer thread on SQLite), flags are stored
at the end. What is stored must not depend on how the file is cut into batches,
and a failure anywhere leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from deskpemilu.core.errors import ImportFailed
from deskpemilu.regions.models import TPS
from deskpemilu.results import layouts
from deskpemilu.results.models import FlagStatus, ResultImport, ResultSheet, SheetFlag
from deskpemilu.results.services import SheetImporter, contest_for, results_import
from deskpemilu.results.tests.conftest import SUMUR

pytestmark = pytest.mark.django_db

SMALL = 600  # bytes: a few Sumur rows per batch, so the file makes ~20 batches
HEADER = (
    "kode_tps,dpt_total,pengguna_hak_pilih_total,suara_1,suara_2,suara_3,"
    "suara_sah,suara_tidak_sah,suara_total\n"
)


def stored() -> tuple[list, list]:
    """Every sheet (without ids and times) and every flag with its sheet's code."""
    sheets = sorted(
        ResultSheet.objects.values_list(
            "tps_code", "source", "is_primary", "suara_sah", "votes", "content_hash"
        )
    )
    flags = sorted(
        SheetFlag.objects.values_list(
            "tps_code", "check_name", "field", "sheet__tps_code", "sheet__source"
        )
    )
    return sheets, flags


def import_file(path: Path, source: str = "kpu_sirekap", **kwargs):
    return results_import(
        path=path, contest=contest_for("ppwp"), source=source, **kwargs
    )


def test_small_batches_store_the_same_sheets_and_flags_as_one_batch():
    seen = []
    report = import_file(SUMUR, block_bytes=SMALL, progress=seen.append)
    assert len(seen) > 10 and sum(seen) == report.rows == 69
    in_batches = stored()
    with transaction.atomic():
        ResultSheet.objects.all().delete()
        import_file(SUMUR)
        assert stored() == in_batches
        transaction.set_rollback(True)
    sheets, flags = in_batches
    assert len(sheets) == 66 and report.flagged == 4
    # Each flag hangs on the sheet of its own TPS and source.
    assert {(f[0], f[4]) for f in flags} == {(f[3], "kpu_sirekap") for f in flags}
    assert {f[0] for f in flags} == {
        "3601012001003",
        "3601012002012",
        "3601012003009",
        "3601012007012",
    }


def test_a_problem_in_the_last_batch_leaves_nothing_written(tmp_path):
    text = SUMUR.read_text(encoding="utf-8").rstrip("\n")
    header = text.splitlines()[0]
    bad = ["9901012001001" if h == "kode_tps" else "" for h in header.split(",")]
    bad[header.split(",").index("suara_sah")] = "5"
    path = tmp_path / "hasil.csv"
    path.write_text(text + "\n" + ",".join(bad) + "\n", encoding="utf-8")
    with pytest.raises(ImportFailed) as failure:
        import_file(path, block_bytes=SMALL)
    assert [p.message for p in failure.value.problems] == ["kode TPS tidak dikenal"]
    assert failure.value.problems[0].line == 71
    assert not ResultSheet.objects.exists()
    assert not ResultImport.objects.exists()
    # The connection is left usable: the corrected file goes in as it is.
    assert import_file(SUMUR, block_bytes=SMALL).created == 66


def test_new_and_changed_sheets_mixed_in_every_batch(tmp_path):
    first = tmp_path / "pertama.csv"
    first.write_text(
        HEADER
        + "3601012001001,289,229,98,118,10,226,3,229\n"
        + "3601012001002,290,240,90,100,40,226,3,229\n"  # sum and voters wrong
        + "3601012001004,298,239,84,126,19,229,10,239\n",
        encoding="utf-8",
    )
    import_file(first)
    old_flags = set(
        SheetFlag.objects.filter(tps_code="3601012001002").values_list(
            "check_name", flat=True
        )
    )
    assert old_flags == {"sum_mismatch", "voters_mismatch"}
    sheet_ids = dict(ResultSheet.objects.values_list("tps_code", "id"))
    second = tmp_path / "kedua.csv"
    second.write_text(
        HEADER
        + "3601012001001,289,229,98,118,10,226,3,229\n"  # the same
        + "3601012001002,290,229,86,100,40,226,3,229\n"  # corrected
        + "3601012001003,295,200,90,90,10,190,10,200\n"  # new
        + "3601012001004,298,239,84,126,20,229,10,239\n"  # changed, now wrong
        + "3601012001005,280,200,100,80,10,190,10,200\n",  # new
        encoding="utf-8",
    )
    report = import_file(second, block_bytes=200)
    assert (report.created, report.updated, report.unchanged) == (2, 2, 1)
    assert report.flagged == 1
    after = dict(ResultSheet.objects.values_list("tps_code", "id"))
    assert {c: after[c] for c in sheet_ids} == sheet_ids  # updated in place
    flags = list(
        SheetFlag.objects.filter(status=FlagStatus.OPEN).values_list(
            "tps_code", "check_name", "sheet_id"
        )
    )
    assert flags == [("3601012001004", "sum_mismatch", after["3601012001004"])]


def test_a_failure_of_the_writer_is_raised_and_nothing_is_kept(tmp_path):
    """A sheet another import stored after this one read the table collides
    with this one's insert: the error is raised, not lost in the writer."""
    path = tmp_path / "hasil.csv"
    path.write_text(HEADER + "3601012001001,289,229,98,118,10,226,3,229\n")
    contest = contest_for("ppwp")
    problems = layouts.Problems(path.name)
    layout = layouts.detect_layout(path, problems, 3)
    with pytest.raises(IntegrityError), transaction.atomic():
        run = ResultImport.objects.create(
            contest=contest, source="kpu_sirekap", file_name=path.name, sha256="-"
        )
        with SheetImporter(contest, "kpu_sirekap", run, problems) as importer:
            ResultSheet.objects.create(
                contest=contest,
                tps=TPS.objects.get(code="3601012001001"),
                tps_code="3601012001001",
                source="kpu_sirekap",
                content_hash=1,
                imported_at=timezone.now(),
            )
            for batch in layouts.read_batches(
                path, layout, problems, source="kpu_sirekap", single_source=True
            ):
                importer.add(batch)
            importer.finish()
    assert not ResultSheet.objects.exists()
    assert not ResultImport.objects.exists()
    with connection.cursor() as cursor:  # the connection is usable
        cursor.execute("SELECT 1")
        assert cursor.fetchone() == (1,)
