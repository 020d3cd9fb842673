"""The results and official-figure commands refuse a file they cannot read with a
clear message (CommandError, nothing written), never with a traceback: a header cell
past the csv module's limit, a number too large for the database, a value written
as "--5" or with a superscript digit, a compressed file named .csv.gz."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from deskpemilu.results.models import OfficialRecap, ResultSheet

pytestmark = pytest.mark.django_db

HEADER = (
    "kode_tps,dpt_total,pengguna_hak_pilih_total,suara_1,suara_2,suara_3,"
    "suara_sah,suara_tidak_sah,suara_total\n"
)
ROW = "3601012001001,290,218,118,76,18,212,6,218\n"
OFFICIAL = "wilayah,kode,metric,paslon_no,paslon,value,source_ref\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode()
    path.write_bytes(data)
    return str(path)


def refused(*args) -> str:
    with pytest.raises(CommandError) as failure:
        call_command(*args)
    return str(failure.value)


def test_a_header_cell_past_the_csv_field_limit_is_refused(tmp_path):
    path = write(tmp_path, "hasil.csv", "kode_tps," + "x" * 200_000 + "\n" + ROW)
    assert "CSV rusak: field larger than field limit" in refused("import_results", path)
    assert not ResultSheet.objects.exists()


def test_a_number_too_large_for_the_database_is_named(tmp_path):
    text = HEADER + ROW.replace(",118,", ",99999999999999999999,")
    message = refused("import_results", write(tmp_path, "hasil.csv", text))
    assert "hasil.csv baris 2: angka terlalu besar di kolom suara_1" in message


def test_a_compressed_csv_is_not_unpacked(tmp_path):
    path = write(tmp_path, "hasil.csv.gz", gzip.compress((HEADER + ROW).encode()))
    assert "bukan teks UTF-8" in refused("import_results", path)
    assert not ResultSheet.objects.exists()


@pytest.mark.parametrize(
    ("value", "paslon"),
    [("--5", "1"), ("²", "1"), ("99999999999", "1"), ("5", "²"), ("5", "9" * 30)],
)
def test_official_figures_that_are_not_whole_numbers_are_refused(
    tmp_path, value, paslon
):
    text = OFFICIAL + f"NASIONAL,0,suara_sah_paslon,{paslon},Anies,{value},S1\n"
    message = refused("import_official_recap", write(tmp_path, "resmi.csv", text))
    assert "resmi.csv baris 2:" in message
    assert not OfficialRecap.objects.exists()
