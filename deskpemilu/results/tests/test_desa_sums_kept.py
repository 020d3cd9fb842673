"""The sums kept per desa (services.sums) equal the sheets summed from the table
after every way sheets are written: a first import, new and changed sheets, a
second source (primary or not), the entry form, a contest whose sums were never
kept, and a contest whose number of candidates changed."""

from __future__ import annotations

import csv
from io import StringIO
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command

from deskpemilu.bench.results import load_master
from deskpemilu.results.areas import recap_table
from deskpemilu.results.generator import generate
from deskpemilu.results.models import DesaSums, ResultSheet
from deskpemilu.results.services import contest_for, sheets_submit
from deskpemilu.results.storage import desa_sums, kept_sums, kept_width, sums_width


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    return generate(tmp_path_factory.mktemp("gen"), 1_200, seed=21)


def kept_is_summed(contest) -> int:
    """The kept rows are those the statement sums from the sheets; their number."""
    n = contest.candidates.count()
    kept = kept_sums(contest.id, n)
    assert kept is not None, "the contest's sums are not kept"
    codes, data = desa_sums(contest.id, n)
    assert kept[0].tolist() == [int(c) for c in codes]
    np.testing.assert_array_equal(kept[1], data)
    return len(codes)


def rows_of(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def write(path: Path, header: list[str], rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def imported(path: Path, source: str = "kpu_sirekap") -> None:
    call_command("import_results", str(path), "--source", source, stdout=None)


@pytest.mark.django_db
def test_every_write_keeps_the_sums_of_its_desa(made, tmp_path, province_coordinator):
    load_master(made.regions, made.tps)
    header, rows = rows_of(made.results)
    # A first import into an empty contest: its sums are kept from its arrays.
    imported(write(tmp_path / "a.csv", header, rows[300:]))
    contest = contest_for("ppwp")
    assert kept_is_summed(contest) > 50
    # New sheets (in desa with sheets already and in new ones) and changed ones,
    # a value made unknown among them.
    changed = []
    for i, row in enumerate(rows[:600]):
        row = dict(row)
        if i >= 300 and i % 3 == 0:
            row["suara_sah"] = str(int(row["suara_sah"]) + 7)
        if i >= 300 and i % 5 == 0:
            row["dpt_total"] = ""
        changed.append(row)
    imported(write(tmp_path / "b.csv", header, changed))
    kept_is_summed(contest)
    # A second source: below KPU's rank (not primary) and, typed at the desk,
    # above it (primary).
    saksi = [dict(r, suara_sah="1") for r in rows[500:700]]
    imported(write(tmp_path / "c.csv", header, saksi), "saksi")
    kept_is_summed(contest)
    banten = [r for r in rows if r["kode_tps"].startswith("36")]
    assert banten
    typed: dict[str, object] = {
        k: int(v) if v else None
        for k, v in banten[0].items()
        if k not in ("kode_tps", "sumber", "waktu_sumber")
    }
    typed["kode_tps"] = banten[0]["kode_tps"]
    typed["suara_sah"] = int(banten[0]["suara_sah"] or 0) + 1000
    sheets_submit(actor=province_coordinator, contest=contest, rows=[typed])
    assert ResultSheet.objects.filter(source="desk").count() == 1
    kept_is_summed(contest)


@pytest.mark.django_db
def test_a_contest_without_kept_sums_is_summed_then_kept(made, tmp_path):
    """Sheets from before the sums were kept (or kept for another number of
    candidates): the recap sums the sheets, and the next import keeps them all."""
    load_master(made.regions, made.tps)
    header, rows = rows_of(made.results)
    imported(write(tmp_path / "a.csv", header, rows[:800]))
    contest = contest_for("ppwp")
    n = contest.candidates.count()
    whole = recap_table(contest)
    for forget in ("all", "width"):
        if forget == "all":
            DesaSums.objects.filter(contest=contest).delete()
        else:
            DesaSums.objects.filter(contest=contest, kecamatan_code="").update(
                data=np.array([sums_width(n) + 3], "<i8").tobytes()
            )
        assert kept_sums(contest.id, n) is None
        again = recap_table(contest)
        assert again.codes == whole.codes
        np.testing.assert_array_equal(again.sums, whole.sums)
        imported(write(tmp_path / "b.csv", header, rows[800:805]))
        assert kept_width(contest.id) == sums_width(n)
        kept_is_summed(contest)
        whole = recap_table(contest)


@pytest.mark.django_db
def test_the_command_sums_every_desa_again(made, tmp_path):
    """After sheets changed outside the import (here the ORM), the IT admin's
    command makes the kept sums those of the sheets again."""
    load_master(made.regions, made.tps)
    header, rows = rows_of(made.results)
    imported(write(tmp_path / "a.csv", header, rows[:400]))
    contest = contest_for("ppwp")
    sheet = ResultSheet.objects.filter(contest=contest).first()
    sheet.suara_sah = (sheet.suara_sah or 0) + 500
    sheet.save()
    n = contest.candidates.count()
    assert not np.array_equal(kept_sums(contest.id, n)[1], desa_sums(contest.id, n)[1])
    out = StringIO()
    call_command("rebuild_recap_sums", stdout=out)
    assert "desa dijumlahkan ulang" in out.getvalue()
    kept_is_summed(contest)


@pytest.mark.django_db
def test_postgresql_keeps_the_sums_uncompressed():
    """Compressing a kecamatan's ~4 KB row cost a national import 1.2 s of 7."""
    from django.db import connection

    from deskpemilu.core.db import postgres

    if not postgres():
        pytest.skip("PostgreSQL storage")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attname = 'data'",
            [DesaSums._meta.db_table],
        )
        assert cursor.fetchone()[0] == "e"  # EXTERNAL: out of line, not compressed
