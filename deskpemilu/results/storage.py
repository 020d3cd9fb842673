"""Every raw SQL statement of the results app, behind plain functions, and the column
lists they write (tests/test_storage.py holds each list against its model: a field
added to a model without a place in its lists fails that test).

Writes: new sheets go through a SheetWriter: on PostgreSQL one binary COPY kept open
for the whole import (the rows built by pgbinary, no Python object per cell), on
SQLite multi-row INSERTs run by a thread, so that the database inserts one batch
while Python reads and checks the next; never through model instances, so a
national import is a few thousand statements at most, not 820,161. Figures:
docs/benchmarks.md, "bench results". Reads: the scans and GROUP BYs over a range
of `tps_code` (sums per desa, the primary sheets as rows, sheets per area).

Nothing here knows users: the callers have decided the scope (selectors check the
user's, services check access). `core.db.postgres()` is the one vendor check.
"""

from __future__ import annotations

import datetime as dt
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import ExitStack, nullcontext
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import psycopg.copy
import pyarrow as pa
from django.db import connection, transaction
from django.db.models import Model

from deskpemilu.core.db import postgres
from deskpemilu.regions.codes import NODOT_LENGTH, next_prefix
from deskpemilu.results import pgbinary
from deskpemilu.results.dbvalues import (
    codes_arrow,
    csv_buffer,
    field_columns,
    timestamp_texts,
    votes_arrow,
    votes_json,
)
from deskpemilu.results.models import DesaSums, FlagStatus, ResultSheet, SheetFlag
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS, SOURCE_RANK

if TYPE_CHECKING:
    from deskpemilu.results.checks import Flag

# A batch of new sheets for SQLite, made in the writer's thread: the INSERT's head,
# one row's VALUES, and every row's values in one flat list.
_Job = Callable[[], tuple[str, str, list[Any]]]

SHEET_TABLE = ResultSheet._meta.db_table
# The columns a new sheet is written with, in this order (FIELDS consecutive: the
# SQLite writer fills them as one block). The others: the id is the database's,
# `entered_by` is set after the write (sheets typed at the desk).
SHEET_INSERT_COLUMNS = (
    "contest_id",
    "tps_id",
    "tps_code",
    "source",
    "is_primary",
    *FIELDS,
    "votes",
    "photo",
    "photo_url",
    "source_ts",
    "content_hash",
    "imported_at",
    "import_run_id",
)
SHEET_INSERT_SKIPS = ("id", "entered_by_id")
# The columns an import rewrites on a changed sheet, in this order. The others
# stay: the sheet's identity (contest, TPS, source), `is_primary` (decided by
# services.sources_refresh), an uploaded photo and who typed the sheet.
SHEET_UPDATE_COLUMNS = (
    *FIELDS,
    "votes",
    "photo_url",
    "source_ts",
    "content_hash",
    "imported_at",
    "import_run_id",
)
SHEET_UPDATE_KEEPS = (
    "id",
    "contest_id",
    "tps_id",
    "tps_code",
    "source",
    "is_primary",
    "photo",
    "entered_by_id",
)
# The fields insert_flags gives a new flag; the others (the id, and what closing
# a flag sets) take their defaults.
FLAG_INSERT_FIELDS = (
    "contest_id",
    "tps_id",
    "tps_code",
    "sheet_id",
    "source",
    "cross_source",
    "check_name",
    "field",
    "value",
    "expected",
    "detail",
    "status",
    "created_at",
)
FLAG_INSERT_SKIPS = ("id", "resolved_at", "resolved_by_id", "note")


def _timestamps(ts: np.ndarray) -> list[str]:
    """datetime64 (naive UTC) -> what the database driver takes for a timestamp."""
    return timestamp_texts(ts, "+00:00" if postgres() else "").tolist()


def _now_text(now: dt.datetime | None = None) -> str:
    """A time (naive UTC; default now) as the database takes it."""
    now = now or dt.datetime.now(dt.UTC).replace(tzinfo=None)
    text = now.isoformat(sep=" ")
    return text + "+00:00" if postgres() else text


def _copy_csv(table: str, data: pa.Table) -> None:
    """COPY a table's rows from Arrow-written CSV."""
    names = ",".join(data.column_names)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN (FORMAT csv)"
        ) as copy:
            copy.write(memoryview(csv_buffer(data)))


# New sheets ------------------------------------------------------------------------


