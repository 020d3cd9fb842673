"""Intake's own SQL: every statement of intake that the ORM does not write, and the
column lists they name, behind plain functions (intake.bulk and intake.joining call
them; nothing else in intake writes SQL).

Why SQL of our own here: this is the path of every webhook request and API batch, and
a batch costs a fixed number of round trips whatever its size:

* the look-ups of a batch (message ids, the senders, the TPS the texts name, the
  senders with a photo or location waiting) are one statement on PostgreSQL;
* a batch is written by COPY on PostgreSQL (messages, then check-ins), or else as one
  JSON document the database reads itself (``json_populate_recordset``, SQLite's
  ``json_each``), ON CONFLICT DO NOTHING on the provider id;
* the joining queries repeat the condition of the partial index of reports as
  constants (see `_INDEXED`).

`deskpemilu.core.db.postgres()` tells which database speaks. The column lists are
kept equal to the models' fields by intake/tests/test_storage.py.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from django.db import connection

from deskpemilu.core.db import postgres
from deskpemilu.intake.models import (
    InboundMessage,
    Reporter,
    ReporterHandle,
    TpsCheckin,
)
from deskpemilu.regions.models import TPS, Region

if TYPE_CHECKING:
    from deskpemilu.intake.services import Incoming

TABLE = InboundMessage._meta.db_table
# Every column of InboundMessage, in the order of `message_values`.
COLUMNS = (
    "id",
    "channel",
    "provider_id",
    "sender",
    "sender_name",
    "received_at",
    "sent_at",
    "body",
    "raw",
    "attachments",
    "reply_to",
    "meta",
    "api_client_id",
    "submitted_by_id",
    "remote_addr",
    "status",
    "kind",
    "error_code",
    "reply",
    "parsed",
    "tps_id",
    "region_id",
    "area_code",
    "reporter_id",
)
_COLUMNS = ", ".join(COLUMNS)
CHECKINS = TpsCheckin._meta.db_table
# Every column of TpsCheckin but its id (the database gives it), in the order of
# `checkin_values`.
CHECKIN_COLUMNS = (
    "tps_id",
    "stage",
    "reported_at",
    "message_id",
    "reporter_id",
    "created_at",
)
_CHECKIN_COLUMNS = ", ".join(CHECKIN_COLUMNS)
REPORTERS = Reporter._meta.db_table
HANDLES = ReporterHandle._meta.db_table
# The columns of a stored message that make its first answer (`first_answers`).
ANSWER_COLUMNS = ("provider_id", "id", "status", "kind", "reply", "parsed")
# The TPS a batch names (`NamedTps`): columns of the TPS (t) and of its desa (r),
# the code first.
TPS_COLUMNS = (
    "t.code",
    "t.id",
    "t.desa_id",
    "r.code_nodot",
    "t.number",
    "r.code",
    "r.name",
    "r.level",
    "r.kind",
    "r.parent_id",
)

# Batches of at least this many messages go to PostgreSQL by COPY.
COPY_FROM = 2
# The target repeats the partial unique index's own condition, as SQLite requires.
CONFLICT = "ON CONFLICT (channel, provider_id) WHERE NOT (provider_id = '') DO NOTHING"
# The partial index inbound_sender_reports (intake/models.py) is used only when a
# query repeats its condition as written, with the kinds as constants (a parameter
# would not let PostgreSQL's prepared plans or SQLite prove the condition holds).
_INDEXED = "kind IN ('incident', 'free', 'result', 'media')"
WAITING_MEDIA = f"{_INDEXED} AND kind = 'media'"
_REPORTS = f"{_INDEXED} AND kind IN ('incident', 'free', 'result')"
# An escaped NUL in JSON text: \u0000 after an even number of backslashes.
_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")


class Row(Protocol):
    """What the storage reads of a message about to be stored (intake.bulk._Row)."""

    item: Incoming
    id: int
    status: str
    kind: str
    error_code: str
    reply: str
    parsed: dict | None
    tps_id: int | None
    region_id: int | None
    area_code: str
    reporter_id: int | None
    checkin: tuple | None  # (tps_id, stage, reported_at)


def message_values(row: Row, now: str, moment: Callable, dump: Callable) -> tuple:
    """The row's values in the order of COLUMNS (`moment` writes a time, `dump` a
    JSON column)."""
    i = row.item
    return (
        row.id,
        i.channel,
        i.provider_id[:120],
        i.sender[:160],
        i.sender_name[:120],
        now,
        None if i.sent_at is None else moment(i.sent_at),
        i.body,
        i.raw,
        dump(i.attachments),
        i.reply_to[:160],
        dump(i.meta),
        i.api_client_id,
        i.submitted_by_id,
        i.remote_addr,
        row.status,
        row.kind,
        row.error_code,
        row.reply,
        None if row.parsed is None else dump(row.parsed),
        row.tps_id,
        row.region_id,
        row.area_code,
        row.reporter_id,
    )


def checkin_values(rows: Sequence[Row], now: str, moment: Callable) -> list[tuple]:
    """The check-ins of these rows, in the order of CHECKIN_COLUMNS (`moment`
    writes a time; check-in times repeat, each is written once)."""
    shown: dict = {}
    values = []
    for row in rows:
        if row.checkin:
            tps_id, stage, at = row.checkin
            text = shown.get(at) or shown.setdefault(at, moment(at))
            values.append((tps_id, stage, text, row.id, row.reporter_id, now))
    return values


# --- Reading a batch's look-ups --------------------------------------------------


class NamedTps:
    """The TPS named in a batch, read once: (id, desa id, area code, desa fields)
    by code, and as model instances for the rules that want them, built from the
    same rows (Model.from_db: a field not read here loads if it is asked for)."""

    def __init__(self, rows: Iterable[Sequence]) -> None:
        self.rows = {row[0]: row[1:] for row in rows}
        self._made: dict[str, TPS] = {}

    def tps(self, code: str) -> TPS | None:
        if code in self._made:
            return self._made[code]
        row = self.rows.get(code)
        if row is None:
            return None
        tps_id, desa_id, area, number, desa_code, name, level, kind, parent = row
        tps = _loaded(TPS, id=tps_id, code=code, desa_id=desa_id, number=number)
        tps.desa = _loaded(
            Region,
            id=desa_id,
            code=desa_code,
            code_nodot=area,
            name=name,
            level=level,
            kind=kind,
            parent_id=parent,
        )
        self._made[code] = tps
        return tps


def _loaded(model: Any, **values: Any) -> Any:
    """An instance as if read from the database with these fields only."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db("default", names, [values[name] for name in names])


