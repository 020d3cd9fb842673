"""Set-based reads and writes of result sheets (raw SQL; used by the services only).

Inserts go as one COPY per batch on PostgreSQL (the rows written as CSV by Arrow, no
Python object per cell) and one executemany on SQLite (rows built from the batch's
arrays column by column, `tolist`), never through model instances, so a national import
is a few hundred statements, not 820,161. Figures: docs/benchmarks.md, "bench results".
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
from django.db import connection

from deskpemilu.results.models import ResultSheet
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS, SOURCE_RANK

TABLE = ResultSheet._meta.db_table
INSERT_COLUMNS = (
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
UPDATE_COLUMNS = (
    *FIELDS,
    "votes",
    "photo_url",
    "source_ts",
    "content_hash",
    "imported_at",
    "import_run_id",
)


def postgres() -> bool:
    return connection.vendor == "postgresql"


def _nullable(values: np.ndarray, known: np.ndarray) -> list:
    if known.all():
        return values.tolist()
    out = values.astype(object)
    out[~known] = None
    return out.tolist()


def _arrow_votes(sheets: Sheets) -> pa.Array:
    """Each row's votes as a JSON list text (null = unknown), built by Arrow."""
    cols = sheets.vote_cols
    values, known = sheets.values[:, cols], sheets.known[:, cols]
    if values.shape[1] == 0:
        return pa.array(["[]"] * len(sheets), type=pa.string())
    parts = [
        pc.fill_null(
            pa.array(values[:, j], mask=~known[:, j]).cast(pa.string()), "null"
        )
        for j in range(values.shape[1])
    ]
    inner = pc.binary_join_element_wise(*parts, ",")
    return pc.binary_join_element_wise("[", inner, "]", "")


def votes_json(sheets: Sheets) -> list[str]:
    """Each row's votes as a JSON list (null = unknown), built column-wise."""
    return _arrow_votes(sheets).to_pylist()


def _arrow_codes(codes: np.ndarray) -> pa.Array:
    return pc.utf8_lpad(pa.array(codes).cast(pa.string()), 13, "0")


def _timestamp_texts(ts: np.ndarray, suffix: str) -> np.ndarray:
    """datetime64 (naive UTC) -> the text a database takes for a timestamp, to the
    second; None where NaT. Each distinct time is formatted once (a file has a few
    thousand: Sirekap stamps many TPS with the same moment)."""
    seconds = ts.astype("datetime64[s]")
    distinct, index = np.unique(seconds, return_inverse=True)
    text = np.datetime_as_string(distinct, unit="s")
    text = np.char.add(np.char.replace(text, "T", " "), suffix).astype(object)
    text[np.isnat(distinct)] = None
    return text[index.reshape(-1)]


def _timestamps(ts: np.ndarray) -> list:
    """datetime64 (naive UTC) -> what the database driver takes for a timestamp."""
    return _timestamp_texts(ts, "+00:00" if postgres() else "").tolist()


def _now_text() -> str:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return now + "+00:00" if postgres() else now


def field_columns(sheets: Sheets) -> list[list]:
    n = len(FIELDS)
    return [_nullable(sheets.values[:, j], sheets.known[:, j]) for j in range(n)]


def _copy_csv(table: str, data: pa.Table) -> None:
    """COPY a table's rows from Arrow-written CSV (nulls unquoted and empty, every
    string quoted): the rows never become Python objects."""
    sink = pa.BufferOutputStream()
    pcsv.write_csv(
        data,
        sink,
        write_options=pcsv.WriteOptions(include_header=False, batch_size=16384),
    )
    names = ",".join(data.column_names)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(
            f"COPY {table} ({names}) FROM STDIN (FORMAT csv)"
        ) as copy:
            copy.write(memoryview(sink.getvalue()))


def insert_sheets(
    *,
    sheets: Sheets,
    tps_ids: np.ndarray,
    contest_id: int,
    source: str,
    primary: np.ndarray,
    photos: np.ndarray | None,
    source_ts: np.ndarray,
    hashes: np.ndarray,
    run_id: int,
) -> None:
    """Insert new sheets: one COPY (PostgreSQL) or one executemany (SQLite).

    The per-row columns are built as arrays (Arrow for the texts: TPS code, votes
    JSON, times); on SQLite the values that are the same for every row (contest,
    source, import run, time of import, an empty photo) are literals of the
    statement, not parameters: a third fewer bindings per row.
    """
    n = len(sheets)
    if not n:
        return
    if source not in SOURCE_RANK:
        raise ValueError(f"unknown source {source!r}")
    if postgres():
        _insert_postgres(
            sheets,
            tps_ids,
            contest_id,
            source,
            primary,
            photos,
            source_ts,
            hashes,
            run_id,
        )
        return
    _insert_sqlite(
        sheets, tps_ids, contest_id, source, primary, photos, source_ts, hashes, run_id
    )