class SheetWriter:
    """Writes the new sheets of one import while the caller goes on with the next
    batch: the database inserts one batch while Python reads and checks the next.

    PostgreSQL: one binary COPY stays open across batches, its data sent by
    psycopg's queued writer (a thread), so the server inserts while Python
    works. SQLite: a thread of its own runs each batch's INSERTs on the same
    connection (sqlite3 releases the GIL while SQLite works). Either way the
    connection is busy until `flush()`: call it before any other statement of
    the transaction.
    The values that are the same for every row (contest, source, import run, time
    of import) are given once.
    """

    def __init__(self, *, contest_id: int, source: str, run_id: int) -> None:
        if source not in SOURCE_RANK:
            raise ValueError(f"unknown source {source!r}")
        self.contest_id, self.source, self.run_id = int(contest_id), source, int(run_id)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        self.now, self.now_utc = _now_text(now), np.datetime64(now, "us")
        self._sink = (
            _CopySink(SHEET_TABLE, SHEET_INSERT_COLUMNS)
            if postgres()
            else _SqliteSink()
        )

    def add(
        self,
        *,
        sheets: Sheets,
        tps_ids: np.ndarray,
        primary: np.ndarray,
        photos: np.ndarray | None,
        source_ts: np.ndarray,
        hashes: np.ndarray,
    ) -> None:
        """Queue new sheets for insertion (the arrays are not changed afterwards)."""
        if not len(sheets):
            return
        args = (sheets, tps_ids, primary, photos, source_ts, hashes)
        if isinstance(self._sink, _CopySink):
            self._sink.put(_copy_rows(self, *args).build())
        else:
            self._sink.put(lambda: _sqlite_rows(self, *args))

    def flush(self) -> None:
        """Wait until every queued sheet is in the table; what failed is raised
        here, as Django's database errors (IntegrityError, ...)."""
        with connection.wrap_database_errors:
            self._sink.close()

    def abort(self, exc: BaseException) -> None:
        """Stop after an error: queued rows are dropped (the caller rolls back)."""
        self._sink.close(exc)


class _CopySink:
    """One binary COPY ... FROM STDIN, opened at the first block and kept open
    until close(); the data goes out through psycopg's QueuedLibpqWriter (a
    thread). The blocks are whole rows (pgbinary); the sink sends the format's
    signature first and its trailer last."""

    def __init__(self, table: str, columns: tuple[str, ...]) -> None:
        self.sql = f"COPY {table} ({','.join(columns)}) FROM STDIN (FORMAT binary)"
        self._stack: ExitStack | None = None
        self._copy: psycopg.Copy | None = None

    def put(self, data: memoryview) -> None:
        if self._stack is None:
            stack = ExitStack()
            cursor = stack.enter_context(connection.cursor()).cursor
            writer = psycopg.copy.QueuedLibpqWriter(cursor)
            self._copy = stack.enter_context(cursor.copy(self.sql, writer=writer))
            self._stack = stack
            self._copy.write(pgbinary.SIGNATURE)
        # Opened above at the first block.
        cast(psycopg.Copy, self._copy).write(data)

    def close(self, exc: BaseException | None = None) -> None:
        stack, copy = self._stack, self._copy
        self._stack, self._copy = None, None
        if stack is not None:
            if exc is None:
                cast(psycopg.Copy, copy).write(pgbinary.TRAILER)
            # With an error the COPY is ended as failed; without, this waits
            # until the server has every row.
            stack.__exit__(type(exc) if exc else None, exc, None)


class _SqliteSink:
    """Runs the INSERTs of each batch in a thread, in order, on the transaction's
    connection; the caller does not touch the connection until close().

    A batch goes as multi-row INSERTs of ~200 rows each, not an executemany:
    half the time measured (the per-row overhead of executemany goes), and
    sqlite3 releases the GIL for each statement rather than each row, so the
    caller's thread gets on with the next batch meanwhile.
    """

    ROWS = 200

    def __init__(self) -> None:
        self._jobs: queue.Queue[_Job | None] = queue.Queue(maxsize=2)
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._cancelled = False

    def put(self, job: _Job) -> None:
        if self._error is not None:
            raise self._error
        if self._thread is None:
            raw = connection.connection
            self._thread = threading.Thread(
                target=self._work, args=(raw,), name="sheet-writer", daemon=True
            )
            self._thread.start()
        self._jobs.put(job)

    def _work(self, raw: sqlite3.Connection) -> None:
        while (job := self._jobs.get()) is not None:
            if self._error is None and not self._cancelled:
                try:
                    _insert_many(raw, *job())
                except BaseException as exc:  # noqa: BLE001 - re-raised by close()
                    self._error = exc

    def close(self, exc: BaseException | None = None) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._cancelled = exc is not None
            self._jobs.put(None)
            thread.join()
            self._cancelled = False
        error, self._error = self._error, None
        if error is not None and exc is None:
            raise error


