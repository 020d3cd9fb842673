"""Set-based reads and writes of result sheets (raw SQL; used by the services only).

Inserts go as one COPY per batch on PostgreSQL and one executemany on SQLite; rows are
built from the batch's arrays column by column (`tolist`), never through model
instances, so a national import is a few hundred statements, not 820,161.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
from django.db import connection

from deskpemilu.results.models import ResultSheet
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS

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
    out = values.astype(object)
    out[~known] = None
    return out.tolist()


def votes_json(sheets: Sheets) -> list[str]:
    """Each row's votes as a JSON list (null = unknown), built column-wise."""
    cols = sheets.vote_cols
    text = sheets.values[:, cols].astype(str)
    text[~sheets.known[:, cols]] = "null"
    if text.shape[1] == 0:
        return ["[]"] * len(sheets)
    joined = text[:, 0]
    for j in range(1, text.shape[1]):
        joined = np.char.add(np.char.add(joined, ","), text[:, j])
    return np.char.add(np.char.add("[", joined), "]").tolist()


def _timestamps(ts: np.ndarray) -> list:
    """datetime64 (naive UTC) -> what the database driver takes for a timestamp."""
    suffix = "+00:00" if postgres() else ""
    text = np.datetime_as_string(ts, unit="s")
    out = np.char.add(np.char.replace(text, "T", " "), suffix).astype(object)
    out[np.isnat(ts)] = None
    return out.tolist()


def _now_text() -> str:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None).isoformat(sep=" ")
    return now + "+00:00" if postgres() else now


def field_columns(sheets: Sheets) -> list[list]:
    n = len(FIELDS)
    return [_nullable(sheets.values[:, j], sheets.known[:, j]) for j in range(n)]


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
    n = len(sheets)
    if not n:
        return
    photo_urls = [""] * n if photos is None else photos.tolist()
    columns = [
        [contest_id] * n,
        tps_ids.tolist(),
        np.char.zfill(sheets.codes.astype(str), 13).tolist(),
        [source] * n,
        primary.tolist(),
        *field_columns(sheets),
        votes_json(sheets),
        [""] * n,
        photo_urls,
        _timestamps(source_ts),
        hashes.tolist(),
        [_now_text()] * n,
        [run_id] * n,
    ]
    rows = list(zip(*columns, strict=True))
    names = ",".join(INSERT_COLUMNS)
    with connection.cursor() as cursor:
        if postgres():
            with cursor.cursor.copy(f"COPY {TABLE} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ",".join(["%s"] * len(INSERT_COLUMNS))
            cursor.executemany(f"INSERT INTO {TABLE} ({names}) VALUES ({marks})", rows)


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
    """Every TPS as sorted int64 codes and their ids, for vectorised look-ups."""
    from deskpemilu.regions.models import TPS

    rows = list(TPS.objects.values_list("code", "id"))
    if not rows:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty
    codes = np.array([int(c) for c, _ in rows], dtype=np.int64)
    ids = np.array([i for _, i in rows], dtype=np.int64)
    order = np.argsort(codes)
    return codes[order], ids[order]


def lookup(sorted_codes: np.ndarray, ids: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The TPS id of each code, 0 where the code is not a known TPS."""
    if not len(sorted_codes):
        return np.zeros(len(codes), dtype=np.int64)
    pos = np.searchsorted(sorted_codes, codes).clip(0, len(sorted_codes) - 1)
    return np.where(sorted_codes[pos] == codes, ids[pos], 0)


def sheet_ids_for(contest_id: int, source: str, tps_ids: list[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(tps_ids), 5000):
            chunk = tps_ids[start : start + 5000]
            marks = ",".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT tps_id, id FROM {TABLE} WHERE contest_id = %s AND source = %s "
                f"AND tps_id IN ({marks})",
                [contest_id, source, *chunk],
            )
            found.update(cursor.fetchall())
    return found
