"""The TPS-rawan indicator file (CSV or XLSX): its template and reading it. Pure code,
no ORM: whether each TPS exists and lies in the user's scope is checked by
`services.tps_rawan_import`.

Columns: `kode_tps` (13 digits, required), any of the 22 indicator columns (names in
`vulnerability.INDICATOR_KEYS`), and optionally `catatan`. A cell says yes with 1, ya,
y, iya, x, v, true or benar, and no with 0, tidak, n, no, false, salah, - or nothing.
An indicator column left out of the file leaves that indicator as it was (a new TPS
gets "no"), so a file may carry only some variables. Columns the desk does not know
(a TPS name, the kecamatan, ...) are ignored and named in the import report. The
template's two example rows (note "contoh: ...") are refused if left in the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from deskpemilu.core.csvio import SafeWriter, spreadsheet_row
from deskpemilu.core.tabular import (
    FileRefused,
    data_rows,
    header_key,
    named_columns,
    upload_lines,
)
from deskpemilu.regions.codes import is_tps_code, typed_tps_code
from deskpemilu.situation.vulnerability import INDICATOR_KEYS, INDICATORS, VARIABLES

CODE_COLUMN = "kode_tps"
NOTE_COLUMN = "catatan"
ALIASES = {"kode": CODE_COLUMN, "tps": CODE_COLUMN, "kode_tps_kpu": CODE_COLUMN}
YES = {"1", "ya", "y", "iya", "x", "v", "true", "benar", "\u2713"}
NO = {"0", "tidak", "n", "no", "false", "salah", "-", ""}
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 60_000
MAX_COLUMNS = 100  # the 24 known columns and room for a TPS name, kecamatan, ...
MAX_NOTE = 1000
# The template's example rows say so in their note, and are refused if left in.
EXAMPLE_NOTE = "contoh:"
TEMPLATE_ROWS = (
    ("3601012001001", {"dpt_tms", "dptb"}, "contoh: dua indikator hak pilih"),
    (
        "3673041003005",
        {"riwayat_kekerasan", "politik_uang", "kendala_internet"},
        "contoh: keamanan, kampanye, internet",
    ),
)


# The file as a whole cannot be read; nothing was changed.
TableRefused = FileRefused


@dataclass
class TpsRow:
    """One row: the TPS code, the indicators the file gives (key -> yes/no)."""

    line: int
    code: str
    values: dict[str, bool] = field(default_factory=dict)
    note: str | None = None  # None: no note column


@dataclass
class Table:
    rows: list[TpsRow]
    problems: list[tuple[int, str, str]]  # (line, message, value)
    ignored_columns: list[str]
    indicator_columns: list[str]


def template_csv() -> str:
    """The CSV template: the header and two example rows."""
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\r\n")
    writer.writerow([CODE_COLUMN, *INDICATOR_KEYS, NOTE_COLUMN])
    for code, present, note in TEMPLATE_ROWS:
        writer.writerow(
            [code, *("1" if k in present else "0" for k in INDICATOR_KEYS), note]
        )
    return out.getvalue()


def template_xlsx() -> bytes:
    """The XLSX template: the same sheet, and a second sheet explaining each column."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "data"
    rows = csv.reader(io.StringIO(template_csv()))
    for row in rows:
        sheet.append(spreadsheet_row(row))
    guide = book.create_sheet("petunjuk")
    guide.append(spreadsheet_row(["kolom", "variabel", "arti"]))
    guide.append(spreadsheet_row([CODE_COLUMN, "", "Kode TPS KPU, 13 angka (wajib)"]))
    for variable in VARIABLES:
        for indicator in variable.indicators:
            guide.append(
                spreadsheet_row([indicator.key, variable.label, indicator.label])
            )
    guide.append(spreadsheet_row([NOTE_COLUMN, "", "Catatan bebas (boleh kosong)"]))
    guide.append(
        spreadsheet_row(["", "", "Isi 1/ya untuk ada, 0/tidak/kosong untuk tidak ada."])
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def read_table(name: str, data: bytes) -> Table:
    """Read the file; refuse it as a whole (TableRefused) when it cannot be read, and
    list each bad row's problem (line, message, value) otherwise."""
    lines = upload_lines(
        name, data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS
    )
    try:
        return _table(lines)
    finally:
        lines.close()


def _header_name(text: str) -> str:
    return header_key(text, ALIASES)


def _table(lines: Iterator[list[str]]) -> Table:
    table = Table(rows=[], problems=[], ignored_columns=[], indicator_columns=[])

    def header_of(cells: list[str]) -> list[str]:
        return _check_header([_header_name(c) for c in cells], table)

    for number, header, cells in data_rows(lines, header_of):
        if len(table.rows) >= MAX_ROWS:
            raise TableRefused(f"Berkas berisi lebih dari {MAX_ROWS} baris TPS.")
        values = dict(zip(header, cells, strict=False))
        table.rows.append(_row(number, values, table))
    return table


def _check_header(names: list[str], table: Table) -> list[str]:
    seen = named_columns(names)
    if CODE_COLUMN not in seen:
        raise TableRefused(
            "Kolom wajib 'kode_tps' tidak ada. Baris 1 harus berisi nama kolom "
            "(unduh templat)."
        )
    table.indicator_columns = [k for k in INDICATOR_KEYS if k in seen]
    if not table.indicator_columns:
        raise TableRefused(
            "Tidak ada kolom indikator yang dikenal. Nama kolom: "
            + ", ".join(i.key for i in INDICATORS)
            + "."
        )
    known = {CODE_COLUMN, NOTE_COLUMN, *INDICATOR_KEYS}
    table.ignored_columns = [n for n in seen if n not in known]
    return names


def _row(number: int, values: dict[str, str], table: Table) -> TpsRow:
    code = typed_tps_code(values.get(CODE_COLUMN, ""))
    row = TpsRow(line=number, code=code)
    if not is_tps_code(code):
        table.problems.append((number, "kode TPS harus 13 angka", code))
    for key in table.indicator_columns:
        cell = values.get(key, "").strip().lower()
        if cell in YES:
            row.values[key] = True
        elif cell in NO:
            row.values[key] = False
        else:
            table.problems.append(
                (number, f"kolom {key}: isi 1/ya atau 0/tidak", values.get(key, ""))
            )
    if NOTE_COLUMN in values:
        note = values[NOTE_COLUMN]
        if note.lower().startswith(EXAMPLE_NOTE):
            table.problems.append(
                (number, "baris contoh dari templat: hapus sebelum impor", code)
            )
        if len(note) > MAX_NOTE:
            table.problems.append(
                (number, f"catatan lebih dari {MAX_NOTE} karakter", note[:40])
            )
        row.note = note
    return row