def _insert_many(
    raw: sqlite3.Connection, head: str, row: str, values: list[Any]
) -> None:
    """INSERT rows given as one flat list of values, many rows per statement
    (within SQLite's limit on the number of parameters)."""
    width = row.count("?")
    limit = raw.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER)
    per = max(1, min(_SqliteSink.ROWS, limit // width))
    n = len(values) // width
    full = head + ",".join([row] * per)
    stop = n - n % per
    for start in range(0, stop, per):
        raw.execute(full, values[start * width : (start + per) * width])
    if stop < n:
        raw.execute(head + ",".join([row] * (n - stop)), values[stop * width :])


def _copy_rows(
    w: SheetWriter,
    sheets: Sheets,
    tps_ids: np.ndarray,
    primary: np.ndarray,
    photos: np.ndarray | None,
    source_ts: np.ndarray,
    hashes: np.ndarray,
) -> pgbinary.BinaryRows:
    """The rows for a binary COPY, column by column in SHEET_INSERT_COLUMNS order
    (pgbinary; no Python object per cell, nothing for the server to parse). The
    values are those a text COPY stores: the votes the same JSON text, the time
    at the source to the second."""
    rows = pgbinary.BinaryRows(len(sheets))
    known = sheets.known
    put: dict[str, Callable[[], None]] = {
        "contest_id": lambda: rows.int8_same(w.contest_id),
        "tps_id": lambda: rows.int8(tps_ids),
        "tps_code": lambda: rows.text(codes_arrow(sheets.codes)),
        "source": lambda: rows.text_same(w.source),
        "is_primary": lambda: rows.boolean(primary),
        "votes": lambda: rows.jsonb(votes_arrow(sheets)),
        "photo": lambda: rows.text_same(""),
        "photo_url": (
            (lambda: rows.text_same(""))
            if photos is None
            else (lambda: rows.text(pa.array(photos, type=pa.string())))
        ),
        "source_ts": lambda: rows.timestamptz(source_ts.astype("datetime64[s]")),
        "content_hash": lambda: rows.int8(hashes),
        "imported_at": lambda: rows.timestamptz(
            np.full(len(sheets), w.now_utc, dtype="datetime64[us]")
        ),
        "import_run_id": lambda: rows.int8_same(w.run_id),
    }
    for j, name in enumerate(FIELDS):
        put[name] = partial(rows.int4, sheets.values[:, j], known[:, j])
    for column in SHEET_INSERT_COLUMNS:
        put[column]()
    return rows


def _sqlite_rows(
    w: SheetWriter,
    sheets: Sheets,
    tps_ids: np.ndarray,
    primary: np.ndarray,
    photos: np.ndarray | None,
    source_ts: np.ndarray,
    hashes: np.ndarray,
) -> tuple[str, str, list[Any]]:
    """The INSERT (head, one row's VALUES) and every row's values in one flat list,
    built as one object matrix (no tuple per row). The values that are the same
    for every row are literals of the statement, not parameters: a third fewer
    bindings per row."""
    literals = {
        "contest_id": str(w.contest_id),
        "source": f"'{w.source}'",
        "photo": "''",
        "imported_at": f"'{w.now}'",
        "import_run_id": str(w.run_id),
    }
    if photos is None:
        literals["photo_url"] = "''"
    if primary.all():
        literals["is_primary"] = "1"
    params = {
        "tps_id": tps_ids,
        "tps_code": codes_arrow(sheets.codes).to_numpy(zero_copy_only=False),
        "is_primary": primary,
        "votes": votes_arrow(sheets).to_numpy(zero_copy_only=False),
        "photo_url": photos,
        "source_ts": timestamp_texts(source_ts, ""),
        "content_hash": hashes,
    }
    bound = [c for c in SHEET_INSERT_COLUMNS if c not in literals]
    rows = np.empty((len(sheets), len(bound)), dtype=object)
    first, width = bound.index(FIELDS[0]), len(FIELDS)
    fields = rows[:, first : first + width]  # a view: FIELDS are consecutive
    fields[...] = sheets.values[:, :width]
    fields[~sheets.known[:, :width]] = None
    for j, name in enumerate(bound):
        if name in params:
            rows[:, j] = params[name]
    row = "(" + ",".join(literals.get(c, "?") for c in SHEET_INSERT_COLUMNS) + ")"
    head = f"INSERT INTO {SHEET_TABLE} ({','.join(SHEET_INSERT_COLUMNS)}) VALUES "
    return head, row, rows.ravel().tolist()


# Changed sheets, flags, any model in bulk -----------------------------------------


def update_sheets(
    *,
    sheets: Sheets,
    sheet_ids: np.ndarray,
    photos: np.ndarray | None,
    source_ts: np.ndarray,
    hashes: np.ndarray,
    run_id: int,
) -> None:
    """Rewrite the SHEET_UPDATE_COLUMNS of changed sheets, one executemany."""
    n = len(sheets)
    if not n:
        return
    values = dict(
        zip(FIELDS, field_columns(sheets), strict=True),
        votes=votes_json(sheets),
        photo_url=[""] * n if photos is None else photos.tolist(),
        source_ts=_timestamps(source_ts),
        content_hash=hashes.tolist(),
        imported_at=[_now_text()] * n,
        import_run_id=[run_id] * n,
    )
    columns = [values[c] for c in SHEET_UPDATE_COLUMNS] + [sheet_ids.tolist()]
    sets = ",".join(f"{c} = %s" for c in SHEET_UPDATE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {SHEET_TABLE} SET {sets} WHERE id = %s",
            list(zip(*columns, strict=True)),
        )


def write_rows(model: type[Model], columns: dict[str, list[Any]], n: int) -> None:
    """Insert n rows of a model in bulk: COPY of Arrow-written CSV on PostgreSQL,
    one executemany on SQLite. `columns` maps field names (attnames) to lists of
    values as the database takes them (ints, texts, None; a timestamp prepared with
    connection.ops); every other concrete field gets its default (the primary key
    is left to the database unless given). A name that is no field is refused."""
    fields = model._meta.concrete_fields
    if unknown := set(columns) - {f.attname for f in fields}:
        raise ValueError(f"{model.__name__} has no field {sorted(unknown)}")
    names, values = [], []
    for f in fields:
        if f.attname in columns:
            names.append(f.column)
            values.append(columns[f.attname])
        elif not f.primary_key:
            names.append(f.column)
            values.append([f.get_db_prep_save(f.get_default(), connection)] * n)
    table = model._meta.db_table
    if postgres():
        _copy_csv(table, pa.table(dict(zip(names, values, strict=True))))
        return
    marks = ",".join(["%s"] * len(names))
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} ({','.join(names)}) VALUES ({marks})",
            list(zip(*values, strict=True)),
        )


