"""Reading result files in batches of arrays (no ORM).

One grammar of column names covers the Kec. Sumur / Sirekap export and the generic
layout (docs/results.md): `kode_tps`; any of spec.FIELDS (or an alias); votes as
`suara_<n>` with an optional suffix (`suara_01_anies_muhaimin`); optional `sumber`,
`waktu_sumber` (or `sirekap_ts`), `foto`. Other columns are ignored and reported.
An empty cell is unknown. The file is read by Arrow's streaming CSV reader, one block
at a time, so a national file never sits in memory whole; a bad value stops the fast
path, and a line-by-line scan then names every bad cell (file, line, value).

Reading runs one batch ahead in a thread of its own (Arrow's parsing and the
conversion to arrays), so that it overlaps with what the caller does with the
previous batch (checks, database writes); batches and their problems still come in
file order, exactly as a sequential read gives them.
"""

from __future__ import annotations

import csv
import datetime as dt
import queue
import re
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar, cast

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv

from deskpemilu.core.errors import ImportProblem
from deskpemilu.core.timeutil import WIB
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import (
    ALIASES,
    CANDIDATE_COLUMN,
    FIELDS,
    SOURCES,
    field_names,
)

BLOCK_BYTES = 4 << 20  # ~60,000 Sumur-layout rows per batch
MAX_VALUE = 2_000_000_000  # fits the database's integer column
MAX_PROBLEMS = 200
PREFETCH = 2  # batches read ahead of the caller
EXTRA = ("kode_tps", "sumber", "waktu_sumber", "foto")
_INTEGER = re.compile(r"^\s*-?[0-9]+\s*$")


class Problems:
    """The problems of one file, capped so a broken national file stays readable."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.items: list[ImportProblem] = []
        self.count = 0

    def add(self, line: int | None, message: str, value: str = "") -> None:
        self.count += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(ImportProblem(self.file, line, message, value))

    def __bool__(self) -> bool:
        return self.count > 0

    def merge(self, other: Problems) -> None:
        """Add another list's problems after ours (keeping the cap and the count)."""
        room = MAX_PROBLEMS - len(self.items)
        self.items.extend(other.items[: max(room, 0)])
        self.count += other.count


@dataclass(frozen=True)
class Layout:
    columns: dict[str, str]  # our name -> the file's header
    n_candidates: int
    ignored: tuple[str, ...]

    @property
    def numeric(self) -> list[str]:
        return [n for n in field_names(self.n_candidates) if n in self.columns]


def read_header(path: Path) -> list[str]:
    with path.open(newline="", encoding="utf-8-sig") as handle:
        return next(csv.reader(handle), [])


def detect_layout(
    path: Path, problems: Problems, n_candidates: int | None = None
) -> Layout | None:
    """Map the file's header to our names; None (with problems) when unusable.

    `n_candidates` is the contest's number of candidates when known (import); a
    file naming a higher ballot number is refused.
    """
    try:
        header = read_header(path)
    except UnicodeDecodeError as exc:
        problems.add(None, f"berkas bukan teks UTF-8 ({exc.reason})")
        return None
    except csv.Error as exc:  # e.g. a header cell past the csv module's field limit
        problems.add(1, f"CSV rusak: {exc}")
        return None
    columns: dict[str, str] = {}
    ignored = []
    for raw in header:
        name = ALIASES.get(raw.strip().lower(), raw.strip().lower())
        match = CANDIDATE_COLUMN.match(name)
        if match:
            name = f"suara_{int(match[1])}"
        if not (name in FIELDS or name in EXTRA or match):
            ignored.append(raw)
            continue
        if name in columns:
            problems.add(1, f"kolom {name} muncul dua kali", raw)
        columns[name] = raw
    numbers = [int(n[6:]) for n in columns if CANDIDATE_COLUMN.match(n)]
    if "kode_tps" not in columns:
        problems.add(1, "kolom wajib tidak ada: kode_tps", ",".join(header))
    if not numbers and not any(f in columns for f in FIELDS):
        problems.add(1, "tidak ada kolom angka C.Hasil yang dikenal", ",".join(header))
    k = n_candidates if n_candidates is not None else max(numbers, default=0)
    for n in sorted(x for x in numbers if x > k or x < 1):
        problems.add(1, f"paslon nomor {n} tidak ada di kontestasi ({k} paslon)")
    if problems:
        return None
    return Layout(columns, k, tuple(ignored))


@dataclass
class Batch:
    sheets: Sheets
    lines: np.ndarray  # line of each row in the file (header = line 1)
    empty: np.ndarray  # rows without any number: no sheet
    bad: np.ndarray  # rows with a problem (reported, not to be stored)
    source_ts: np.ndarray  # datetime64[us], UTC; NaT where unknown
    photos: np.ndarray | None  # str


