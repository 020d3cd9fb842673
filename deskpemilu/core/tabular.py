"""Reading a table a person made in Excel or a text editor: CSV (UTF-8, with `,`, `;`
or tab, as Excel in the Indonesian locale writes it) or XLSX (first sheet), as lines of
cell texts. Problems with the file as a whole raise FileRefused with an Indonesian
message; nothing here touches the database."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterator

ZIP_MAGIC = b"PK\x03\x04"
_XLSX_BROKEN = (
    "Berkas XLSX rusak atau tidak dapat dibaca. Buka di Excel lalu simpan ulang."
)


class FileRefused(Exception):
    """The file as a whole cannot be read; nothing was stored or changed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def csv_lines(data: bytes) -> Iterator[list[str]]:
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
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise FileRefused(f"CSV rusak: {error}.") from error


def xlsx_lines(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    if not data.startswith(ZIP_MAGIC):
        raise FileRefused(
            "Isi berkas bukan XLSX. Buka di Excel lalu simpan sebagai .xlsx atau .csv."
        )
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise FileRefused(_XLSX_BROKEN) from error
    try:
        for values in book.worksheets[0].iter_rows(values_only=True):
            yield [cell_text(v) for v in values]
    except (zipfile.BadZipFile, KeyError, IndexError, ValueError, OSError) as error:
        raise FileRefused(_XLSX_BROKEN) from error
    finally:
        book.close()


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
