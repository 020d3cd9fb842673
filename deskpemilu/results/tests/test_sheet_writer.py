"""What an import stores, column by column: on PostgreSQL the sheets go by binary
COPY (results/pgbinary.py), built by numpy, so every kind of cell is held here
against the value expected: NULLs among the numbers and the votes, a time at the
source or none, photo links of different lengths, negative and the largest
numbers; a batch whose rows all have one width, and one whose rows differ."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from django.db import connection

from deskpemilu.core.db import postgres
from deskpemilu.core.timeutil import WIB
from deskpemilu.regions.models import TPS
from deskpemilu.results import pgbinary, storage
from deskpemilu.results.models import ResultImport, ResultSheet
from deskpemilu.results.services import contest_for, results_import
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS

pytestmark = pytest.mark.django_db

UTC = dt.UTC
HEADER = (
    "kode_tps,dpt_total,pengguna_hak_pilih_total,suara_1,suara_2,suara_3,"
    "suara_sah,suara_tidak_sah,suara_total,waktu_sumber,foto\n"
)
# (kode_tps, dpt_total, pengguna_hak_pilih_total, votes, suara_sah,
# suara_tidak_sah, suara_total, waktu_sumber, foto)
T1, T2, T3 = "2024-02-14 18:01:02+07:00", "2024-02-15 00:00:00", "2024-03-07 23:59:59Z"
PHOTO = "https://foto.kpu.go.id/c1/3601012001003.jpg"
ONE_WIDTH = [
    ("3601012001001", 289, 229, [98, 118, 10], 226, 3, 229, T1),
    ("3601012001002", 7, 5, [1, 2, 0], 3, 2, 5, T2),
    ("3601012001003", 2_000_000_000, 0, [0, 0, 0], 0, 0, 0, T3),
]
HOLES = [
    ("3601012001001", None, 229, [98, None, 10], 226, 3, 229, "", "https://a.id/x"),
    ("3601012001002", -5, None, [None] * 3, None, 2, 5, T2, ""),
    ("3601012001003", 300, 250, [120, 80, 33], 233, 17, 250, "", PHOTO),
]


def write(tmp_path: Path, rows: list[tuple], photos: bool) -> Path:
    lines = [HEADER if photos else HEADER.replace(",foto", "")]
    for code, dpt, voters, votes, sah, tidak_sah, total, ts, *photo in rows:
        cells = [code, dpt, voters, *votes, sah, tidak_sah, total, ts, *photo]
        lines.append(",".join("" if c is None else str(c) for c in cells) + "\n")
    path = tmp_path / "hasil.csv"
    path.write_text("".join(lines), encoding="utf-8")
    return path


def stored() -> list[dict]:
    """Every column of every sheet, by TPS code."""
    names = [f.attname for f in ResultSheet._meta.concrete_fields]
    return [
        dict(zip(names, row, strict=True))
        for row in ResultSheet.objects.order_by("tps_code").values_list(*names)
    ]


def moment(text: str) -> dt.datetime | None:
    """A waktu_sumber as the import reads it: WIB without an offset."""
    if not text:
        return None
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


def expected(row: tuple, run: ResultImport) -> dict:
    code, dpt, voters, votes, sah, tidak_sah, total, ts, *photo = row
    numbers = dict.fromkeys(FIELDS) | {
        "dpt_total": dpt,
        "pengguna_hak_pilih_total": voters,
        "suara_sah": sah,
        "suara_tidak_sah": tidak_sah,
        "suara_total": total,
    }
    return numbers | {
        "votes": votes,
        "contest_id": run.contest_id,
        "tps_code": code,
        "source": "kpu_sirekap",
        "is_primary": True,
        "photo": "",
        "photo_url": photo[0] if photo else "",
        "source_ts": moment(ts),
        "import_run_id": run.id,
        "entered_by_id": None,
    }


@pytest.mark.parametrize(
    ("rows", "photos"), [(ONE_WIDTH, False), (HOLES, True)], ids=["one_width", "holes"]
)
def test_an_import_stores_every_column_as_read(tmp_path, rows, photos):
    before = dt.datetime.now(UTC)
    path = write(tmp_path, rows, photos)
    results_import(path=path, contest=contest_for("ppwp"), source="kpu_sirekap")
    run = ResultImport.objects.get()
    sheets = stored()
    assert len(sheets) == len(rows)
    tps = dict(TPS.objects.values_list("code", "id"))
    for sheet, row in zip(sheets, rows, strict=True):
        assert sheet.pop("tps_id") == tps[row[0]]
        got = {k: v for k, v in sheet.items() if k != "id"}
        got.pop("content_hash")  # held below: the same file again changes nothing
        imported_at = got.pop("imported_at")
        assert before <= imported_at <= dt.datetime.now(UTC)
        assert got == expected(row, run)
    # One time of import for every sheet, to the microsecond.
    assert len({s["imported_at"] for s in sheets}) == 1
    again = results_import(path=path, contest=contest_for("ppwp"), source="kpu_sirekap")
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(rows))


def test_the_binary_rows_have_the_table_types_in_the_copy_order():
    if not postgres():
        pytest.skip("PostgreSQL's binary COPY")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod) FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0",
            [storage.SHEET_TABLE],
        )
        types = dict(cursor.fetchall())
    want = [
        "text" if types[c].startswith("character varying") else types[c]
        for c in storage.SHEET_INSERT_COLUMNS
    ]
    writer = storage.SheetWriter(contest_id=1, source="kpu_sirekap", run_id=1)
    n_votes = 3
    width = len(FIELDS) + n_votes
    sheets = Sheets(
        codes=np.array([3601012001001]),
        values=np.zeros((1, width), dtype=np.int64),
        known=np.ones((1, width), dtype=bool),
        n_candidates=n_votes,
    )
    rows = storage._copy_rows(
        writer,
        sheets,
        np.array([1]),
        np.ones(1, dtype=bool),
        None,
        np.array(["NaT"], dtype="datetime64[us]"),
        np.array([1]),
    )
    assert rows.types == want


def test_a_number_beyond_the_integer_column_is_refused_not_wrapped():
    rows = pgbinary.BinaryRows(2)
    with pytest.raises(ValueError, match="integer"):
        rows.int4(np.array([1, 2**31]))