# A TPS row of the look-ups, and the NULLs that stand for its columns after the
# first two in the other rows of _lookups_postgres.
_TPS_SELECT = (
    f"{', '.join(TPS_COLUMNS)} FROM {TPS._meta.db_table} t "
    f"JOIN {Region._meta.db_table} r ON r.id = t.desa_id WHERE t.code"
)
_NO_TPS = "NULL::bigint, NULL, NULL::int, NULL, NULL, NULL, NULL, NULL::bigint"


def batch_lookups(
    items: Sequence[Incoming], tps_codes: set[str], media_since: dt.datetime
) -> tuple[list[int], dict[str, int], NamedTps, set[str] | None]:
    """The ids of the batch's new messages, its senders' reporters (by sender), the
    TPS its texts name, and (PostgreSQL) the senders with a location or photo
    waiting since `media_since`; None for the last on SQLite, where it is asked
    only when a report needs it (`senders_with_media`)."""
    if postgres():
        return _lookups_postgres(items, tps_codes, media_since)
    ids = _reserve_ids(len(items))
    return ids, _reporters(items), named_tps(tps_codes), None


def _lookups_postgres(
    items: Sequence[Incoming], tps_codes: set[str], media_since: dt.datetime
) -> tuple[list[int], dict[str, int], NamedTps, set[str]]:
    """All of batch_lookups in one round trip (the path of every webhook request,
    where each round trip counts)."""
    phones = list({i.sender for i in items if i.sender})
    # The lists travel as JSON text (one string to send; psycopg would dump a
    # list element by element in Python) and become arrays on the server.
    a = "ARRAY(SELECT json_array_elements_text(%s::json))"
    rows = _fetch(
        f"SELECT 'n', NULL, {_nextval()}, "
        f"{_NO_TPS} FROM generate_series(1, %s) "
        f"UNION ALL SELECT 'r', phone, id, {_NO_TPS} "
        f"FROM {REPORTERS} WHERE is_active AND phone = ANY({a}) "
        f"UNION ALL SELECT 'r', h.handle, r.id, {_NO_TPS} FROM {HANDLES} h "
        f"JOIN {REPORTERS} r ON r.id = h.reporter_id "
        f"WHERE r.is_active AND h.handle = ANY({a}) "
        f"UNION ALL SELECT 't', {_TPS_SELECT} = ANY({a}) "
        f"UNION ALL SELECT DISTINCT 'm', sender, NULL::bigint, {_NO_TPS} "
        f"FROM {TABLE} WHERE {WAITING_MEDIA} AND received_at >= %s "
        f"AND sender = ANY({a})",
        [
            len(items),
            _json(phones),
            _json(phones),
            _json(list(tps_codes)),
            media_since,
            _json(phones),
        ],
    )
    ids = sorted(row[2] for row in rows if row[0] == "n")
    reporters = {row[1]: row[2] for row in rows if row[0] == "r"}
    waiting = {row[1] for row in rows if row[0] == "m"}
    return ids, reporters, NamedTps(row[1:] for row in rows if row[0] == "t"), waiting