def insert_flags(
    flags: list[Flag],
    *,
    contest_id: int,
    tps_ids: list[int],
    codes: list[str],
    sheet_ids: list[int | None],
    sources: list[str],
    now: dt.datetime,
) -> None:
    """Store checks.Flag findings (one per item of the lists) with write_rows: the
    rows never become model instances (~25,000 flags: ~0.2 s instead of ~3.5 s
    through bulk_create)."""
    n = len(flags)
    if not n:
        return
    created = connection.ops.adapt_datetimefield_value(now)
    values: dict[str, list[Any]] = {
        "contest_id": [contest_id] * n,
        "tps_id": tps_ids,
        "tps_code": codes,
        "sheet_id": sheet_ids,
        "source": sources,
        "cross_source": [f.cross_source for f in flags],
        "check_name": [f.check for f in flags],
        "field": [f.field for f in flags],
        "value": [f.value for f in flags],
        "expected": [f.expected for f in flags],
        "detail": [f.detail for f in flags],
        "status": [str(FlagStatus.OPEN)] * n,
        "created_at": [created] * n,
    }
    write_rows(SheetFlag, {name: values[name] for name in FLAG_INSERT_FIELDS}, n)


# Look-ups of an import ---------------------------------------------------------------


def existing_sheets(
    contest_id: int, source: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tps ids, sheet ids, hashes) of the stored sheets of one contest and source."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tps_id, id, content_hash FROM {SHEET_TABLE} "
            "WHERE contest_id = %s AND source = %s",
            [contest_id, source],
        )
        rows = cursor.fetchall()
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    arr = np.array(rows, dtype=np.int64)
    return arr[:, 0], arr[:, 1], arr[:, 2]


