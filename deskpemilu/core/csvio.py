"""Reading CSV files with line numbers and clear errors about missing columns, and
writing cells a spreadsheet shows as data, never runs as a formula."""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from deskpemilu.core.errors import ImportFailed, ImportProblem

if TYPE_CHECKING:
    from _typeshed import SupportsWrite


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_rows(
    path: Path, required: list[str], *, aliases: dict[str, str] | None = None
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with stripped values; fail early on missing columns.

    `aliases` maps another header name to a required one (e.g. dpt_total -> dpt).
    Line numbers count the header as line 1, as a spreadsheet shows them.
    """
    aliases = aliases or {}
    if not path.exists():
        raise ImportFailed([ImportProblem(path.name, None, "berkas tidak ditemukan")])
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
        with handle:
            reader = csv.DictReader(handle)
            header = [
                aliases.get(h.strip(), h.strip()) for h in reader.fieldnames or []
            ]
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportFailed(
                    [
                        ImportProblem(
                            path.name,
                            1,
                            "kolom wajib tidak ada: " + ", ".join(missing),
                            ",".join(header),
                        )
                    ]
                )
            reader.fieldnames = header
            for row in reader:
                if None in row:
                    raise ImportFailed(
                        [
                            ImportProblem(
                                path.name,
                                reader.line_num,
                                "jumlah kolom melebihi kepala tabel",
                            )
                        ]
                    )
                yield (
                    reader.line_num,
                    {k: (v or "").strip() for k, v in row.items() if k is not None},
                )
    except UnicodeDecodeError as exc:
        raise ImportFailed(
            [ImportProblem(path.name, None, f"berkas bukan teks UTF-8 ({exc.reason})")]
        ) from exc
    except csv.Error as exc:
        raise ImportFailed(
            [ImportProblem(path.name, None, f"CSV rusak: {exc}")]
        ) from exc


# What makes Excel, LibreOffice or Google Sheets read a cell as a formula (OWASP,
# "CSV Injection"): `=cmd|' /C calc'!A0` in a note would run on the desk's PC.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_text(text: str) -> str:
    """Text a spreadsheet shows as text: a leading `'` before a formula's first
    character (docs/decisions.md, "Exports: cells that look like formulas")."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def spreadsheet_cell(value: object) -> object:
    """One exported cell: numbers stay numbers (-5 is data, and a spreadsheet reads
    it as the number -5), None is an empty cell, anything else is text made safe."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return value
    return spreadsheet_text(str(value))


def spreadsheet_row(values: Iterable[object]) -> list[object]:
    return [spreadsheet_cell(value) for value in values]


class SafeWriter:
    """csv.writer whose rows go through spreadsheet_row."""

    def __init__(self, handle: SupportsWrite[str], **options: Any) -> None:
        self.writer = csv.writer(handle, **options)

    def writerow(self, values: Iterable[object]) -> None:
        self.writer.writerow(spreadsheet_row(values))

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
