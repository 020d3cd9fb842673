"""Reading result files and the database-free verdicts (verify_results)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from deskpemilu.core.errors import ImportFailed
from deskpemilu.desk.bootstrap import DATA
from deskpemilu.results import layouts, verify
from deskpemilu.results.spec import ARITHMETIC_CHECKS

SUMUR = DATA / "results" / "sirekap_pilpres_tps_sample_kec_sumur.csv"
GENERIC = (
    "kode_tps,sumber,waktu_sumber,dpt_total,pengguna_hak_pilih_total,"
    "suara_1,suara_2,suara_3,suara_sah,suara_tidak_sah,suara_total,foto\n"
)


def write(tmp_path: Path, text: str, name: str = "hasil.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def verdicts_of(*paths: Path, source: str = "kpu_sirekap") -> dict[str, dict]:
    out = StringIO()
    call_command("verify_results", *map(str, paths), "--jsonl", stdout=out)
    lines = [json.loads(line) for line in out.getvalue().splitlines()]
    return {v["kode_tps"]: {f["check"]: f["detail"] for f in v["flags"]} for v in lines}


def test_the_sumur_sample_yields_exactly_its_known_source_errors():
    found = verdicts_of(SUMUR)
    assert set(found) == {
        "3601012001003",
        "3601012001007",
        "3601012002012",
        "3601012003009",
        "3601012007012",
    }
    # suara_sah 110, tidak_sah 87, total 31: the candidate counts copied over.
    assert set(found["3601012002012"]) == {
        "sum_mismatch",
        "total_mismatch",
        "voters_mismatch",
    }
    assert "= 197, tetapi suara_total = 31" in found["3601012002012"]["total_mismatch"]
    # Voter block all zeros while the votes are there.
    assert set(found["3601012003009"]) == {"admin_block_empty"}
    assert set(found["3601012007012"]) == {"admin_block_empty"}
    # DPT men 145 + women 153 = 298, but DPT 295.
    assert set(found["3601012001003"]) == {"dpt_sum_mismatch"}
    assert "= 298, tetapi dpt_total = 295" in found["3601012001003"]["dpt_sum_mismatch"]
    # DPT 245 and 245 voters: 100 % turnout, a screen only.
    assert set(found["3601012001007"]) == {"turnout_outlier"}
    assert "bukan bukti" in found["3601012001007"]["turnout_outlier"]


def test_no_clean_sumur_tps_is_flagged_for_arithmetic():
    errors = {"3601012001003", "3601012002012"}
    found = verdicts_of(SUMUR)
    arithmetic = {c for c, flags in found.items() if set(flags) & ARITHMETIC_CHECKS}
    assert arithmetic == errors


def test_the_sumur_layout_maps_its_columns_and_reports_the_rest():
    problems = layouts.Problems(SUMUR.name)
    layout = layouts.detect_layout(SUMUR, problems)
    assert layout.n_candidates == 3
    assert layout.columns["suara_1"] == "suara_01_anies_muhaimin"
    assert layout.columns["pengguna_dpk_total"] == "pengguna_non_dpt_total"
    assert layout.columns["waktu_sumber"] == "sirekap_ts"
    assert "nama_desa_kpu" in layout.ignored


def test_rows_without_numbers_are_no_sheet_and_times_are_wib():
    problems = layouts.Problems(SUMUR.name)
    layout = layouts.detect_layout(SUMUR, problems)
    (batch,) = layouts.read_batches(
        SUMUR, layout, problems, source="kpu_sirekap", single_source=True
    )
    assert len(batch.sheets) == 69 and int(batch.empty.sum()) == 3
    # 2024-02-24 22:31:28 WIB is 15:31:28 UTC.
    assert str(batch.source_ts[0]) == "2024-02-24T15:31:28.000000"
    assert np.isnat(batch.source_ts[batch.lines == 19][0])  # TPS 002006, not in source


def test_a_big_file_is_read_in_many_batches(tmp_path):
    rows = [GENERIC.strip()]
    for i in range(1, 3001):
        rows.append(f"3601012001{i % 1000:03d},,,300,200,50,60,80,190,10,200,")
    path = write(tmp_path, "\n".join(rows) + "\n")
    problems = layouts.Problems(path.name)
    layout = layouts.detect_layout(path, problems)
    batches = list(
        layouts.read_batches(
            path,
            layout,
            problems,
            source="saksi",
            single_source=False,
            block_bytes=16_384,
        )
    )
    assert len(batches) > 3
    assert sum(len(b.sheets) for b in batches) == 3000
    assert batches[-1].lines[-1] == 3001
    assert not problems


def test_bad_cells_are_named_with_file_line_and_value(tmp_path):
    path = write(
        tmp_path,
        GENERIC
        + "3601012001001,,,300,200,50,60,80,190,10,200,\n"
        + "3601012001002,,,300,200,5O,60,80,190,10,200,\n"
        + "360101200100,,,300,200,50,60,80,190,10,200,\n"
        + "3601012001004,,,300,200,1.234,60,80,190,10,200,\n",
    )
    with pytest.raises(ImportFailed) as failure:
        verify.read_all([path], "kpu_sirekap")
    text = failure.value.summary()
    assert "hasil.csv baris 3: kolom suara_1 harus bilangan bulat (nilai: '5O')" in text
    assert (
        "hasil.csv baris 5: kolom suara_1 harus bilangan bulat (nilai: '1.234')" in text
    )


def test_a_wrong_tps_code_or_source_is_refused(tmp_path):
    path = write(
        tmp_path,
        GENERIC
        + "360101200100,,,300,200,50,60,80,190,10,200,\n"
        + "3601012001002,partai,,300,200,50,60,80,190,10,200,\n"
        + "3601012001003,,kemarin,300,200,50,60,80,190,10,200,\n",
    )
    with pytest.raises(CommandError) as failure:
        call_command("verify_results", str(path))
    text = str(failure.value)
    assert "baris 2: kode TPS harus 13 angka (nilai: '360101200100')" in text
    assert "baris 3: sumber tidak dikenal" in text
    assert "baris 4: waktu_sumber bukan tanggal-waktu ISO" in text


def test_a_file_naming_an_unknown_layout_is_refused(tmp_path):
    path = write(tmp_path, "tps,angka\n1,2\n")
    with pytest.raises(ImportFailed) as failure:
        verify.read_all([path], "kpu_sirekap")
    assert "kolom wajib tidak ada: kode_tps" in failure.value.summary()


def test_two_sources_in_one_file_are_compared(tmp_path):
    path = write(
        tmp_path,
        GENERIC
        + "3601012001001,kpu_sirekap,2024-02-15 10:00:00,"
        + "300,200,884,16,90,190,10,200,\n"
        + "3601012001001,saksi,2024-02-14T20:00:00+07:00,"
        + "300,200,84,16,90,190,10,200,\n",
    )
    found = verdicts_of(path)["3601012001001"]
    assert found["source_conflict"].startswith("suara_1: kpu_sirekap 884, saksi 84")
    assert (
        "suara_1 terbaca 884 di kpu_sirekap, kemungkinan 84" in found["likely_misread"]
    )
    assert found["sum_mismatch"].startswith("[kpu_sirekap] ")


def test_every_check_on_two_threads_finds_what_each_finds_alone(tmp_path):
    """The per-sheet checks on their own thread beside the checks across sources
    and the screens: the same flags, in the same order, as one after another."""
    from deskpemilu.results import checks, screens
    from deskpemilu.results.generator import generate

    made = generate(tmp_path, 3_000, seed=5, error_rate=0.02)
    sheets = verify.read_all([made.results], "kpu_sirekap")
    alone = (
        checks.check_sheets(sheets)
        + checks.compare_sources(sheets)
        + screens.outlier_flags(sheets, use=verify.primary_rows(sheets))
    )
    both = verify.every_check(sheets)
    assert len(alone) > 100
    assert [(f.row, f.check, f.detail) for f in both] == [
        (f.row, f.check, f.detail) for f in alone
    ]
