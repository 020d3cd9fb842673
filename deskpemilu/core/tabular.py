"""Reading a table a person made in Excel or a text editor: CSV (UTF-8, with `,`, `;`
or tab, as Excel in the Indonesian locale writes it) or XLSX (first sheet), as lines of
cell texts. Problems with the file as a whole raise FileRefused with an Indonesian
message; nothing here touches the database.

An XLSX file is a zip of XML files, and both can be made to explode: a few hundred KB
that unpack to gigabytes (a "zip bomb"), an XML entity that expands a billion times,
a row of millions of empty cells. So before openpyxl opens a file, `check_xlsx`
reads the zip's directory (the declared sizes, which zipfile then holds each member
to) and runs every XML member once through expat, keeping only counts, against the
limits below; only a file within them is handed to openpyxl, and rows are read one
at a time, at most `max_lines` of them and `max_columns` wide.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
import zlib
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError
from xml.parsers import expat

ZIP_MAGIC = b"PK\x03\x04"
_XLSX_BROKEN = (
    "Berkas XLSX rusak atau tidak dapat dibaca. Buka di Excel lalu simpan ulang."
)
# Blank lines read on top of a caller's row limit before the file is refused: a
# sheet may end in a few formatted but empty rows, not in a million of them.
SPARE_LINES = 1000

# Excel's own limits: no file Excel writes goes past them.
EXCEL_ROWS = 1_048_576
EXCEL_COLUMNS = 16_384
# What the XML of one member may hold (see _XmlScan).
MAX_DEPTH = 64
MAX_ATTRIBUTES = 256
MAX_NAMESPACES = 1024
MAX_RECORD_ELEMENTS = 8 * EXCEL_COLUMNS  # inside one row or one shared string
MAX_OTHER_ELEMENTS = 1_048_576  # outside rows and shared strings, per member
MAX_MEMBERS = 1000
RATIO_FROM_BYTES = 1 << 20  # smaller members are not held to the ratio
_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
# The elements openpyxl reads one at a time and then frees: rows of a sheet's data
# and strings of the shared-string table.
_RECORDS = {f"{_MAIN} sheetData": f"{_MAIN} row", f"{_MAIN} sst": f"{_MAIN} si"}
_CHUNK = 1 << 16


class FileRefused(Exception):
    """The file as a whole cannot be read; nothing was stored or changed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class ArchiveLimits:
    """How far an XLSX file may unpack (settings DESKPEMILU_XLSX_*)."""

    max_uncompressed: int = 200 * 1024 * 1024
    max_ratio: int = 200

    @classmethod
    def from_settings(cls) -> ArchiveLimits:
        from django.conf import settings

        default = cls()
        return cls(
            max_uncompressed=getattr(
                settings,
                "DESKPEMILU_XLSX_MAX_UNCOMPRESSED_BYTES",
                default.max_uncompressed,
            ),
            max_ratio=getattr(settings, "DESKPEMILU_XLSX_MAX_RATIO", default.max_ratio),
        )


def _mb(size: int) -> str:
    return f"{size / 1048576:.1f}".replace(".", ",")


def _bounded(
    lines: Iterator[list[str]], max_lines: int, max_columns: int
) -> Generator[list[str], None, None]:
    """At most `max_lines` lines of at most `max_columns` cells (empty cells at the
    end of a line do not count)."""
    for number, cells in enumerate(lines, start=1):
        if number > max_lines:
            raise FileRefused(
                f"Berkas berisi lebih dari {max_lines} baris (baris kosong ikut "
                "dihitung). Hapus baris kosong di bawah tabel atau bagi menjadi "
                "beberapa berkas."
            )
        while cells and not cells[-1]:
            cells.pop()
        if len(cells) > max_columns:
            raise FileRefused(
                f"Baris {number} berisi lebih dari {max_columns} kolom. Hapus kolom "
                "yang tidak dipakai di sebelah kanan tabel."
            )
        yield cells