def tps_with_other_sources(contest_id: int, source: str) -> np.ndarray:
    """The TPS ids with a sheet of another source in the contest."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT tps_id FROM {SHEET_TABLE} "
            "WHERE contest_id = %s AND source <> %s",
            [contest_id, source],
        )
        return np.array([r[0] for r in cursor.fetchall()], dtype=np.int64)


def tps_index() -> tuple[np.ndarray, np.ndarray]:
    """Every TPS as sorted int64 codes and their ids, for vectorised look-ups.

    The database joins the codes and the ids into two texts (one aggregate pass,
    so both list the rows in the same order) that numpy parses: 820,161 TPS in
    ~0.2 s, where fetching 820,161 row tuples takes ~0.6-2 s.
    """
    from deskpemilu.regions.models import TPS

    agg = "string_agg({}, ',')" if postgres() else "group_concat({}, ',')"
    ident = "CAST(id AS TEXT)" if postgres() else "id"
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {agg.format('code')}, {agg.format(ident)} "
            f"FROM {TPS._meta.db_table}"
        )
        codes_text, ids_text = cursor.fetchone()
    if not codes_text:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    codes = np.fromstring(codes_text, dtype=np.int64, sep=",")
    ids = np.fromstring(ids_text, dtype=np.int64, sep=",")
    order = np.argsort(codes, kind="stable")
    return codes[order], ids[order]


def lookup(sorted_codes: np.ndarray, ids: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The id of each code in a sorted index (tps_index), 0 where the code is not
    in it."""
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=np.int64)
    pos = np.searchsorted(sorted_codes, codes).clip(0, len(sorted_codes) - 1)
    return np.where(sorted_codes[pos] == codes, ids[pos], 0)


def sheet_ids_for(contest_id: int, source: str, codes: list[str]) -> dict[str, int]:
    """The sheet id of each of these TPS codes, for one contest and source: probes
    of the unique (contest, code, source) index, one statement on PostgreSQL (an
    array parameter), chunks of 5,000 on SQLite."""
    found: dict[str, int] = {}
    base = (
        f"SELECT tps_code, id FROM {SHEET_TABLE} "
        "WHERE contest_id = %s AND source = %s AND "
    )
    with connection.cursor() as cursor:
        if postgres():
            cursor.execute(base + "tps_code = ANY(%s)", [contest_id, source, codes])
            found.update(cursor.fetchall())
            return found
        for start in range(0, len(codes), 5000):
            chunk = codes[start : start + 5000]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                base + f"tps_code IN ({marks})", [contest_id, source, *chunk]
            )
            found.update(cursor.fetchall())
    return found


# Reads over a range of TPS codes ----------------------------------------------------


def _range_sql(prefix: str, column: str = "tps_code") -> tuple[str, list[str]]:
    """The condition (and its parameters) for the codes under an undotted prefix
    ("" = all): a range on an indexed code column (the sheets' `tps_code`)."""
    if not prefix:
        return "", []
    return f" AND {column} >= %s AND {column} < %s", [prefix, next_prefix(prefix)]


def _vote_sql(i: int, table: str = "") -> str:
    """Item i (from 0) of the votes list, as an integer."""
    votes = f"{table}votes ->> {i}"
    return f"CAST({votes} AS INTEGER)" if postgres() else f"({votes})"


def _number_columns(n_votes: int, table: str = "") -> list[str]:
    """FIELDS and the votes 1..n_votes as SQL (`table`: a qualifier, "s.")."""
    return [table + f for f in FIELDS] + [_vote_sql(i, table) for i in range(n_votes)]


# A column's SUM and the COUNT of its known values in one aggregate: an unknown
# value is summed as UNKNOWN_WEIGHT, so SUM(COALESCE(v, 2**44)) = known sum +
# unknowns * 2**44. Exact while a desa's known sum lies within +-2**43 (8.8e12): a
# desa has at most 999 TPS (three digits), one primary sheet each, of values of at
# most layouts.MAX_VALUE (2e9): +-2e12. One aggregate per column instead of two
# is ~1 s CPU less over 820,161 sheets on SQLite (docs/benchmarks.md).
UNKNOWN_SHIFT = 44
UNKNOWN_WEIGHT = 1 << UNKNOWN_SHIFT