def _insert_postgres(
    sheets, tps_ids, contest_id, source, primary, photos, source_ts, hashes, run_id
) -> None:
    n = len(sheets)
    columns: dict[str, pa.Array] = {
        "contest_id": pa.repeat(int(contest_id), n),
        "tps_id": pa.array(tps_ids, type=pa.int64()),
        "tps_code": _arrow_codes(sheets.codes),
        "source": pa.repeat(source, n),
        "is_primary": pa.array(primary, type=pa.bool_()),
    }
    for j, name in enumerate(FIELDS):
        columns[name] = pa.array(sheets.values[:, j], mask=~sheets.known[:, j])
    columns |= {
        "votes": _arrow_votes(sheets),
        "photo": pa.repeat("", n),
        "photo_url": pa.repeat("", n) if photos is None else pa.array(photos),
        "source_ts": pa.array(_timestamp_texts(source_ts, "+00:00"), pa.string()),
        "content_hash": pa.array(hashes, type=pa.int64()),
        "imported_at": pa.repeat(_now_text(), n),
        "import_run_id": pa.repeat(int(run_id), n),
    }
    _copy_csv(TABLE, pa.table(columns))


def _insert_sqlite(
    sheets, tps_ids, contest_id, source, primary, photos, source_ts, hashes, run_id
) -> None:
    literals = {
        "contest_id": str(int(contest_id)),
        "source": f"'{source}'",
        "photo": "''",
        "imported_at": f"'{_now_text()}'",
        "import_run_id": str(int(run_id)),
    }
    if photos is None:
        literals["photo_url"] = "''"
    params: dict[str, list] = {
        "tps_id": tps_ids.tolist(),
        "tps_code": _arrow_codes(sheets.codes).to_pylist(),
        "is_primary": primary.tolist(),
        **dict(zip(FIELDS, field_columns(sheets), strict=True)),
        "votes": votes_json(sheets),
        "source_ts": _timestamp_texts(source_ts, "").tolist(),
        "content_hash": hashes.tolist(),
    }
    if photos is not None:
        params["photo_url"] = photos.tolist()
    values = [literals.get(c, "%s") for c in INSERT_COLUMNS]
    columns = [params[c] for c in INSERT_COLUMNS if c not in literals]
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {TABLE} ({','.join(INSERT_COLUMNS)}) "
            f"VALUES ({','.join(values)})",
            list(zip(*columns, strict=True)),
        )


def update_sheets(
    *,
    sheets: Sheets,
    sheet_ids: np.ndarray,
    photos: np.ndarray | None,
    source_ts: np.ndarray,
    hashes: np.ndarray,
    run_id: int,
) -> None:
    n = len(sheets)
    if not n:
        return
    columns = [
        *field_columns(sheets),
        votes_json(sheets),
        [""] * n if photos is None else photos.tolist(),
        _timestamps(source_ts),
        hashes.tolist(),
        [_now_text()] * n,
        [run_id] * n,
        sheet_ids.tolist(),
    ]
    sets = ",".join(f"{c} = %s" for c in UPDATE_COLUMNS)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {TABLE} SET {sets} WHERE id = %s",
            list(zip(*columns, strict=True)),
        )


def write_rows(model, columns: dict[str, list], n: int) -> None:
    """Insert n rows of a model in bulk: COPY of Arrow-written CSV on PostgreSQL,
    one executemany on SQLite. `columns` maps field names (attnames) to lists of
    values as the database takes them (ints, texts, None; a timestamp prepared with
    connection.ops); every other concrete field gets its default (the primary key
    is left to the database unless given)."""
    names, values = [], []
    for f in model._meta.concrete_fields:
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
    flags: list,
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
    from deskpemilu.results.models import FlagStatus, SheetFlag

    n = len(flags)
    if not n:
        return
    created = connection.ops.adapt_datetimefield_value(now)
    write_rows(
        SheetFlag,
        {
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
        },
        n,
    )


def existing_sheets(
    contest_id: int, source: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(tps ids, sheet ids, hashes) of the stored sheets of one contest and source."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT tps_id, id, content_hash FROM {TABLE} "
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
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT tps_id FROM {TABLE} "
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
    """The TPS id of each code, 0 where the code is not a known TPS."""
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=np.int64)
    pos = np.searchsorted(sorted_codes, codes).clip(0, len(sorted_codes) - 1)
    return np.where(sorted_codes[pos] == codes, ids[pos], 0)


def sheet_ids_for(contest_id: int, source: str, tps_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    base = f"SELECT tps_id, id FROM {TABLE} WHERE contest_id = %s AND source = %s AND "
    with connection.cursor() as cursor:
        if postgres():
            # One array parameter: one statement whatever the count. The sheets
            # were mostly written by this very transaction, so the statistics do
            # not know them: "contest_id + 0" keeps the planner off the
            # (contest, code) index, which it would otherwise take as selective
            # and so scan the whole contest once per batch (measured: 24 s over
            # a national import instead of 0.1 s).
            cursor.execute(
                f"SELECT tps_id, id FROM {TABLE} WHERE tps_id = ANY(%s) "
                "AND contest_id + 0 = %s AND source = %s",
                [tps_ids, contest_id, source],
            )
            found.update(cursor.fetchall())
            return found
        for start in range(0, len(tps_ids), 5000):
            chunk = tps_ids[start : start + 5000]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(base + f"tps_id IN ({marks})", [contest_id, source, *chunk])
            found.update(cursor.fetchall())
    return found
