"""Every CSV/XLSX the desk hands out shows a cell that looks like a formula as text
(a leading `'`), and a number as a number: `/hasil/ekspor/flags.csv` and
`desk.csv`, the upload template and the TPS-rawan templates (CSV and XLSX, page and
API). See docs/decisions.md, "Exports: cells that look like formulas"."""

from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from deskpemilu.core.csvio import FORMULA_STARTS, spreadsheet_cell
from deskpemilu.results.models import SheetFlag
from deskpemilu.results.tests.conftest import SUMSHEET_BAD

pytestmark = pytest.mark.django_db

NOTES = [
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def rows_of(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("note", NOTES)
def test_a_flag_note_that_looks_like_a_formula_is_exported_as_text(
    note, sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    flag = SheetFlag.objects.filter(tps_code="3601012003009").first()
    done = client.post(
        f"/hasil/flags/{flag.pk}/tutup/", {"status": "dismissed", "note": note}
    )
    assert done.status_code == 302
    flag.refresh_from_db()
    assert flag.note == note.strip() or flag.note == note
    rows = rows_of(client.get("/hasil/ekspor/flags.csv?wilayah=36.01.01"))
    (row,) = [r for r in rows if r["catatan"]]
    assert row["catatan"] == "'" + flag.note
    for other in rows:
        assert not any(str(v).startswith(FORMULA_STARTS) for v in other.values())


def test_a_negative_desk_value_is_exported_as_a_number(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    decide = {
        "field": "suara_tidak_sah",
        "value": "-5",
        "chosen_source": "kpu_sirekap",
        "reason": '=HYPERLINK("http://contoh.invalid")',
    }
    response = client.post(f"/hasil/tps/{SUMSHEET_BAD}/keputusan/", decide)
    assert response.status_code == 302
    rows = rows_of(client.get("/hasil/ekspor/desk.csv?wilayah=36.01.01"))
    (row,) = [r for r in rows if r["kode_tps"] == SUMSHEET_BAD]
    assert row["suara_tidak_sah"] == "-5"
    assert row["keputusan"] == "suara_tidak_sah"


def test_numbers_stay_numbers_and_text_is_made_safe():
    assert [spreadsheet_cell(v) for v in (-5, 2.5, None, True)] == [-5, 2.5, "", "True"]
    assert spreadsheet_cell("-5") == "'-5"  # text that a spreadsheet would compute
    assert spreadsheet_cell("Budi = saksi") == "Budi = saksi"


@pytest.mark.parametrize(
    "url",
    [
        "/pesan/unggah/template.csv",
        "/situasi/tps-rawan/template.csv",
        "/api/v1/situation/tps-rawan/template.csv",
    ],
)
def test_the_csv_templates_hold_no_formula(url, province_coordinator, client_for):
    response = client_for(province_coordinator).get(url)
    text = response.content.decode("utf-8-sig")
    cells = [c for row in csv.reader(io.StringIO(text)) for c in row]
    assert cells and not any(c.startswith(FORMULA_STARTS) for c in cells)


def test_the_xlsx_template_holds_no_formula(province_coordinator, client_for):
    client = client_for(province_coordinator)
    data = client.get("/api/v1/situation/tps-rawan/template.xlsx").content
    book = load_workbook(io.BytesIO(data))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    assert cells and not any(c.data_type == "f" for c in cells)