def desa_sums(
    contest_id: int, n_votes: int, prefix: str = "", desa: list[str] | None = None
) -> tuple[list[str], np.ndarray]:
    """Per desa with a primary sheet under `prefix` (or among the `desa` codes), by
    code: the desa codes and one int64 row each of (primary sheets, then the SUM (0
    when none is known) and the COUNT of known values of each of FIELDS and of the
    votes 1..n_votes).

    One statement: the desa (regions, by their indexed code) in code order, each
    joined to its TPS' range of the sheets' index, so that the database groups in
    the order it reads instead of sorting 820,161 rows by a code prefix (a temp
    B-tree on SQLite, a sort that spills on PostgreSQL). Every sheet is counted: its
    code is its TPS's 13 digits and a TPS lies in a known desa (regions.importers).
    """
    desa_list = None if desa is None else sorted(desa)
    if desa_list is not None and not desa_list:
        return [], np.zeros((0, sums_width(n_votes)), dtype=np.int64)
    if desa_list is not None and len(desa_list) > _IN_CHUNK and not postgres():
        # SQLite's limit on parameters: in parts, each in code order.
        parts = [
            desa_sums(contest_id, n_votes, prefix, desa_list[i : i + _IN_CHUNK])
            for i in range(0, len(desa_list), _IN_CHUNK)
        ]
        codes = [c for part in parts for c in part[0]]
        return codes, np.concatenate([part[1] for part in parts])
    sql, values = _desa_sums_sql(contest_id, n_votes, prefix, desa_list)
    rows = _recap_rows(sql, values)
    n = 1 + len(FIELDS) + n_votes
    data = np.array([r[1:] for r in rows], dtype=np.int64).reshape(len(rows), n)
    totals = data[:, 1:]
    unknown = (totals + UNKNOWN_WEIGHT // 2) >> UNKNOWN_SHIFT
    out = np.empty((len(rows), 2 * n - 1), dtype=np.int64)
    out[:, 0] = data[:, 0]
    out[:, 1::2] = totals - (unknown << UNKNOWN_SHIFT)
    out[:, 2::2] = data[:, :1] - unknown
    return [r[0] for r in rows], out


def _desa_sums_sql(
    contest_id: int, n_votes: int, prefix: str, desa_list: list[str] | None
) -> tuple[str, list[Any]]:
    """desa_sums' statement and its parameters."""
    from deskpemilu.regions.models import Region

    columns = ", ".join(
        f"SUM(COALESCE({e}, {UNKNOWN_WEIGHT}))" + ("::bigint" if postgres() else "")
        for e in _number_columns(n_votes, "s.")
    )
    desa_length = NODOT_LENGTH["desa"]
    # The sheets under the prefix, and (to read no more of the index) the desa
    # whose codes start with it or, for a TPS code, the TPS's desa.
    in_desa, desa_params = _range_sql(prefix[:desa_length], "r.code_nodot")
    # The desa's ranges already hold the sheets of a shorter prefix. A second
    # range on the sheets' code beside the desa's own made SQLite search the
    # whole prefix's sheets for every desa (3.2 s for one province at national
    # scale): only a prefix longer than a desa (a TPS) needs it.
    in_prefix, params = _range_sql(
        prefix if len(prefix) > desa_length else "", "s.tps_code"
    )
    listed: list[Any] = []
    if desa_list is not None and postgres():
        in_desa += " AND r.code_nodot = ANY(%s)"
        listed = [desa_list]
    elif desa_list is not None:
        in_desa += f" AND r.code_nodot IN ({','.join(['%s'] * len(desa_list))})"
        listed = desa_list
    if postgres():
        # The desa drive, whatever the statistics: right after a national import
        # (no ANALYZE yet) the planner put the sheets outside and scanned the
        # regions' index up to each sheet's code (minutes). A LATERAL with its own
        # aggregate cannot be turned around.
        return (
            f"SELECT r.code_nodot, x.* FROM {Region._meta.db_table} r "
            f"CROSS JOIN LATERAL (SELECT COUNT(*) AS n, {columns} "
            f"FROM {SHEET_TABLE} s WHERE s.contest_id = %s "
            "AND s.tps_code >= r.code_nodot AND s.tps_code <= r.code_nodot || '999' "
            f"AND s.is_primary{in_prefix}) x "
            f"WHERE length(r.code_nodot) = {desa_length}{in_desa} AND x.n > 0 "
            "ORDER BY r.code_nodot"
        ), [contest_id, *params, *desa_params, *listed]
    return (
        f"SELECT r.code_nodot, COUNT(*), {columns} "
        f"FROM {Region._meta.db_table} r JOIN {SHEET_TABLE} s "
        "ON s.contest_id = %s AND s.tps_code >= r.code_nodot "
        "AND s.tps_code <= r.code_nodot || '999' "
        f"WHERE length(r.code_nodot) = {desa_length}{in_desa} "
        f"AND s.is_primary{in_prefix} "
        "GROUP BY r.code_nodot ORDER BY r.code_nodot"
    ), [contest_id, *desa_params, *listed, *params]


def _recap_rows(sql: str, values: list[Any]) -> list[tuple[Any, ...]]:
    """Run desa_sums' statement (on PostgreSQL with its settings)."""
    on_postgres = postgres()
    with transaction.atomic() if on_postgres else nullcontext():
        with connection.cursor() as cursor:
            if on_postgres:
                # For this statement only, both measured on the national recap:
                # compiling it costs more than it saves (~1 s CPU of 3.4), and on
                # 2 cores the parallel plan's gathering of every desa from each
                # worker costs more (~0.7 s CPU) than it shares.
                # Put back afterwards: a caller's transaction goes on as it was.
                # And no sequential scan: the join is on a range, so the only
                # plan is a nested loop, and without fresh statistics (a national
                # import just committed) the planner took a scan of every sheet
                # for every desa (minutes, not seconds) over the index's range.
                cursor.execute(
                    "SELECT current_setting('jit'), "
                    "current_setting('max_parallel_workers_per_gather'), "
                    "current_setting('enable_seqscan')"
                )
                jit, workers, seqscan = cursor.fetchone()
                cursor.execute("SET LOCAL jit = off")
                cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
                cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(sql, values)
            rows = cursor.fetchall()
            if on_postgres:
                cursor.execute(
                    "SELECT set_config('jit', %s, true), "
                    "set_config('max_parallel_workers_per_gather', %s, true), "
                    "set_config('enable_seqscan', %s, true)",
                    [jit, workers, seqscan],
                )
    return rows


# Sums per desa kept (models.DesaSums), a row per kecamatan -------------------------

SUM_TABLE = DesaSums._meta.db_table
_IN_CHUNK = 500  # codes per IN (...) on SQLite, within its limit on parameters


def _in_parts(codes: list[str]) -> Iterator[tuple[str, list[str]]]:
    """The codes in parts of _IN_CHUNK: each part's "IN (%s, ...)" and the part."""
    for start in range(0, len(codes), _IN_CHUNK):
        part = codes[start : start + _IN_CHUNK]
        yield f"IN ({','.join(['%s'] * len(part))})", part


_KECAMATAN_DIGITS = NODOT_LENGTH["kecamatan"]
_DESA_DIGITS = NODOT_LENGTH["desa"]


def sums_width(n_votes: int) -> int:
    """int64s in a desa's row: the sheets, then a sum and a count per column."""
    return 1 + 2 * (len(FIELDS) + n_votes)


def kept_width(contest_id: int) -> int | None:
    """The width of the contest's kept desa rows without their code (its mark),
    None when none are kept."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT data FROM {SUM_TABLE} "
            "WHERE contest_id = %s AND kecamatan_code = ''",
            [contest_id],
        )
        row = cursor.fetchone()
    return None if row is None else int(np.frombuffer(bytes(row[0]), "<i8")[0]) - 1


def kept_sums(
    contest_id: int,
    n_votes: int,
    prefix: str = "",
    kecamatan: list[str] | None = None,
) -> tuple[np.ndarray, np.ndarray] | None:
    """desa_sums as kept, under `prefix` (at most a desa's code) or in the listed
    `kecamatan`: the desa codes (int64, in order) and their rows. None when the
    contest's sums are not kept for this number of candidates."""
    width = sums_width(n_votes)
    if kept_width(contest_id) != width:
        return None
    params: list[Any] = [contest_id]
    if kecamatan is not None:
        rows: list[tuple[Any, ...]] = []
        for marks, part in _in_parts(kecamatan):
            rows += _kept_rows(f" AND kecamatan_code {marks}", [*params, *part])
    else:
        where, more = _range_sql(prefix[:_KECAMATAN_DIGITS], "kecamatan_code")
        rows = _kept_rows(where or " AND kecamatan_code <> ''", [*params, *more])
    # bytes() for PostgreSQL's memoryview; a copy SQLite's bytes do not need.
    blob = b"".join(r[0] if isinstance(r[0], bytes) else bytes(r[0]) for r in rows)
    # Read-only views of the blob (int64 is little-endian here): the caller
    # copies what it changes.
    data = np.frombuffer(blob, dtype="<i8").reshape(-1, width + 1)
    desa = data[:, 0]
    if len(prefix) > _KECAMATAN_DIGITS:
        low = int(prefix.ljust(_DESA_DIGITS, "0"))
        high = int(prefix.ljust(_DESA_DIGITS, "9"))
        pick = (desa >= low) & (desa <= high)
        desa, data = desa[pick], data[pick]
    if len(desa) > 1 and not (desa[1:] > desa[:-1]).all():
        order = np.argsort(desa, kind="stable")
        desa, data = desa[order], data[order]
    return desa, data[:, 1:]


def _kept_rows(where: str, params: list[Any]) -> list[tuple[Any, ...]]:
    # By kecamatan: the desa come out in code order (each row's are).
    sql = (
        f"SELECT data FROM {SUM_TABLE} WHERE contest_id = %s{where} "
        "ORDER BY kecamatan_code"
    )
    with connection.cursor() as cursor:
        if postgres():
            # Binary results: the bytes as stored, not twice as many in hex.
            cursor.cursor.execute(sql, params, binary=True)
        else:
            cursor.execute(sql, params)
        return cursor.fetchall()


def keep_sums(
    contest_id: int,
    width: int,
    desa: np.ndarray,
    data: np.ndarray,
    *,
    forget: list[str] | None,
) -> None:
    """Store the rows of the desa (int codes, in order) a row per kecamatan, and
    the contest's mark: the rows of the `forget` kecamatan go first (None: every
    row of the contest). A kecamatan listed in `forget` keeps only the desa given
    here."""
    table = np.empty((len(desa), width + 1), dtype="<i8")
    table[:, 0], table[:, 1:] = desa, data
    kecamatan = desa // 10 ** (_DESA_DIGITS - _KECAMATAN_DIGITS)
    starts = np.nonzero(np.r_[len(desa) > 0, kecamatan[1:] != kecamatan[:-1]])[0]
    ends = np.r_[starts[1:], len(desa)][: len(starts)].tolist()
    rows = [
        (f"{k:0{_KECAMATAN_DIGITS}d}", table[a:b].tobytes())
        for k, a, b in zip(
            kecamatan[starts].tolist(), starts.tolist(), ends, strict=True
        )
    ]
    rows.append(("", np.array([width + 1], "<i8").tobytes()))
    gone = None if forget is None else ["", *forget]
    with connection.cursor() as cursor:
        if gone is None:
            cursor.execute(
                f"DELETE FROM {SUM_TABLE} WHERE contest_id = %s", [contest_id]
            )
        for marks, part in _in_parts(gone or []):
            cursor.execute(
                f"DELETE FROM {SUM_TABLE} WHERE contest_id = %s "
                f"AND kecamatan_code {marks}",
                [contest_id, *part],
            )
        columns = "(contest_id, kecamatan_code, data)"
        if postgres():
            copy_sql = f"COPY {SUM_TABLE} {columns} FROM STDIN (FORMAT binary)"
            with cursor.cursor.copy(copy_sql) as copy:
                copy.set_types(["int8", "varchar", "bytea"])
                for code, blob in rows:
                    copy.write_row((contest_id, code, blob))
        else:
            cursor.executemany(
                f"INSERT INTO {SUM_TABLE} {columns} VALUES (%s, %s, %s)",
                [(contest_id, code, blob) for code, blob in rows],
            )


def desa_of_kecamatan(kecamatan: list[str]) -> list[str]:
    """The desa codes of these kecamatan (undotted), in order."""
    from deskpemilu.regions.models import Region

    out: list[str] = []
    for marks, part in _in_parts(kecamatan):
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT code_nodot FROM {Region._meta.db_table} "
                f"WHERE length(code_nodot) = {_DESA_DIGITS} "
                f"AND substr(code_nodot, 1, {_KECAMATAN_DIGITS}) {marks}",
                part,
            )
            out += [r[0] for r in cursor.fetchall()]
    return sorted(out)


def primary_sheet_rows(
    contest_id: int, n_votes: int, prefix: str = ""
) -> list[tuple[Any, ...]]:
    """(id, tps_id, tps_code, source, *FIELDS, votes 1..n_votes) of every primary
    sheet under `prefix`, by TPS code."""
    where, params = _range_sql(prefix)
    sql = (
        f"SELECT id, tps_id, tps_code, source, {', '.join(_number_columns(n_votes))} "
        f"FROM {SHEET_TABLE} WHERE contest_id = %s AND is_primary{where} "
        "ORDER BY tps_code"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest_id, *params])
        return cursor.fetchall()


def sheet_counts(
    contest_id: int, prefix: str, length: int
) -> list[tuple[str, str, int, int]]:
    """Per area (the first `length` digits of the TPS code) under `prefix` and per
    source: (area, source, sheets, primary sheets)."""
    where, params = _range_sql(prefix)
    sql = (
        f"SELECT substr(tps_code, 1, {int(length)}) AS area, source, COUNT(*), "
        f"SUM(CASE WHEN is_primary THEN 1 ELSE 0 END) FROM {SHEET_TABLE} "
        f"WHERE contest_id = %s{where} GROUP BY area, source"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [contest_id, *params])
        return [(a, s, n, int(p or 0)) for a, s, n, p in cursor.fetchall()]
