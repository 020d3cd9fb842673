"""A spreadsheet of incident reports (CSV or XLSX): reading the file and tidying one
row. Pure code, no ORM: whether a TPS or region exists, the user's scope and the
incident rules are checked by the caller (`desk_services.upload_process`).

The columns are documented on the upload page and in the CSV template. Every message
for a person is in Indonesian and names the column and the value that was wrong.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from deskpemilu.core.csvio import SafeWriter
from deskpemilu.core.tabular import FileRefused, data_rows, named_columns, upload_lines
from deskpemilu.core.timeutil import WIB
from deskpemilu.intake import fieldcode
from deskpemilu.intake.channels.base import PayloadError, normalise_phone
from deskpemilu.regions.codes import dotted, is_tps_code, normalise_region_code

COLUMNS = ("waktu", "kode_tempat", "kategori", "tingkat", "uraian", "pelapor", "kontak")
REQUIRED = ("waktu", "kode_tempat", "kategori", "tingkat", "uraian")
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 50  # the 7 named columns and room for a person's own
MAX_TEXT = 2000
MAX_NAME = 120
EXTRA = "_kolom_lebih"  # cells to the right of the last named column
TEMPLATE_ROWS = (
    (
        "2024-02-14 09:30",
        "3673041003005",
        "politik_uang",
        "B",
        "Ada pembagian amplop di dekat TPS",
        "Budi",
        "081234567890",
    ),
    (
        "2024-02-14 13:05",
        "36.01.01",
        "LOG",
        "sedang",
        "Surat suara DPRD tertukar di dua TPS",
        "",
        "",
    ),
)
_TIME = re.compile(
    r"(?:(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"
    r"|(?P<d2>\d{1,2})[/-](?P<m2>\d{1,2})[/-](?P<y2>\d{4}))"
    r"(?:[ T]+(?P<H>\d{1,2})[:.](?P<M>\d{2})(?:[:.]\d{2}(?:\.\d+)?)?)?"
    r"(?:\s*WIB)?",
    re.IGNORECASE,
)
_WORD_SEPARATORS = re.compile(r"[\s_\-/.,;:#+&|]+")
_CODE_SEPARATORS = re.compile(r"[\s.\-/]")


# --- reading a file ------------------------------------------------------------------


def read_table(name: str, data: bytes) -> list[tuple[int, dict[str, str]]]:
    """The data rows of a CSV or XLSX file as (row number, column -> text).

    Row numbers are those a spreadsheet shows (the header is row 1). Blank rows are
    skipped; unknown columns are kept (they go into the stored raw row), and so are
    cells right of the header (under EXTRA, refused by clean_row). Raises
    FileRefused for a file that is too large, not CSV/XLSX, not UTF-8, without the
    required columns, or with more than MAX_ROWS rows.
    """
    lines = upload_lines(
        name,
        data,
        max_bytes=MAX_BYTES,
        max_rows=MAX_ROWS,
        max_columns=MAX_COLUMNS,
        too_large_hint="Bagi menjadi beberapa berkas.",
        wrong_type_hint=(
            "Simpan tabel sebagai .csv (UTF-8) atau .xlsx lalu unggah ulang."
        ),
    )
    try:
        return _rows(lines)
    finally:
        lines.close()  # closes the workbook when a row was refused half-way


def _header_name(text: str) -> str:
    return re.sub(r"\s+", "_", text.strip().lower())


def _rows(lines: Iterator[list[str]]) -> list[tuple[int, dict[str, str]]]:
    rows: list[tuple[int, dict[str, str]]] = []
    for number, header, cells in data_rows(
        lines, _header, "Berkas kosong: tidak ada baris judul maupun laporan."
    ):
        if len(rows) >= MAX_ROWS:
            raise FileRefused(
                f"Berkas berisi lebih dari {MAX_ROWS} baris laporan. Bagi menjadi "
                "beberapa berkas."
            )
        values = {name: "" for name in header if name}
        for name, cell in zip(header, cells, strict=False):
            if name:
                values[name] = cell
        extra = [c for c in cells[len(header) :] if c]
        if extra:  # kept, and refused by clean_row
            values[EXTRA] = " | ".join(extra)
        rows.append((number, values))
    return rows


def _header(cells: list[str]) -> list[str]:
    if not any(c.strip() for c in cells):
        raise FileRefused("Baris 1 harus berisi nama kolom; baris 1 kosong.")
    return _check_header([_header_name(c) for c in cells])


def _check_header(names: list[str]) -> list[str]:
    seen = named_columns(names)
    missing = [c for c in REQUIRED if c not in seen]
    if missing:
        raise FileRefused(
            "Kolom wajib tidak ada: " + ", ".join(missing) + ". Baris 1 harus berisi "
            "nama kolom: " + ", ".join(COLUMNS) + " (unduh templat CSV)."
        )
    return names


def template_csv() -> str:
    """The CSV template offered for download: the header and two example rows."""
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(TEMPLATE_ROWS)
    return out.getvalue()


# --- one row -------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a row: which column, what was written, and why."""

    column: str
    value: str
    code: str
    reason: str