def upload_lines(
    name: str,
    data: bytes,
    *,
    max_bytes: int,
    max_rows: int,
    max_columns: int,
    too_large_hint: str = "",
    wrong_type_hint: str = "",
) -> Generator[list[str], None, None]:
    """The lines of an uploaded table, read as CSV or XLSX by the ending of its name:
    at most `max_rows` data rows (and the header, and SPARE_LINES blank lines) of
    `max_columns` cells. FileRefused when the file is over `max_bytes` or neither
    .csv nor .xlsx; a hint, when given, follows that message. The caller closes the
    lines (that closes a workbook refused half-way)."""
    if len(data) > max_bytes:
        raise FileRefused(
            _hinted(
                f"Berkas terlalu besar ({len(data) / 1048576:.1f} MB); batasnya "
                f"{max_bytes // 1048576} MB.",
                too_large_hint,
            )
        )
    lower = name.lower()
    max_lines = max_rows + 1 + SPARE_LINES
    if lower.endswith(".xlsx"):
        return xlsx_lines(data, max_lines=max_lines, max_columns=max_columns)
    if lower.endswith(".csv"):
        return csv_lines(data, max_lines=max_lines, max_columns=max_columns)
    raise FileRefused(_hinted(f"Berkas {name!r} bukan CSV atau XLSX.", wrong_type_hint))


def data_rows(
    lines: Iterator[list[str]],
    header_of: Callable[[list[str]], list[str]],
    empty: str = "Berkas kosong: tidak ada baris judul.",
) -> Generator[tuple[int, list[str], list[str]], None, None]:
    """The rows under the header of an uploaded table as (line number, column names,
    cells stripped), blank rows left out. `header_of` turns the first line into the
    column names, refusing a header it cannot use; a file without any line is
    refused with `empty`."""
    header: list[str] | None = None
    for number, cells in enumerate(lines, start=1):
        if header is None:
            header = header_of(cells)
            continue
        stripped = [c.strip() for c in cells]
        if any(stripped):
            yield number, header, stripped
    if header is None:
        raise FileRefused(empty)


def named_columns(names: list[str]) -> list[str]:
    """The named columns of a header (blank headings left out); FileRefused when a
    name appears twice."""
    seen = [n for n in names if n]
    doubled = sorted({n for n in seen if seen.count(n) > 1})
    if doubled:
        raise FileRefused("Nama kolom muncul dua kali: " + ", ".join(doubled) + ".")
    return seen


def _hinted(message: str, hint: str) -> str:
    return f"{message} {hint}" if hint else message


def csv_lines(
    data: bytes, *, max_lines: int = EXCEL_ROWS, max_columns: int = EXCEL_COLUMNS
) -> Generator[list[str], None, None]:
    if data.startswith(ZIP_MAGIC) or b"\x00" in data[:4096]:
        raise FileRefused(
            "Isi berkas bukan teks CSV (mungkin berkas Excel yang diberi nama .csv). "
            "Simpan sebagai CSV UTF-8 atau unggah sebagai .xlsx."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise FileRefused(
            f"Berkas bukan teks UTF-8 (byte ke-{error.start + 1} tidak terbaca). "
            "Di Excel pilih Simpan Sebagai > 'CSV UTF-8 (Comma delimited)'."
        ) from error
    first = text.split("\n", 1)[0]
    # Excel in the Indonesian locale separates with ";" (the comma is the decimal mark).
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        yield from _bounded(reader, max_lines, max_columns)
    except csv.Error as error:
        raise FileRefused(f"CSV rusak: {error}.") from error


def xlsx_lines(
    data: bytes,
    *,
    max_lines: int = EXCEL_ROWS,
    max_columns: int = EXCEL_COLUMNS,
    limits: ArchiveLimits | None = None,
) -> Generator[list[str], None, None]:
    """The first sheet's rows as cell texts, once `check_xlsx` has let the file
    through. Cells right of `max_columns` + 1 are not read (the one just right of
    the limit is, so that a line too wide is refused rather than cut)."""
    from openpyxl import load_workbook

    check_xlsx(data, limits or ArchiveLimits.from_settings())
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _OPENPYXL_ERRORS as error:
        raise FileRefused(_XLSX_BROKEN) from error
    try:
        if not book.worksheets:
            raise FileRefused(_XLSX_BROKEN)
        rows = book.worksheets[0].iter_rows(
            max_row=max_lines + 1, max_col=max_columns + 1, values_only=True
        )
        lines = ([cell_text(v) for v in values] for values in rows)
        yield from _bounded(lines, max_lines, max_columns)
    except _OPENPYXL_ERRORS as error:
        raise FileRefused(_XLSX_BROKEN) from error
    finally:
        book.close()


# What openpyxl raises on a file that passed check_xlsx but is still not a workbook
# it can read (a missing part, a cell of an unknown type, a bad date, ...).
_OPENPYXL_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    KeyError,
    IndexError,
    ValueError,  # also defusedxml's refusals
    TypeError,
    AttributeError,
    OverflowError,
    ParseError,
    OSError,
    NotImplementedError,
)


