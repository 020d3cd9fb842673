"""The master-data commands refuse numbers they cannot store with a clear message
(CommandError, nothing written), never with a traceback: a superscript digit that
`str.isdigit` takes and `int` refuses, a count past the database's integer, a KPU id
past a bigint, a code in full-width digits."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from deskpemilu.regions.models import TPS, Region

pytestmark = pytest.mark.django_db

TPS_HEADER = "kode_tps,kode_desa,no_tps,nama_tps,kpu_id_tps\n"
DESA = "3601012001"  # Kec. Sumur, Kab. Pandeglang: in the Banten data


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def refused(*args) -> str:
    before = (Region.objects.count(), TPS.objects.count())
    with pytest.raises(CommandError) as failure:
        call_command(*args)
    assert (Region.objects.count(), TPS.objects.count()) == before
    return str(failure.value)


@pytest.mark.parametrize(
    ("number", "kpu_id", "message"),
    [
        ("²", "1", "nomor TPS tidak cocok dengan kode TPS"),
        ("950", "9" * 30, "kpu_id_tps harus angka"),
    ],
)
def test_a_tps_number_or_id_that_cannot_be_stored_is_refused(
    tmp_path, number, kpu_id, message
):
    text = TPS_HEADER + f"{DESA}950,{DESA},{number},TPS 950,{kpu_id}\n"
    assert message in refused("import_tps", write(tmp_path, "tps.csv", text))


def test_a_tps_code_in_full_width_digits_is_refused(tmp_path):
    code = "３６０１０１２００１９５０"
    text = TPS_HEADER + f"{code},{DESA},950,TPS 950,1\n"
    assert "format kode TPS salah" in refused(
        "import_tps", write(tmp_path, "tps.csv", text)
    )


@pytest.mark.parametrize("count", ["99999999999", "²", "1" * 40])
def test_a_voter_count_that_cannot_be_stored_is_refused(tmp_path, count):
    text = f"kode_kabkota,dpt\n3601,{count}\n"
    message = refused(
        "import_voters", write(tmp_path, "dpt.csv", text), "--level", "kabkota"
    )
    assert "dpt.csv baris 2: jumlah pemilih harus bilangan bulat" in message