def _reserve_ids(n: int) -> list[int]:
    """SQLite: ids for n new messages, after the largest id, which is safe because
    the transaction already holds SQLite's write lock (transactions begin
    IMMEDIATE). PostgreSQL takes them from the sequence in _lookups_postgres."""
    start = _fetch(f"SELECT COALESCE(MAX(id), 0) FROM {TABLE}", [])[0][0]
    return list(range(start + 1, start + n + 1))


_SEQUENCES: dict[str, str] = {}


def _nextval() -> str:
    """`nextval` of the messages' id sequence, named as a constant: asking
    pg_get_serial_sequence on every row costs more than the nextval itself."""
    database = connection.settings_dict["NAME"]
    if database not in _SEQUENCES:
        name = _fetch("SELECT pg_get_serial_sequence(%s, 'id')", [TABLE])[0][0]
        _SEQUENCES[database] = f"nextval('{name}'::regclass)"
    return _SEQUENCES[database]


def _reporters(items: Sequence[Incoming]) -> dict[str, int]:
    phones = {i.sender for i in items if i.sender}
    if not phones:
        return {}
    member, params = _member("phone", phones)
    by_handle, more = _member("h.handle", phones)
    return dict(
        _fetch(
            f"SELECT phone, id FROM {REPORTERS} WHERE is_active AND {member} "
            f"UNION ALL SELECT h.handle, r.id FROM {HANDLES} h JOIN {REPORTERS} r "
            f"ON r.id = h.reporter_id WHERE r.is_active AND {by_handle}",
            [*params, *more],
        )
    )


def named_tps(codes: set[str]) -> NamedTps:
    """The TPS of these 13-digit codes, in one query (none without codes)."""
    if not codes:
        return NamedTps(())
    member, params = _member("t.code", codes)
    where = _TPS_SELECT.removesuffix(" t.code")
    return NamedTps(_fetch(f"SELECT {where} {member}", params))


# --- Writing a batch ---------------------------------------------------------------


def by_copy(n: int) -> bool:
    """Whether a batch of n new messages is written by COPY (PostgreSQL)."""
    return n >= COPY_FROM and postgres()


def writes_alone(n: int) -> bool:
    """Whether a batch of n new messages is stored outside a transaction: one
    message on PostgreSQL, whose look-up and `messages_insert` are then a
    statement each, the second its own transaction (no BEGIN, no COMMIT: two round
    trips in all). SQLite keeps the transaction: its ids are reserved under the
    transaction's write lock (`_reserve_ids`)."""
    return n < COPY_FROM and postgres()


def messages_insert(rows: Sequence[Row], now: dt.datetime) -> set[int]:
    """Store the messages with their outcomes, and the check-ins of those stored,
    in one statement on PostgreSQL (two on SQLite). The rows travel as one JSON
    array that the database reads itself. A provider id stored before is skipped;
    returns the ids stored."""
    if postgres():
        moment: Callable = _iso
        sql = (
            f"WITH m AS (INSERT INTO {TABLE} ({_COLUMNS}) SELECT {_COLUMNS} FROM "
            f"json_populate_recordset(NULL::{TABLE}, %s::json) {CONFLICT} "
            f"RETURNING id), c AS (INSERT INTO {CHECKINS} ({_CHECKIN_COLUMNS}) "
            f"SELECT {_prefixed('x', CHECKIN_COLUMNS)} FROM "
            f"json_populate_recordset(NULL::{CHECKINS}, %s::json) x "
            "JOIN m ON m.id = x.message_id) SELECT id FROM m"
        )
    else:
        moment = connection.ops.adapt_datetimefield_value
        sql = (
            f"INSERT INTO {TABLE} ({_COLUMNS}) SELECT {_extract(COLUMNS)} "
            f"FROM json_each(%s) WHERE true {CONFLICT} RETURNING id"
        )
    now_text = moment(now)
    checkins = [
        dict(zip(CHECKIN_COLUMNS, values, strict=True))
        for values in checkin_values(rows, now_text, moment)
    ]
    records = [
        dict(zip(COLUMNS, message_values(row, now_text, moment, _same), strict=True))
        for row in rows
    ]
    params = [_json(records)] + ([_json(checkins)] if postgres() else [])
    stored = {pk for (pk,) in _fetch(sql, params)}
    if checkins and not postgres():
        fresh = [c for c in checkins if c["message_id"] in stored]
        if fresh:
            _fetch(
                f"INSERT INTO {CHECKINS} ({_CHECKIN_COLUMNS}) SELECT "
                f"{_extract(CHECKIN_COLUMNS)} FROM json_each(%s)",
                [_json(fresh)],
            )
    return stored


