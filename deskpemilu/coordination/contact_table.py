"""The contact directory's file (CSV or XLSX): its template and reading it. Pure
code, no ORM: whether each place exists and lies in the user's scope is checked by
`services.contacts_import`.

Columns (the header row names them, in any order): `peran` (role: a code of
ROLES or its usual name, "ketua kpps", "babinsa", ...), `nama`, `telepon`,
`kode_wilayah` (a TPS code of 13 digits for the roles of a TPS, else the region's
code in either form) and, optionally, `catatan`. Each role belongs at one level
(a KPPS chair at a TPS, a PPS at a desa, a PPK at a kecamatan, ...); a row at
another level is refused. Other columns are ignored and named in the report.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from deskpemilu.core.csvio import SafeWriter
from deskpemilu.core.tabular import (
    FileRefused,
    data_rows,
    header_key,
    named_columns,
    upload_lines,
)
from deskpemilu.intake.senders import phone_or_error
from deskpemilu.regions.codes import (
    is_tps_code,
    level_of,
    nodot,
    normalise_region_code,
    typed_tps_code,
)

ROLE, NAME, PHONE, PLACE, NOTE = "peran", "nama", "telepon", "kode_wilayah", "catatan"
REQUIRED = (ROLE, NAME, PHONE, PLACE)
HEADER_ALIASES = {
    "role": ROLE,
    "jabatan": ROLE,
    "name": NAME,
    "phone": PHONE,
    "hp": PHONE,
    "no_hp": PHONE,
    "nomor_hp": PHONE,
    "kode": PLACE,
    "kode_tps": PLACE,
    "wilayah": PLACE,
    "note": NOTE,
}
TPS = "tps"
# Each role's level: where such a person sits. None: anywhere.
ROLE_LEVEL: dict[str, str | None] = {
    "kpps": TPS,
    "ptps": TPS,
    "pps": "desa",
    "pkd": "desa",
    "ppk": "kecamatan",
    "panwaslu": "kecamatan",
    "babinsa": "desa",
    "bhabinkamtibmas": "desa",
    "lain": None,
}
ROLE_ALIASES = {
    "ketua kpps": "kpps",
    "ketua_kpps": "kpps",
    "pengawas tps": "ptps",
    "panwascam": "panwaslu",
    "panwaslu kecamatan": "panwaslu",
    "pengawas desa": "pkd",
    "pengawas kelurahan/desa": "pkd",
    "bhabin": "bhabinkamtibmas",
    "lainnya": "lain",
}
LEVEL_WORDS = {
    TPS: "TPS (13 angka)",
    "desa": "desa/kelurahan",
    "kecamatan": "kecamatan",
}
MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 50
MAX_NAME, MAX_NOTE = 120, 200
# The template's example rows say so in their name, and are refused if left in.
EXAMPLE_NAME = "contoh "
TEMPLATE_ROWS = (
    ("kpps", "Contoh Ketua KPPS", "0812-0000-0001", "3673041003005", ""),
    ("pps", "Contoh Ketua PPS", "0812-0000-0002", "36.73.04.1003", ""),
    ("babinsa", "Contoh Babinsa", "0812-0000-0003", "36.73.04.1003", "Koramil"),
)


@dataclass
class ContactRow:
    line: int
    role: str
    name: str
    phone: str
    place_code: str  # undotted: a TPS code or a region's code
    is_tps: bool
    note: str = ""


@dataclass
class Table:
    rows: list[ContactRow] = field(default_factory=list)
    problems: list[tuple[int, str, str]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)


def template_csv() -> str:
    out = io.StringIO()
    writer = SafeWriter(out, lineterminator="\r\n")
    writer.writerow([ROLE, NAME, PHONE, PLACE, NOTE])
    for row in TEMPLATE_ROWS:
        writer.writerow(row)
    return out.getvalue()


def read_table(name: str, data: bytes) -> Table:
    """Read the file; refuse it as a whole (FileRefused) when it cannot be read, and
    list each bad row's problem (line, message, value) otherwise."""
    lines = upload_lines(
        name, data, max_bytes=MAX_BYTES, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS
    )
    try:
        return _table(lines)
    finally:
        lines.close()


def _header_name(text: str) -> str:
    return header_key(text, HEADER_ALIASES)


def _table(lines: Iterator[list[str]]) -> Table:
    table = Table()
    seen: dict[tuple[str, str, str], int] = {}

    def header_of(cells: list[str]) -> list[str]:
        return _check_header([_header_name(c) for c in cells], table)

    for number, header, cells in data_rows(lines, header_of):
        values = dict(zip(header, cells, strict=False))
        row = _row(number, values, table)
        if row is None:
            continue
        key = (row.role, row.place_code, row.name.casefold())
        if key in seen:
            table.problems.append(
                (number, f"sama dengan baris {seen[key]} (peran, tempat, nama)", "")
            )
            continue
        seen[key] = number
        table.rows.append(row)
    return table


def _check_header(names: list[str], table: Table) -> list[str]:
    seen = named_columns(names)
    missing = [n for n in REQUIRED if n not in seen]
    if missing:
        raise FileRefused(
            "Kolom wajib tidak ada: "
            + ", ".join(missing)
            + ". Baris 1 harus berisi nama kolom (unduh templat)."
        )
    table.ignored_columns = [n for n in seen if n not in (*REQUIRED, NOTE)]
    return names


def role_of(text: str) -> str | None:
    """A role's code from what a person wrote ("Ketua KPPS", "babinsa", "PPS")."""
    word = " ".join(text.lower().split())
    if word in ROLE_LEVEL:
        return word
    return ROLE_ALIASES.get(word)


def _row(number: int, values: dict[str, str], table: Table) -> ContactRow | None:
    problems = table.problems
    before = len(problems)
    role = role_of(values.get(ROLE, ""))
    if role is None:
        problems.append(
            (number, "peran tidak dikenal: " + ", ".join(ROLE_LEVEL), values[ROLE])
        )
    name = values.get(NAME, "")
    if not name or len(name) > MAX_NAME:
        problems.append((number, f"nama wajib, paling banyak {MAX_NAME} huruf", name))
    elif name.lower().startswith(EXAMPLE_NAME):
        problems.append(
            (number, "baris contoh dari templat: hapus sebelum impor", name)
        )
    raw_phone = values.get(PHONE, "")
    phone = ""
    try:
        phone = phone_or_error(raw_phone)
    except ValueError as error:
        problems.append((number, str(error), raw_phone))
    place_code, is_tps = _place(values.get(PLACE, ""))
    if not place_code:
        problems.append(
            (number, "kode TPS (13 angka) atau kode wilayah", values.get(PLACE, ""))
        )
    elif role is not None and (level := ROLE_LEVEL[role]) is not None:
        where = TPS if is_tps else level_of(normalise_region_code(place_code) or "")
        if where != level:
            problems.append(
                (
                    number,
                    f"peran {role} ditulis dengan kode {LEVEL_WORDS[level]}",
                    values.get(PLACE, ""),
                )
            )
    note = values.get(NOTE, "")
    if len(note) > MAX_NOTE:
        problems.append((number, f"catatan lebih dari {MAX_NOTE} huruf", note[:40]))
    if len(problems) > before or role is None:
        return None
    return ContactRow(number, role, name, phone, place_code, is_tps, note)


def _place(text: str) -> tuple[str, bool]:
    """(undotted code, whether it is a TPS) of what was written; ("", False) when it
    is neither a TPS code nor a region code."""
    typed = typed_tps_code(text)
    if is_tps_code(typed):
        return typed, True
    region = normalise_region_code(text)
    return (nodot(region), False) if region else ("", False)
