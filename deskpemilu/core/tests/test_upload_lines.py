"""One check of an uploaded table's size and kind (core/tabular.upload_lines), used by
the intake upload and the TPS-rawan import."""

import pytest

from deskpemilu.core.tabular import (
    SPARE_LINES,
    FileRefused,
    data_rows,
    named_columns,
    upload_lines,
)

LIMITS = {"max_bytes": 1048576, "max_rows": 2, "max_columns": 3}


def test_a_file_over_the_size_is_refused_with_the_hint():
    with pytest.raises(FileRefused) as refused:
        upload_lines("a.csv", b"x" * 1572864, **LIMITS, too_large_hint="Bagi.")
    assert refused.value.message == (
        "Berkas terlalu besar (1.5 MB); batasnya 1 MB. Bagi."
    )


@pytest.mark.parametrize("hint", ["", "Simpan sebagai .csv."])
def test_a_name_not_csv_or_xlsx_is_refused(hint):
    with pytest.raises(FileRefused) as refused:
        upload_lines("a.ods", b"x", **LIMITS, wrong_type_hint=hint)
    assert (
        refused.value.message == f"Berkas 'a.ods' bukan CSV atau XLSX. {hint}".strip()
    )


def test_the_ending_chooses_the_reader_in_any_case():
    lines = upload_lines("A.CSV", b"a;b\n1;2\n", **LIMITS)
    assert list(lines) == [["a", "b"], ["1", "2"]]


def test_rows_and_columns_are_bounded():
    wide = b"a,b,c,d\n"
    with pytest.raises(FileRefused, match="lebih dari 3 kolom"):
        list(upload_lines("a.csv", wide, **LIMITS))
    # the header, the rows and SPARE_LINES blank lines pass; one more does not
    fits = b"a\n" * (1 + 2 + SPARE_LINES)
    assert len(list(upload_lines("a.csv", fits, **LIMITS))) == 3 + SPARE_LINES
    with pytest.raises(FileRefused, match="baris"):
        list(upload_lines("a.csv", fits + b"a\n", **LIMITS))


def test_the_rows_under_the_header_come_numbered_stripped_and_without_blanks():
    lines = upload_lines("a.csv", b" A ; B \n 1 ; x \n;\n\n2;y\n", **LIMITS)
    header = []

    def header_of(cells: list[str]) -> list[str]:
        header.extend(c.strip().lower() for c in cells)
        return header

    assert list(data_rows(lines, header_of)) == [
        (2, ["a", "b"], ["1", "x"]),
        (5, ["a", "b"], ["2", "y"]),
    ]


def test_a_file_without_any_line_is_refused_with_the_callers_words():
    with pytest.raises(FileRefused) as refused:
        list(data_rows(iter([]), list, "Kosong."))
    assert refused.value.message == "Kosong."
    with pytest.raises(FileRefused, match="tidak ada baris judul"):
        list(data_rows(iter([]), list))


def test_a_column_named_twice_is_refused_naming_it():
    assert named_columns(["a", "", "b"]) == ["a", "b"]
    with pytest.raises(FileRefused) as refused:
        named_columns(["kode", "b", "kode", "b", ""])
    assert refused.value.message == "Nama kolom muncul dua kali: b, kode."