def read_batches(
    path: Path,
    layout: Layout,
    problems: Problems,
    *,
    source: str,
    single_source: bool,
    block_bytes: int = BLOCK_BYTES,
    prefetch: int = PREFETCH,
) -> Generator[Batch, None, None]:
    """Batches of the file's rows as arrays; problems are added as they are found.

    Rows of `single_source` files must not name another source in `sumber`;
    otherwise `sumber` gives each row's source (empty = `source`). With `prefetch`
    > 0 the next batches are read by a background thread while the caller works;
    each batch's problems are added when the batch is handed over, so the caller
    sees the same problems, in the same order, as without it.
    """
    reading = _Reading(path, layout, source, single_source, block_bytes, problems)
    items = reading.items() if prefetch <= 0 else _ahead(reading.items(), prefetch)
    try:
        for kind, item, found in items:
            if kind == "batch":
                problems.merge(cast(Problems, found))
                yield cast(Batch, item)
            else:  # an unreadable file: name every bad cell
                scan_problems(path, layout, problems)
                if not problems:
                    problems.add(None, f"CSV tidak bisa dibaca: {item}")
                return
    finally:
        items.close()


# ("batch", a Batch, its problems) or ("invalid", the error, None).
_Item = tuple[str, object, Problems | None]
_T = TypeVar("_T")


@dataclass
class _Reading:
    path: Path
    layout: Layout
    source: str
    single_source: bool
    block_bytes: int
    problems: Problems

    def items(self) -> Generator[_Item, None, None]:
        """("batch", Batch, its problems) in file order, then ("invalid", error)
        if Arrow cannot read on."""
        layout = self.layout
        types = {layout.columns[n]: pa.int64() for n in layout.numeric}
        for name in ("kode_tps", "sumber", "waktu_sumber", "foto"):
            if name in layout.columns:
                types[layout.columns[name]] = pa.string()
        convert = pcsv.ConvertOptions(
            column_types=types,
            include_columns=list(types),
            null_values=[""],
            strings_can_be_null=False,
            quoted_strings_can_be_null=False,
        )
        first_line = 2
        times: _Times = {}
        # An open file, not the path: Arrow would unpack a path ending in .gz, .bz2
        # or .zst on its own, past every size check.
        with pa.OSFile(str(self.path), "r") as handle:
            try:
                reader = pcsv.open_csv(
                    handle,
                    read_options=pcsv.ReadOptions(block_size=self.block_bytes),
                    convert_options=convert,
                )
                for record in reader:
                    found = Problems(self.problems.file)
                    batch = _batch(
                        record,
                        layout,
                        found,
                        first_line,
                        self.source,
                        self.single_source,
                        times,
                    )
                    first_line += record.num_rows
                    yield "batch", batch, found
            except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
                yield "invalid", exc, None


_END = object()
# Each distinct waktu_sumber text of a file, parsed: (the moment, whether invalid).
_Times = dict[str, tuple[np.datetime64, bool]]


def _ahead(items: Iterator[_T], depth: int) -> Generator[_T, None, None]:
    """The items of an iterator, produced by a background thread up to `depth`
    ahead; its exceptions are raised here, in order. Leaving early stops it."""
    # (kind, an item, the end marker or an exception), across the thread.
    out: queue.Queue[tuple[str, Any]] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: tuple[str, Any]) -> bool:
        while not stop.is_set():
            try:
                out.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", _END))
        except BaseException as exc:  # handed to the consumer, raised there
            put(("error", exc))

    thread = threading.Thread(target=produce, name="read_batches", daemon=True)
    thread.start()
    try:
        while True:
            kind, item = out.get()
            if kind == "end":
                return
            if kind == "error":
                raise item
            yield item
    finally:
        stop.set()
        thread.join()


def _batch(
    record: pa.RecordBatch,
    layout: Layout,
    problems: Problems,
    first_line: int,
    source: str,
    single_source: bool,
    times: _Times | None = None,
) -> Batch:
    n = record.num_rows
    lines = np.arange(first_line, first_line + n, dtype=np.int64)
    bad = np.zeros(n, dtype=bool)
    codes = _codes(record.column(layout.columns["kode_tps"]), lines, bad, problems)
    names = field_names(layout.n_candidates)
    values = np.zeros((n, len(names)), dtype=np.int64)
    known = np.zeros((n, len(names)), dtype=bool)
    for j, name in enumerate(names):
        if name not in layout.columns:
            continue
        column = record.column(layout.columns[name])
        known[:, j] = ~column.is_null().to_numpy(zero_copy_only=False)
        values[:, j] = column.fill_null(0).to_numpy()
        too_big = np.abs(values[:, j]) > MAX_VALUE
        for i in np.nonzero(too_big)[0]:
            problems.add(
                int(lines[i]), f"angka terlalu besar di kolom {name}", str(values[i, j])
            )
        bad |= too_big
    sources = _sources(record, layout, problems, lines, bad, source, single_source)
    ts = _timestamps(record, layout, problems, lines, bad, times)
    photos = None
    if "foto" in layout.columns:
        photos = (
            record.column(layout.columns["foto"])
            .to_numpy(zero_copy_only=False)
            .astype(str)
        )
    sheets = Sheets(codes, values, known, layout.n_candidates, sources)
    empty = cast(np.ndarray, ~known.any(1))
    return Batch(sheets, lines, empty, bad, ts, photos)


