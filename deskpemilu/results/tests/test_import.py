"""Importing sheets into the database: stored, checked, idempotent, all or nothing;
sources compared; decisions kept."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.http import Http404

from deskpemilu.desk.bootstrap import DATA
from deskpemilu.results.models import (
    Decision,
    FlagStatus,
    ResultImport,
    ResultSheet,
    SheetFlag,
)
from deskpemilu.results.services import contest_for, decision_record

pytestmark = pytest.mark.django_db

SUMUR = DATA / "results" / "sirekap_pilpres_tps_sample_kec_sumur.csv"
HEADER = (
    "kode_tps,dpt_total,pengguna_hak_pilih_total,suara_1,suara_2,suara_3,"
    "suara_sah,suara_tidak_sah,suara_total\n"
)


def write(tmp_path: Path, text: str, name: str = "hasil.csv") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def import_sumur(*extra: str) -> None:
    call_command("import_results", str(SUMUR), *extra)


def flags_by_tps() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for code, check in SheetFlag.objects.values_list("tps_code", "check_name"):
        out.setdefault(code, set()).add(check)
    return out


def test_the_sumur_sample_is_stored_with_its_flags():
    import_sumur()
    sheets = ResultSheet.objects.filter(source="kpu_sirekap")
    assert sheets.count() == 66
    first = sheets.get(tps_code="3601012001001")
    assert first.votes == [98, 118, 10]
    assert (first.suara_sah, first.pengguna_dpk_total, first.is_primary) == (
        226,
        3,
        True,
    )
    assert first.source_ts.isoformat() == "2024-02-24T15:31:28+00:00"
    votes_only = sheets.get(tps_code="3601012002005")
    assert votes_only.votes == [58, 108, 20] and votes_only.dpt_total is None
    assert flags_by_tps() == {
        "3601012001003": {"dpt_sum_mismatch"},
        "3601012002012": {"sum_mismatch", "total_mismatch", "voters_mismatch"},
        "3601012003009": {"admin_block_empty"},
        "3601012007012": {"admin_block_empty"},
    }
    run = ResultImport.objects.get()
    assert (run.rows, run.created, run.empty, run.flagged) == (69, 66, 3, 4)


def test_importing_the_same_file_again_changes_nothing():
    import_sumur()
    before = list(ResultSheet.objects.values_list("id", "imported_at", "content_hash"))
    flags = list(SheetFlag.objects.values_list("id", flat=True))
    import_sumur()
    assert list(
        ResultSheet.objects.values_list("id", "imported_at", "content_hash")
    ) == (before)
    assert list(SheetFlag.objects.values_list("id", flat=True)) == flags
    again = ResultImport.objects.order_by("-id").first()
    assert (again.created, again.updated, again.unchanged) == (0, 0, 66)


def test_a_corrected_sheet_is_updated_and_its_old_flags_dropped(tmp_path):
    import_sumur()
    fixed = write(
        tmp_path,
        HEADER + "3601012002012,290,243,110,87,31,228,15,243\n",
    )
    call_command("import_results", fixed)
    sheet = ResultSheet.objects.get(tps_code="3601012002012")
    assert (sheet.suara_sah, sheet.suara_total) == (228, 243)
    assert "3601012002012" not in flags_by_tps()
    run = ResultImport.objects.order_by("-id").first()
    assert (run.created, run.updated) == (0, 1)


def snapshot():
    return (
        ResultSheet.objects.count(),
        SheetFlag.objects.count(),
        ResultImport.objects.count(),
    )


def test_a_file_with_bad_rows_is_refused_whole_with_every_problem(tmp_path):
    before = snapshot()
    path = write(
        tmp_path,
        HEADER
        + "3601012001001,289,229,98,118,10,226,3,229\n"
        + "9901012001001,289,229,98,118,10,226,3,229\n"
        + "3601012001001,289,229,98,118,10,226,3,229\n"
        + "3601012001004,298,239,x,126,19,229,10,239\n",
    )
    with pytest.raises(CommandError) as failure:
        call_command("import_results", path)
    text = str(failure.value)
    assert "Impor dibatalkan, tidak ada data yang diubah" in text
    assert "baris 5: kolom suara_1 harus bilangan bulat (nilai: 'x')" in text
    assert snapshot() == before
    path = write(
        tmp_path,
        HEADER
        + "3601012001001,289,229,98,118,10,226,3,229\n"
        + "9901012001001,289,229,98,118,10,226,3,229\n"
        + "3601012001001,289,229,98,118,10,226,3,229\n",
    )
    with pytest.raises(CommandError) as failure:
        call_command("import_results", path)
    text = str(failure.value)
    assert "hasil.csv baris 3: kode TPS tidak dikenal (nilai: '9901012001001')" in text
    assert "hasil.csv baris 4: TPS muncul lebih dari sekali" in text
    assert snapshot() == before


def test_a_candidate_the_contest_does_not_have_is_refused(tmp_path):
    path = write(tmp_path, "kode_tps,suara_1,suara_4\n3601012001001,1,2\n")
    with pytest.raises(CommandError, match="paslon nomor 4 tidak ada"):
        call_command("import_results", path)


def test_a_second_source_is_compared_and_the_best_source_is_primary(tmp_path):
    import_sumur()
    witness = write(
        tmp_path, HEADER + "3601012001001,289,229,98,118,11,227,2,229\n", "saksi.csv"
    )
    call_command("import_results", witness, "--source", "saksi")
    conflicts = SheetFlag.objects.filter(check_name="source_conflict")
    assert sorted(conflicts.values_list("field", "detail")) == [
        ("suara_3", "suara_3: kpu_sirekap 10, saksi 11"),
        ("suara_sah", "suara_sah: kpu_sirekap 226, saksi 227"),
        ("suara_tidak_sah", "suara_tidak_sah: kpu_sirekap 3, saksi 2"),
    ]
    primary = dict(
        ResultSheet.objects.filter(tps_code="3601012001001").values_list(
            "source", "is_primary"
        )
    )
    assert primary == {"kpu_sirekap": True, "saksi": False}
    desk = write(
        tmp_path, HEADER + "3601012001001,289,229,98,118,10,226,3,229\n", "meja.csv"
    )
    call_command("import_results", desk, "--source", "desk")
    primary = dict(
        ResultSheet.objects.filter(tps_code="3601012001001").values_list(
            "source", "is_primary"
        )
    )
    assert primary == {"kpu_sirekap": False, "saksi": False, "desk": True}
    # Conflicts are rebuilt, not repeated.
    assert SheetFlag.objects.filter(check_name="source_conflict").count() == 3


def test_a_decision_is_kept_with_its_reason_and_resolves_the_flags(
    province_coordinator, tmp_path
):
    import_sumur()
    witness = write(
        tmp_path, HEADER + "3601012002012,290,243,110,87,31,228,15,243\n", "saksi.csv"
    )
    call_command("import_results", witness, "--source", "saksi")
    contest = contest_for("ppwp")
    first = decision_record(
        actor=province_coordinator,
        contest=contest,
        tps_code="3601012002012",
        field_name="suara_sah",
        value=227,
        reason="Foto C.Hasil: jumlah suara sah 227",
    )
    second = decision_record(
        actor=province_coordinator,
        contest=contest,
        tps_code="3601012002012",
        field_name="suara_sah",
        value=228,
        reason="Salinan saksi terbaca lebih jelas",
        chosen_source="saksi",
    )
    first.refresh_from_db()
    assert first.superseded_by == second and first.superseded_at is not None
    assert Decision.objects.filter(superseded_at__isnull=True).get() == second
    flags = SheetFlag.objects.filter(tps_code="3601012002012")
    conflict = flags.get(check_name="source_conflict", field="suara_sah")
    assert conflict.status == FlagStatus.RESOLVED
    assert conflict.resolved_by == province_coordinator
    assert conflict.note.startswith(f"keputusan #{first.id}")
    # The flags on other fields stay in the queue.
    assert flags.filter(field="suara_total", status=FlagStatus.OPEN).exists()
    assert flags.filter(check_name="total_mismatch", status=FlagStatus.OPEN).exists()
    # The sheet is checked again with 228: the candidates add up to it now.
    summed = flags.get(check_name="sum_mismatch")
    assert summed.status == FlagStatus.RESOLVED
    assert summed.note.startswith(f"diperiksa ulang setelah keputusan #{second.id}")


def test_decisions_are_for_the_desk_of_the_region_only(leader, kabkota_operator):
    import_sumur()
    contest = contest_for("ppwp")
    args = dict(
        contest=contest,
        tps_code="3601012002012",
        field_name="suara_sah",
        value=228,
        reason="x",
    )
    with pytest.raises(PermissionDenied):
        decision_record(actor=leader, **args)
    with pytest.raises(Http404):
        decision_record(actor=kabkota_operator, **args)
    assert not Decision.objects.exists()
