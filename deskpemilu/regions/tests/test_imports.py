"""Importing another province's files: validated, all-or-nothing, safe to re-run."""

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from deskpemilu.desk.bootstrap import FILES
from deskpemilu.regions.models import TPS, DataImport, Region

pytestmark = pytest.mark.django_db

HEADER = (
    "kode,kode_nodot,level,tipe,nama,kode_kabkota,nama_kabkota,"
    "kode_kecamatan,nama_kecamatan\n"
)
GOOD_REGIONS = HEADER + (
    "99,99,provinsi,provinsi,UJI,,,,\n"
    "99.01,9901,kabkota,kabupaten,KAB. UJI,99.01,KAB. UJI,,\n"
    "99.01.01,990101,kecamatan,kecamatan,Satu,99.01,KAB. UJI,99.01.01,Satu\n"
    "99.01.01.2001,9901012001,desa,desa,Alpha,99.01,KAB. UJI,99.01.01,Satu\n"
    "99.01.01.1002,9901011002,desa,kelurahan,Beta,99.01,KAB. UJI,99.01.01,Satu\n"
)
TPS_HEADER = "kode_tps,kode_desa,no_tps,nama_tps,kpu_id_tps\n"
GOOD_TPS = TPS_HEADER + (
    "9901012001001,9901012001,001,TPS 001,1\n"
    "9901012001002,9901012001,002,TPS 002,2\n"
    "9901011002901,9901011002,901,TPS 901,3\n"
)


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def snapshot():
    return (Region.objects.count(), TPS.objects.count(), DataImport.objects.count())


def refused(*args) -> str:
    before = snapshot()
    with pytest.raises(CommandError) as failure:
        call_command(*args)
    assert snapshot() == before, "a refused import must leave the database as it was"
    return str(failure.value)


def test_another_province_imports_with_its_tps_and_counts(tmp_path):
    call_command("import_regions", write(tmp_path, "wilayah.csv", GOOD_REGIONS))
    call_command("import_tps", write(tmp_path, "tps.csv", GOOD_TPS))
    province = Region.objects.get(code="99")
    assert (province.desa_count, province.tps_count, province.tps_special_count) == (
        2,
        3,
        1,
    )
    assert Region.objects.get(code="99.01.01.1002").parent.code == "99.01.01"


def test_re_running_an_import_creates_no_duplicates(tmp_path):
    regions, tps = (
        write(tmp_path, "w.csv", GOOD_REGIONS),
        write(tmp_path, "t.csv", GOOD_TPS),
    )
    for _ in range(2):
        call_command("import_regions", regions)
        call_command("import_tps", tps)
    assert Region.objects.filter(code__startswith="99").count() == 5
    assert TPS.objects.filter(code__startswith="99").count() == 3
    assert (
        DataImport.objects.filter(file_name="t.csv").latest("imported_at").created == 0
    )


def test_re_importing_banten_changes_no_counts():
    before = snapshot()[:2]
    call_command("import_regions", str(FILES["regions"]))
    call_command("import_tps", str(FILES["tps"]))
    assert snapshot()[:2] == before


def test_a_malformed_region_code_is_named_with_file_line_and_value(tmp_path):
    bad = GOOD_REGIONS.replace("99.01.01.1002,9901011002", "99.01.01.102,9901011002")
    message = refused("import_regions", write(tmp_path, "wilayah.csv", bad))
    assert "wilayah.csv baris 6" in message
    assert "format kode wilayah salah" in message and "'99.01.01.102'" in message


def test_an_unknown_parent_is_refused(tmp_path):
    bad = (
        GOOD_REGIONS
        + "99.02.01,990201,kecamatan,kecamatan,Yatim,99.02,X,99.02.01,Yatim\n"
    )
    message = refused("import_regions", write(tmp_path, "wilayah.csv", bad))
    assert "baris 7" in message and "induk wilayah 99.02 tidak dikenal" in message


def test_a_duplicate_code_is_refused_naming_both_lines(tmp_path):
    bad = (
        GOOD_REGIONS
        + "99.01.01.2001,9901012001,desa,desa,Alpha lagi,99.01,X,99.01.01,Satu\n"
    )
    message = refused("import_regions", write(tmp_path, "wilayah.csv", bad))
    assert "baris 7" in message and "sudah ada di baris 5" in message


def test_one_bad_row_refuses_the_whole_file(tmp_path):
    bad = GOOD_REGIONS + "99.01.02,990102,desa,desa,Salah level,99.01,X,,\n"
    refused("import_regions", write(tmp_path, "wilayah.csv", bad))
    assert not Region.objects.filter(code="99").exists()


def test_a_tps_in_an_unknown_desa_is_refused(tmp_path):
    call_command("import_regions", write(tmp_path, "wilayah.csv", GOOD_REGIONS))
    bad = GOOD_TPS + "9901019999001,9901019999,001,TPS 001,4\n"
    message = refused("import_tps", write(tmp_path, "tps.csv", bad))
    assert "tps.csv baris 5" in message and "desa yang tidak dikenal" in message
    assert "'9901019999'" in message
    assert not TPS.objects.filter(code__startswith="99").exists()


def test_a_tps_number_that_disagrees_with_its_code_is_refused(tmp_path):
    call_command("import_regions", write(tmp_path, "wilayah.csv", GOOD_REGIONS))
    bad = GOOD_TPS.replace(
        "9901012001002,9901012001,002", "9901012001002,9901012001,003"
    )
    assert "nomor TPS tidak cocok" in refused(
        "import_tps", write(tmp_path, "tps.csv", bad)
    )


def test_a_missing_column_is_named(tmp_path):
    message = refused(
        "import_tps", write(tmp_path, "tps.csv", "kode_tps,no_tps\n1,2\n")
    )
    assert "kolom wajib tidak ada: kode_desa" in message


def test_a_file_that_is_not_utf8_text_gets_a_clear_error(tmp_path):
    path = tmp_path / "tps.csv"
    path.write_bytes(b"kode_tps,kode_desa,no_tps\n\xff\xfe\x00garbage\n")
    assert "bukan teks UTF-8" in refused("import_tps", str(path))


def test_a_missing_file_gets_a_clear_error(tmp_path):
    assert "Berkas tidak ditemukan" in refused("import_tps", str(tmp_path / "nope.csv"))


def test_voters_for_an_unknown_kabkota_are_refused(tmp_path):
    bad = (
        "kode_kabkota,nama_kabkota,dpt,jumlah_tps\n"
        "3601,Pandeglang,5,1\n3699,Tak ada,7,1\n"
    )
    message = refused(
        "import_voters", write(tmp_path, "dpt.csv", bad), "--level", "kabkota"
    )
    assert "dpt.csv baris 3" in message and "'3699'" in message
    assert Region.objects.get(code="36.01").dpt == 996127


def test_a_boundary_for_an_unknown_region_is_refused(tmp_path):
    geo = (
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"kode":"99.77"},"geometry":{"type":"Polygon","coordinates":'
        "[[[106,-6],[106.1,-6],[106.1,-6.1],[106,-6]]]}}]}"
    )
    message = refused("import_boundaries", write(tmp_path, "b.geojson", geo))
    assert "kode wilayah tak dikenal" in message and "'99.77'" in message


def test_broken_geojson_is_refused(tmp_path):
    assert "GeoJSON tidak dapat dibaca" in refused(
        "import_boundaries", write(tmp_path, "b.geojson", '{"type": "Feature')
    )
