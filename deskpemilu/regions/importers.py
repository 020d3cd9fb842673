"""Parsing and checking master-data files (regions, TPS, voters). No ORM.

Each parser reads the whole file, collects every problem it finds (file, line, value),
and raises ImportFailed when there is any, so that the service writes nothing.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

from deskpemilu.core.csvio import read_rows
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.regions.codes import (
    depth_of,
    is_tps_code,
    level_of,
    nodot,
    parent_code,
    tps_desa_code,
    tps_number,
)

KINDS_BY_LEVEL = {
    "provinsi": {"provinsi"},
    "kabkota": {"kabupaten", "kota"},
    "kecamatan": {"kecamatan"},
    "desa": {"desa", "kelurahan"},
}
MAX_PROBLEMS = 200
MAX_COUNT = 2_000_000_000  # fits the database's integer column
MAX_KPU_ID = 10**18 - 1  # fits a bigint


def _whole(text: str, maximum: int) -> int | None:
    """A count or an id written in ASCII digits, at most `maximum`; None otherwise
    (`str.isdigit` also takes "²" or Arabic-Indic digits, which `int` refuses or
    reads as something nobody typed)."""
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(maximum)):
        return None
    value = int(text)
    return value if value <= maximum else None


@dataclass(frozen=True)
class RegionRow:
    code: str
    level: str
    kind: str
    name: str
    line: int


@dataclass(frozen=True)
class TpsRow:
    code: str
    desa_nodot: str
    number: int
    name: str
    kpu_id: int | None
    line: int


class _Problems:
    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[ImportProblem] = []

    def add(self, line: int | None, message: str, value: str = "") -> None:
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(ImportProblem(self.file, line, message, value))

    def raise_if_any(self) -> None:
        if self.items:
            raise ImportFailed(self.items)


def parse_regions(path: Path, known_codes: Collection[str] = ()) -> list[RegionRow]:
    """Rows of a Kemendagri region file (columns kode, level, tipe, nama).

    Parents must appear in the file or already be known (`known_codes`); rows are
    returned parents first.
    """
    problems = _Problems(path.name)
    rows: dict[str, RegionRow] = {}
    for line, row in read_rows(path, ["kode", "level", "tipe", "nama"]):
        code, level, kind, name = row["kode"], row["level"], row["tipe"], row["nama"]
        expected = level_of(code)
        if expected is None:
            problems.add(
                line, "format kode wilayah salah (contoh: 36.73.04.1003)", code
            )
            continue
        if level != expected:
            problems.add(line, f"level {level!r} tidak cocok dengan kode {code}", level)
            continue
        if kind not in KINDS_BY_LEVEL[level]:
            problems.add(line, f"tipe tidak dikenal untuk level {level}", kind)
            continue
        if not name:
            problems.add(line, "nama wilayah kosong", code)
            continue
        if code in rows:
            problems.add(
                line, f"kode ganda (sudah ada di baris {rows[code].line})", code
            )
            continue
        nd = row.get("kode_nodot")
        if nd and nd != nodot(code):
            problems.add(line, f"kode_nodot tidak sama dengan kode {code}", nd)
            continue
        rows[code] = RegionRow(code, level, kind, name, line)
    for code, region in rows.items():
        parent = parent_code(code)
        if parent and parent not in rows and parent not in known_codes:
            problems.add(region.line, f"induk wilayah {parent} tidak dikenal", code)
    problems.raise_if_any()
    return sorted(rows.values(), key=lambda r: (depth_of(r.code), r.code))


def parse_alt_names(path: Path) -> dict[str, str]:
    """Names from another edition of the code list, by code (for `name_alt`)."""
    problems = _Problems(path.name)
    names: dict[str, str] = {}
    for line, row in read_rows(path, ["kode", "nama"]):
        if level_of(row["kode"]) is None:
            problems.add(line, "format kode wilayah salah", row["kode"])
            continue
        names[row["kode"]] = row["nama"]
    problems.raise_if_any()
    return names


def parse_tps(path: Path, known_desa_nodot: Collection[str]) -> list[TpsRow]:
    """Rows of a KPU TPS list (kode_tps, kode_desa, no_tps, nama_tps[, kpu_id_tps])."""
    problems = _Problems(path.name)
    rows: dict[str, TpsRow] = {}
    for line, row in read_rows(path, ["kode_tps", "kode_desa", "no_tps"]):
        code, desa = row["kode_tps"], row["kode_desa"]
        if not is_tps_code(code):
            problems.add(line, "format kode TPS salah (13 angka)", code)
            continue
        if tps_desa_code(code) != desa:
            problems.add(line, f"kode TPS tidak diawali kode desa {desa}", code)
            continue
        if desa not in known_desa_nodot:
            problems.add(line, "TPS berada di desa yang tidak dikenal", desa)
            continue
        number_text = row["no_tps"]
        number = _whole(number_text, 999)
        if number is None or number != tps_number(code):
            problems.add(line, "nomor TPS tidak cocok dengan kode TPS", number_text)
            continue
        if number == 0:
            problems.add(line, "nomor TPS harus 1 atau lebih", number_text)
            continue
        if code in rows:
            problems.add(
                line, f"kode TPS ganda (sudah ada di baris {rows[code].line})", code
            )
            continue
        kpu_text = row.get("kpu_id_tps") or ""
        kpu_id = _whole(kpu_text, MAX_KPU_ID) if kpu_text else None
        if kpu_text and kpu_id is None:
            problems.add(
                line, "kpu_id_tps harus angka (paling banyak 18 angka)", kpu_text
            )
            continue
        rows[code] = TpsRow(
            code=code,
            desa_nodot=desa,
            number=number,
            name=row.get("nama_tps") or f"TPS {number:03d}",
            kpu_id=kpu_id,
            line=line,
        )
    problems.raise_if_any()
    return list(rows.values())


def parse_counts(
    path: Path,
    code_column: str,
    known_codes: Collection[str],
    *,
    value_column: str = "dpt",
    aliases: dict[str, str] | None = None,
    what: str = "wilayah",
) -> dict[str, int]:
    """A code -> voter count file. Rows with an empty count are skipped (unknown)."""
    problems = _Problems(path.name)
    counts: dict[str, int] = {}
    for line, row in read_rows(path, [code_column, value_column], aliases=aliases):
        code, raw = row[code_column], row[value_column]
        if code not in known_codes:
            problems.add(line, f"kode {what} tidak dikenal", code)
            continue
        if raw == "":
            continue
        count = _whole(raw, MAX_COUNT)
        if count is None:
            problems.add(
                line, f"jumlah pemilih harus bilangan bulat 0..{MAX_COUNT}", raw
            )
            continue
        if code in counts:
            problems.add(line, f"kode {what} ganda", code)
            continue
        counts[code] = count
    problems.raise_if_any()
    return counts