def _codes(
    column: pa.ChunkedArray, lines: np.ndarray, bad: np.ndarray, problems: Problems
) -> np.ndarray:
    trimmed = pc.utf8_trim_whitespace(column)
    ok = pc.match_substring_regex(trimmed, r"^[0-9]{13}$").to_numpy(
        zero_copy_only=False
    )
    for i in np.nonzero(~ok)[0]:
        problems.add(int(lines[i]), "kode TPS harus 13 angka", trimmed[int(i)].as_py())
    bad |= ~ok
    safe = pc.if_else(pa.array(ok), trimmed, "0")
    return cast(np.ndarray, pc.cast(safe, pa.int64()).to_numpy())


def _sources(
    record: pa.RecordBatch,
    layout: Layout,
    problems: Problems,
    lines: np.ndarray,
    bad: np.ndarray,
    source: str,
    single_source: bool,
) -> np.ndarray:
    n = record.num_rows
    if "sumber" not in layout.columns:
        return np.full(n, source)
    raw = pc.utf8_lower(
        pc.utf8_trim_whitespace(record.column(layout.columns["sumber"]))
    )
    named = raw.to_numpy(zero_copy_only=False).astype(str)
    named = np.where(named == "", source, named)
    unknown = ~np.isin(named, SOURCES)
    for i in np.nonzero(unknown)[0]:
        problems.add(
            int(lines[i]), "sumber tidak dikenal (" + ", ".join(SOURCES) + ")", named[i]
        )
    other = ~unknown & (named != source) if single_source else np.zeros(n, dtype=bool)
    for i in np.nonzero(other)[0]:
        problems.add(int(lines[i]), f"sumber baris ini bukan {source}", named[i])
    bad |= unknown | other
    return named


def _timestamps(
    record: pa.RecordBatch,
    layout: Layout,
    problems: Problems,
    lines: np.ndarray,
    bad: np.ndarray,
    times: _Times | None = None,
) -> np.ndarray:
    """`waktu_sumber` as datetime64 (UTC); each distinct text is parsed once per
    file (`times` carries the parsed texts from batch to batch)."""
    n = record.num_rows
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")
    if "waktu_sumber" not in layout.columns:
        return out
    times = {} if times is None else times
    encoded = pc.dictionary_encode(
        pc.utf8_trim_whitespace(record.column(layout.columns["waktu_sumber"]))
    )
    if isinstance(encoded, pa.ChunkedArray):
        encoded = encoded.combine_chunks()
    texts = encoded.dictionary.to_pylist()
    lookup = np.full(len(texts), np.datetime64("NaT"), dtype="datetime64[us]")
    invalid_text = np.zeros(len(texts), dtype=bool)
    for i, text in enumerate(texts):
        parsed = times.get(text)
        if parsed is None:
            moment = parse_wib(text) if text else None
            parsed = (
                np.datetime64("NaT")
                if moment is None or moment is False
                else np.datetime64(moment, "us"),
                moment is False,
            )
            times[text] = parsed
        lookup[i], invalid_text[i] = parsed
    idx = encoded.indices.to_numpy(zero_copy_only=False)
    out = lookup[idx]
    invalid = invalid_text[idx]
    for r in np.nonzero(invalid)[0]:
        problems.add(
            int(lines[r]),
            "waktu_sumber bukan tanggal-waktu ISO (YYYY-MM-DD HH:MM:SS)",
            encoded[int(r)].as_py(),
        )
    bad |= invalid
    return cast(np.ndarray, out)


def parse_wib(text: str) -> dt.datetime | bool:
    """An ISO date-time as naive UTC; without an offset it is WIB. False if invalid."""
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return False
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=WIB)
    return moment.astimezone(dt.UTC).replace(tzinfo=None)


def scan_problems(path: Path, layout: Layout, problems: Problems) -> None:
    """The slow, exact pass: every cell that is not an integer, with its line."""
    numeric = {layout.columns[n]: n for n in layout.numeric}
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = next(reader, [])
            width = len(header)
            index = {h: i for i, h in enumerate(header)}
            for row in reader:
                if not row:
                    continue
                if len(row) != width:
                    problems.add(
                        reader.line_num, f"jumlah kolom {len(row)}, seharusnya {width}"
                    )
                    continue
                for raw, name in numeric.items():
                    cell = row[index[raw]]
                    if cell != "" and not _INTEGER.match(cell):
                        problems.add(
                            reader.line_num, f"kolom {name} harus bilangan bulat", cell
                        )
                    elif len(cell.strip().lstrip("-")) > len(str(MAX_VALUE)):
                        problems.add(
                            reader.line_num,
                            f"angka terlalu besar di kolom {name}",
                            cell,
                        )
    except UnicodeDecodeError as exc:
        problems.add(None, f"berkas bukan teks UTF-8 ({exc.reason})")
    except csv.Error as exc:
        problems.add(None, f"CSV rusak: {exc}")