# --- the checks before openpyxl ------------------------------------------------------


def check_xlsx(data: bytes, limits: ArchiveLimits) -> None:
    """Refuse (FileRefused) an XLSX file whose zip or XML goes past the limits,
    reading only the zip's directory and counting the XML, never building it."""
    if not data.startswith(ZIP_MAGIC):
        raise FileRefused(
            "Isi berkas bukan XLSX. Buka di Excel lalu simpan sebagai .xlsx atau .csv."
        )
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except _ZIP_ERRORS as error:
        raise FileRefused(_XLSX_BROKEN) from error
    with archive:
        members = archive.infolist()
        _check_directory(members, limits)
        for member in members:
            try:
                _scan_member(archive, member)
            except _ZIP_ERRORS as error:
                raise FileRefused(_XLSX_BROKEN) from error


# What zipfile raises on a damaged archive: a bad header or CRC, a zip version or
# method it does not know (NotImplementedError), an offset before the start of the
# file (ValueError: negative seek), an encrypted member (RuntimeError).
_ZIP_ERRORS = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)


def _too_big(what: str) -> FileRefused:
    return FileRefused(
        f"Berkas XLSX terlalu besar setelah dibuka ({what}). Bagi menjadi beberapa "
        "berkas, atau simpan sebagai CSV UTF-8 lalu unggah ulang."
    )


def _check_directory(members: list[zipfile.ZipInfo], limits: ArchiveLimits) -> None:
    if len(members) > MAX_MEMBERS:
        raise FileRefused(_XLSX_BROKEN)
    total = 0
    for member in members:
        if member.flag_bits & 0x1 or member.compress_type not in (
            zipfile.ZIP_STORED,
            zipfile.ZIP_DEFLATED,
        ):
            raise FileRefused(_XLSX_BROKEN)  # encrypted, or not as Excel packs
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FROM_BYTES and ratio > limits.max_ratio:
            raise _too_big(
                f"bagian {member.filename[:60]!r} dimampatkan {ratio:.0f} kali, "
                f"batasnya {limits.max_ratio} kali"
            )
    if total > limits.max_uncompressed:
        raise _too_big(
            f"isinya {_mb(total)} MB, batasnya {_mb(limits.max_uncompressed)} MB"
        )


