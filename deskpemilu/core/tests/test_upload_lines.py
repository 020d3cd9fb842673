"""One check of an uploaded table's size and kind (core/tabular.upload_lines), used by
the intake upload and the TPS-rawan import."""

import pytest

from deskpemilu.core.tabular import SPARE_LINES, FileRefused, upload_lines

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