def messages_copy(rows: Sequence[Row], now: dt.datetime) -> set[int]:
    """PostgreSQL: COPY the messages, then the check-ins (no JSON document to
    read, rows written many at a time). A provider id stored before raises
    IntegrityError (intake.bulk then writes the batch by `messages_insert`).
    Returns the ids stored: all."""
    now_text = now.isoformat()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {TABLE} ({_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(message_values(row, now_text, _iso, _json))
        checkins = checkin_values(rows, now_text, _iso)
        if checkins:
            sql = f"COPY {CHECKINS} ({_CHECKIN_COLUMNS}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for values in checkins:
                    copy.write_row(values)
    return {row.id for row in rows}


def first_answers(
    items: Iterable[Incoming],
) -> dict[tuple[str, str], tuple[int, str, str, str, int | None]]:
    """The first answers of items whose provider id was stored before, by
    (channel, provider id): (id, status, kind, reply, incident id)."""
    by_channel: dict[str, set[str]] = {}
    for item in items:
        by_channel.setdefault(item.channel, set()).add(item.provider_id[:120])
    found = {}
    for channel, ids in by_channel.items():
        member, params = _member("provider_id", ids)
        rows = _fetch(
            f"SELECT {', '.join(ANSWER_COLUMNS)} FROM {TABLE} "
            f"WHERE channel = %s AND NOT (provider_id = '') AND {member}",
            [channel, *params],
        )
        for pid, pk, status, kind, reply, parsed in rows:
            if isinstance(parsed, str):
                parsed = json.loads(parsed)
            incident = (parsed or {}).get("incident_id")
            found[(channel, pid)] = (pk, status, kind, reply, incident)
    return found


# --- Joining (intake.joining) --------------------------------------------------------


def senders_with_media(senders: set[str], since: dt.datetime) -> set[str]:
    """Which of these senders have a location or photo waiting since `since` (one
    query, on the partial index of reports and media: check-ins are not read)."""
    wanted = sorted(senders)
    if not wanted:
        return set()
    rows = _fetch(
        f"SELECT DISTINCT sender FROM {TABLE} WHERE {WAITING_MEDIA} "
        f"AND received_at >= %s AND sender IN ({_in(wanted)})",
        [since, *wanted],
    )
    return {sender for (sender,) in rows}


def sender_recent(
    *,
    sender: str,
    channel: str,
    since: dt.datetime,
    before_id: int,
    media: bool,
    newest_only: bool = False,
) -> list[int]:
    """The ids of the sender's messages on this channel received since `since`,
    before message `before_id`, newest first: their locations and photos (`media`)
    or else their reports (incident, free text, result)."""
    sql = (
        f"SELECT id FROM {TABLE} WHERE {WAITING_MEDIA if media else _REPORTS} "
        "AND sender = %s AND received_at >= %s AND channel = %s AND id < %s "
        "ORDER BY id DESC" + (" LIMIT 1" if newest_only else "")
    )
    return [pk for (pk,) in _fetch(sql, [sender, since, channel, before_id])]


# --- Helpers -------------------------------------------------------------------------


def _fetch(sql: str, params: Iterable) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _array() -> str:
    """The placeholder of an array parameter: binary when the connection binds
    parameters on the server (psycopg then dumps lists without escaping each
    element in Python), else text."""
    options = connection.settings_dict.get("OPTIONS", {})
    return "%b" if options.get("server_side_binding") else "%s"


def _in(values: Sequence) -> str:
    return ",".join(["%s"] * len(values))


def _member(column: str, values: Iterable) -> tuple[str, list]:
    """`column IN (...)` as SQL and parameters: one array parameter on PostgreSQL
    (a statement text that does not grow with the batch), a list on SQLite."""
    values = list(values)
    if postgres():
        return f"{column} = ANY({_array()}::text[])", [values]
    return f"{column} IN ({_in(values)})", values


def _same(value: Any) -> Any:
    return value


def _json(value: Any) -> str:
    """JSON text for the database. A NUL left in a provider's fields (`meta`,
    `attachments`) becomes U+FFFD as in the text fields (a backslash-u-0000 typed
    literally stays as it is)."""
    text = orjson.dumps(value).decode()
    if "\\u0000" in text:
        text = _NUL.sub(r"\1\\ufffd", text)
    return text


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat()


def _extract(columns: Iterable[str]) -> str:
    return ",".join(f"json_extract(value, '$.{c}')" for c in columns)


def _prefixed(alias: str, columns: Iterable[str]) -> str:
    return ", ".join(f"{alias}.{c}" for c in columns)