def _scan_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Run a member that is XML through expat, counting (see _XmlScan); a member
    that is not XML (an image) is left alone: openpyxl cannot parse it either."""
    if member.is_dir() or member.file_size == 0:
        return
    with archive.open(member) as handle:
        head = handle.read(_CHUNK)
        start = head.lstrip(b"\xef\xbb\xbf \t\r\n")
        if head.startswith((b"\xff\xfe", b"\xfe\xff")) or start[:1] == b"\x00":
            # UTF-16 or UTF-32 XML: expat would read it, Excel never writes it.
            raise FileRefused(_XLSX_BROKEN)
        if start and not start.startswith(b"<"):
            return  # not XML (a blank start may hide XML further on: scanned)
        scan = _XmlScan(member.filename)
        try:
            chunk = head
            while chunk:
                scan.parser.Parse(chunk, False)
                chunk = handle.read(_CHUNK)
            scan.parser.Parse(b"", True)
        except expat.ExpatError:
            # Not well-formed: openpyxl's expat stops at the same byte, so a part it
            # reads is refused as broken then; one it does not read (Excel's VML
            # drawings are often not XML at all) does not refuse the file.
            return


class _XmlScan:
    """One pass of expat over one XML member, building nothing, refusing:

    - a DTD or an entity declaration (entity expansion bombs, external entities);
    - nesting deeper than MAX_DEPTH, or more attributes or namespaces than a
      workbook has;
    - more rows than Excel has (per sheet), more cells than Excel has columns (per
      row), more strings than Excel's row count (per shared-string table);
    - more than MAX_RECORD_ELEMENTS elements inside one row or one shared string,
      and more than MAX_OTHER_ELEMENTS elsewhere.

    openpyxl frees a row or a shared string once read and keeps the rest of a part
    while parsing it, so these bound what it holds in memory at any time.
    """

    def __init__(self, name: str) -> None:
        self.name = name
        self.parser = expat.ParserCreate(namespace_separator=" ")
        self.parser.ordered_attributes = True
        self.parser.StartDoctypeDeclHandler = self._refuse_dtd
        self.parser.EntityDeclHandler = self._refuse_dtd
        self.parser.StartElementHandler = self._start
        self.parser.EndElementHandler = self._end
        self.parser.StartNamespaceDeclHandler = self._namespace
        self.stack: list[str] = []
        self.children: list[int] = []
        self.record_at = -1  # depth of the row or string being read, -1: none
        self.in_record = 0
        self.other = 0
        self.namespaces = 0

    def _refuse_dtd(self, *args: object) -> None:
        raise FileRefused(_XLSX_BROKEN)

    def _namespace(self, prefix: str | None, uri: str) -> None:
        self.namespaces += 1
        if self.namespaces > MAX_NAMESPACES:
            raise FileRefused(_XLSX_BROKEN)

    def _start(self, name: str, attributes: list[str]) -> None:
        depth = len(self.stack)
        if depth >= MAX_DEPTH or len(attributes) > 2 * MAX_ATTRIBUTES:
            raise FileRefused(_XLSX_BROKEN)
        if self.children:
            self.children[-1] += 1
        if self.record_at >= 0:
            self.in_record += 1
            if self.in_record > MAX_RECORD_ELEMENTS:
                raise _too_big(f"{self.name}: satu baris berisi terlalu banyak unsur")
            if depth == self.record_at + 1 and self.children[-1] > EXCEL_COLUMNS:
                raise _too_big(
                    f"{self.name}: satu baris berisi lebih dari {EXCEL_COLUMNS} sel"
                )
        elif depth and _RECORDS.get(self.stack[-1]) == name:
            self.record_at = depth
            self.in_record = 1
            if self.children[-1] > EXCEL_ROWS:
                raise _too_big(f"{self.name}: lebih dari {EXCEL_ROWS} baris atau teks")
        else:
            self.other += 1
            if self.other > MAX_OTHER_ELEMENTS:
                raise _too_big(f"{self.name}: terlalu banyak unsur")
        self.stack.append(name)
        self.children.append(0)

    def _end(self, name: str) -> None:
        self.stack.pop()
        self.children.pop()
        if len(self.stack) == self.record_at:
            self.record_at = -1


def cell_text(value: object) -> str:
    """A spreadsheet cell as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.datetime):
        # openpyxl gives the wall-clock time as typed: read as WIB by the caller.
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, float) and value.is_integer():
        # A 13-digit TPS code typed into a number cell comes back as a float.
        return str(int(value))
    return str(value).strip()


def header_key(text: str, aliases: Mapping[str, str]) -> str:
    """A column heading as the name an import knows it by: lower case, spaces and
    hyphens as underscores, then the import's own aliases ("Kode TPS" -> kode_tps)."""
    name = re.sub(r"[\s\-]+", "_", text.strip().lower())
    return aliases.get(name, name)
