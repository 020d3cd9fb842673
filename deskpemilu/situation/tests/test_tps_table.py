"""Reading the TPS-rawan indicator file (no database)."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from deskpemilu.situation import tps_table
from deskpemilu.situation.tps_table import TableRefused, read_table
from deskpemilu.situation.vulnerability import INDICATOR_KEYS


def csv_bytes(*lines: str) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def test_the_csv_template_has_every_column_and_two_examples():
    lines = tps_table.template_csv().splitlines()
    assert lines[0].split(",") == ["kode_tps", *INDICATOR_KEYS, "catatan"]
    assert len(lines) == 3


def test_the_template_example_rows_are_refused_if_left_in():
    table = read_table("templat.csv", tps_table.template_csv().encode())
    assert [p[1] for p in table.problems] == [
        "baris contoh dari templat: hapus sebelum impor"
    ] * 2


def test_the_xlsx_template_has_the_data_sheet_and_a_guide():
    book = load_workbook(io.BytesIO(tps_table.template_xlsx()))
    assert book.sheetnames == ["data", "petunjuk"]
    assert book["data"]["A1"].value == "kode_tps"
    assert book["petunjuk"].max_row == 1 + 1 + 22 + 2


def test_a_row_reads_yes_and_no_in_the_ways_people_write_them():
    data = csv_bytes(
        "kode_tps,dpt_tms,dptb,riwayat_kekerasan,politik_uang,kendala_listrik",
        "3601012001001,1,ya,X,tidak,",
        "3601012001002,0,-,true,Y,benar",
    )
    table = read_table("bawaslu.csv", data)
    assert table.problems == []
    first, second = table.rows
    assert first.line == 2 and first.code == "3601012001001"
    assert first.values == {
        "dpt_tms": True,
        "dptb": True,
        "riwayat_kekerasan": True,
        "politik_uang": False,
        "kendala_listrik": False,
    }
    assert second.values["kendala_listrik"] is True
    assert first.note is None  # no note column


def test_indonesian_excel_csv_with_semicolons_is_read():
    data = csv_bytes("Kode TPS;DPTb;Catatan", "3601012001001;1;ada DPTb")
    table = read_table("bawaslu.csv", data)
    assert table.rows[0].values == {"dptb": True}
    assert table.rows[0].note == "ada DPTb"


def test_columns_the_desk_does_not_know_are_ignored_and_named():
    data = csv_bytes("no,kode_tps,nama_tps,dptb", "1,3601012001001,TPS 001,1")
    table = read_table("x.csv", data)
    assert table.ignored_columns == ["no", "nama_tps"]
    assert table.indicator_columns == ["dptb"]


def test_each_bad_cell_is_a_problem_with_its_line():
    data = csv_bytes("kode_tps,dptb", "36010120010,1", "3601012001002,mungkin")
    table = read_table("x.csv", data)
    assert table.problems == [
        (2, "kode TPS harus 13 angka", "36010120010"),
        (3, "kolom dptb: isi 1/ya atau 0/tidak", "mungkin"),
    ]


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("x.txt", b"kode_tps,dptb\n", "bukan CSV atau XLSX"),
        ("x.csv", b"dptb\n1\n", "kode_tps"),
        ("x.csv", b"kode_tps,nama\n1,a\n", "Tidak ada kolom indikator"),
        ("x.csv", b"kode_tps,dptb,dptb\n", "dua kali"),
        ("x.csv", b"", "kosong"),
        ("x.csv", b"kode_tps,dptb\n\xff\n", "UTF-8"),
        ("x.xlsx", b"kode_tps,dptb\n", "bukan XLSX"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_as_a_whole(name, data, message):
    with pytest.raises(TableRefused, match=message):
        read_table(name, data)


def test_an_xlsx_file_with_numeric_codes_and_booleans_is_read():
    book = Workbook()
    sheet = book.active
    sheet.append(["kode_tps", "dptb", "rawan_bencana"])
    sheet.append([3601012001001, True, 0])
    out = io.BytesIO()
    book.save(out)
    table = read_table("bawaslu.xlsx", out.getvalue())
    assert table.problems == []
    assert table.rows[0].code == "3601012001001"
    assert table.rows[0].values == {"dptb": True, "rawan_bencana": False}