@dataclass
class CleanRow:
    """A row as the incident service wants it, and what was wrong with it."""

    occurred_at: dt.datetime | None = None
    place_code: str = ""  # 13-digit TPS code or dotted region code
    category: str = ""
    severity: str = ""
    text: str = ""
    person_name: str = ""
    person_contact: str = ""
    problems: list[Problem] = field(default_factory=list)

    def refuse(self, column: str, value: str, code: str, reason: str) -> None:
        self.problems.append(Problem(column, value, code, reason))


def clean_row(values: dict[str, str]) -> CleanRow:
    """Tidy one row; what cannot be read is listed in `problems` (all of them)."""
    row = CleanRow()
    get = values.get
    _time(row, get("waktu", ""))
    _place(row, get("kode_tempat", ""))
    _category(row, get("kategori", ""))
    _severity(row, get("tingkat", ""))
    text = get("uraian", "")
    if not text:
        row.refuse("uraian", text, "missing_text", "Uraian kejadian wajib diisi.")
    elif len(text) > MAX_TEXT:
        row.refuse(
            "uraian",
            text[:40] + "…",
            "text_too_long",
            f"Uraian paling panjang {MAX_TEXT} huruf (tertulis {len(text)}).",
        )
    row.text = text
    row.person_name = get("pelapor", "")[:MAX_NAME]
    row.person_contact = contact_of(get("kontak", ""))
    if EXTRA in values:
        row.refuse(
            "",
            values[EXTRA],
            "extra_cells",
            "Baris ini berisi lebih banyak kolom daripada baris judul; mungkin ada "
            "koma di uraian tanpa tanda kutip.",
        )
    return row


def _time(row: CleanRow, value: str) -> None:
    if not value:
        row.refuse("waktu", value, "missing_time", "Waktu kejadian wajib diisi.")
        return
    moment = parse_time(value)
    if moment is None:
        row.refuse(
            "waktu",
            value,
            "bad_time",
            "Waktu tidak terbaca; tulis YYYY-MM-DD HH:MM (WIB), mis. 2024-02-14 09:30.",
        )
    row.occurred_at = moment


def parse_time(value: str) -> dt.datetime | None:
    """`2024-02-14 09:30` (or 14/02/2024 09.30) as an aware WIB datetime; a date
    without a time, or a date that does not exist, gives None."""
    match = _TIME.fullmatch(value.strip())
    if match is None or match["H"] is None:
        return None
    parts = match.groupdict()
    try:
        return dt.datetime(
            int(parts["y"] or parts["y2"]),
            int(parts["m"] or parts["m2"]),
            int(parts["d"] or parts["d2"]),
            int(parts["H"]),
            int(parts["M"]),
            tzinfo=WIB,
        )
    except ValueError:
        return None


def _place(row: CleanRow, value: str) -> None:
    code = place_code_of(value)
    if not value:
        row.refuse("kode_tempat", value, "missing_place", "Kode tempat wajib diisi.")
    elif code is None:
        row.refuse(
            "kode_tempat",
            value,
            "bad_place_code",
            "Kode tempat harus kode TPS 13 angka atau kode wilayah 2/4/6/10 angka "
            "(mis. 3673041003005 atau 36.73.04).",
        )
    row.place_code = code or ""


def place_code_of(value: str) -> str | None:
    """A 13-digit TPS code, or a region code in dotted form; None if it is neither.
    Dots, dashes and spaces inside are allowed, and a leading word TPS."""
    text = re.sub(r"^tps\s*", "", value.strip(), flags=re.IGNORECASE)
    digits = _CODE_SEPARATORS.sub("", text)
    if not digits.isdigit():
        return None
    if is_tps_code(digits):
        return digits
    return normalise_region_code(text) or dotted(digits)


def _words(value: str) -> str:
    return _WORD_SEPARATORS.sub(" ", value.lower()).strip()


def category_of(value: str) -> str | None:
    """A taxonomy category from its value (politik_uang) or a field-code word (PU)."""
    return fieldcode.CATEGORY_ALIASES.get(_words(value))


def severity_of(value: str) -> str | None:
    """A severity from ringan/sedang/berat/kritis, R/S/B/K or 1-4."""
    return fieldcode.SEVERITY_ALIASES.get(_words(value))


def _category(row: CleanRow, value: str) -> None:
    row.category = (category_of(value) if value else None) or ""
    if not row.category:
        what = f"tidak dikenal: {value!r}" if value else "wajib diisi"
        row.refuse(
            "kategori",
            value,
            "unknown_category" if value else "missing_category",
            f"Kategori {what}; tulis kode (PU, KEK, LOG, ...) atau nilai seperti "
            "politik_uang.",
        )


def _severity(row: CleanRow, value: str) -> None:
    row.severity = (severity_of(value) if value else None) or ""
    if not row.severity:
        what = f"tidak dikenal: {value!r}" if value else "wajib diisi"
        row.refuse(
            "tingkat",
            value,
            "unknown_severity" if value else "missing_severity",
            f"Tingkat {what}; tulis ringan/sedang/berat/kritis atau R/S/B/K.",
        )


def contact_of(value: str) -> str:
    """A phone number normalised (62...), anything else (an e-mail) as written."""
    if not value:
        return ""
    try:
        return normalise_phone(value)
    except PayloadError:
        return value[:MAX_NAME]
