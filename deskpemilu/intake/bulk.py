"""The fast path of intake: one message or a thousand, a fixed number of statements.

Same rules as the one-message path (intake.services): a message is stored whatever
its content, before anything it causes (a check-in, an incident, a reply) is written;
a provider id already stored is not stored again and its first answer is returned; the
replies are the same words.

How, per batch, in one transaction (one commit):
1. parse every text (pure; it cannot fail), then reserve the message ids and look up
   the senders and the TPS the texts name (one round trip on PostgreSQL);
2. understand each message (its outcome and reply, which carries the reference
   number made from the id);
3. write every message with its outcome, and the check-ins of those stored:
   on PostgreSQL a batch goes by COPY (two COPYs: messages, check-ins); one message,
   SQLite, and a batch whose COPY met a provider id stored before go by one INSERT
   of a JSON document, ON CONFLICT DO NOTHING on the provider id (a retry is not
   stored twice; its first answer is returned);
4. reports from registered reporters become incidents through the incident service
   (few; their messages are then updated), and WhatsApp/Telegram replies are queued.
If understanding one message fails unexpectedly, that message is still stored, as
'pending', for the desk to read: a failure never costs a message.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import NamedTuple

import orjson
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from deskpemilu.core.db import postgres
from deskpemilu.intake import fieldcode, joining
from deskpemilu.intake.models import (
    Channel,
    InboundMessage,
    MessageKind,
    OutboundMessage,
    ParseStatus,
    Reporter,
    ReporterHandle,
    TpsCheckin,
)
from deskpemilu.intake.senders import is_normal_phone, normal_handle
from deskpemilu.intake.services import (
    QUEUED_REPLY_CHANNELS,
    Incoming,
    Outcome,
    _act,
    _unknown_tps,
    checkin_reply,
    citizen_reply,
    reported_at,
    unknown_sender_reply,
)
from deskpemilu.regions.codes import is_tps_code
from deskpemilu.regions.models import TPS, Region

log = logging.getLogger(__name__)
# Enum values read once (each read of a member's value is a descriptor call).
_PENDING, _PARSED = ParseStatus.PENDING.value, ParseStatus.PARSED.value
_CHECKIN, _INCIDENT = MessageKind.CHECKIN.value, MessageKind.INCIDENT.value
_RESULT, _FREE = MessageKind.RESULT.value, MessageKind.FREE.value
_MEDIA, _EDIT, _LINK = (
    MessageKind.MEDIA.value,
    MessageKind.EDIT.value,
    MessageKind.LINK.value,
)
TABLE = InboundMessage._meta.db_table
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
# An escaped NUL in JSON text: \u0000 after an even number of backslashes.
_NUL = re.compile(r"(?<!\\)((?:\\\\)*)\\u0000")
CHECKINS = TpsCheckin._meta.db_table
_HANDLES = ReporterHandle._meta.db_table
_CHECKIN_COLUMNS = "tps_id, stage, reported_at, message_id, reporter_id, created_at"
_CHECKIN_NAMES = tuple(_CHECKIN_COLUMNS.split(", "))
# Batches of at least this many messages go to PostgreSQL by COPY.
COPY_FROM = 2
# The target repeats the partial unique index's own condition, as SQLite requires.
CONFLICT = "ON CONFLICT (channel, provider_id) WHERE NOT (provider_id = '') DO NOTHING"


class Result(NamedTuple):  # a thousand per batch: a tuple is the cheapest to make
    id: int
    status: str
    kind: str
    reply: str
    duplicate: bool
    incident_id: int | None = None

    @property
    def ref(self) -> str:
        return f"M{self.id:07d}"


@dataclass(slots=True)
class _Row:
    """A message about to be stored, with its outcome."""

    item: Incoming
    id: int
    status: str = _PENDING
    kind: str = ""
    error_code: str = ""
    reply: str = ""
    parsed: dict | None = None
    tps_id: int | None = None
    region_id: int | None = None
    area_code: str = ""
    reporter_id: int | None = None
    checkin: tuple | None = None  # (tps_id, stage, reported_at)
    incident_from: object = None  # a parsed report to turn into an incident
    complete: tuple | None = None  # what intake.joining does once it is stored

    def values(self, now: str, moment, dump) -> tuple:
        """The row's values in the order of COLUMNS (`moment` writes a time,
        `dump` a JSON column)."""
        i = self.item
        return (
            self.id,
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
            self.status,
            self.kind,
            self.error_code,
            self.reply,
            None if self.parsed is None else dump(self.parsed),
            self.tps_id,
            self.region_id,
            self.area_code,
            self.reporter_id,
        )

    def result(self, duplicate: bool = False) -> Result:
        incident = (self.parsed or {}).get("incident_id")
        return Result(self.id, self.status, self.kind, self.reply, duplicate, incident)


def _array() -> str:
    """The placeholder of an array parameter: binary when the connection binds
    parameters on the server (psycopg then dumps lists without escaping each
    element in Python), else text."""
    options = connection.settings_dict.get("OPTIONS", {})
    return "%b" if options.get("server_side_binding") else "%s"


def _in(values) -> str:
    return ",".join(["%s"] * len(values))


def _member(column: str, values) -> tuple[str, list]:
    """`column IN (...)` as SQL and parameters: one array parameter on PostgreSQL
    (a statement text that does not grow with the batch), a list on SQLite."""
    values = list(values)
    if postgres():
        return f"{column} = ANY({_array()}::text[])", [values]
    return f"{column} IN ({_in(values)})", values


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def handle_one(item: Incoming) -> Result:
    """One message through the same path as a batch (fewest statements)."""
    return messages_handle_batch([item])[0]


def messages_handle_batch(items: list[Incoming]) -> list[Result]:
    """Store and process a batch; one Result per item, in order. A provider id
    stored before (or earlier in the same batch) gets its first answer back."""
    items = [_prepared(item) for item in items]
    fresh: list[Incoming] = []
    first_of: dict[tuple[str, str], int] = {}
    plan: list[tuple[bool, int]] = []  # (is a repeat within the batch, index)
    for item in items:
        key = (item.channel, item.provider_id[:120])
        if item.provider_id and key in first_of:
            plan.append((True, first_of[key]))
            continue
        if item.provider_id:
            first_of[key] = len(fresh)
        plan.append((False, len(fresh)))
        fresh.append(item)
    results = []
    if fresh:
        # A batch goes to PostgreSQL by COPY. COPY cannot skip a provider id stored
        # before (a gateway's retry, or the same id sent concurrently): the unique
        # index refuses it, and the whole batch is done again by INSERT, which
        # skips what is stored and answers it as before.
        copy = len(fresh) >= COPY_FROM and postgres()
        try:
            with transaction.atomic():
                results = _store_and_process(fresh, copy=copy)
        except IntegrityError:
            if not copy:
                raise
            with transaction.atomic():
                results = _store_and_process(fresh, copy=False)
    return [
        _as_duplicate(results[index]) if repeat else results[index]
        for repeat, index in plan
    ]


_TEXT_FIELDS = ("body", "raw", "sender", "provider_id", "sender_name", "reply_to")


def _prepared(item: Incoming) -> Incoming:
    """The item as it is stored (changed in place: the caller's items are made for
    this batch): the sender in its one normal form (a phone number written
    ``0812-0000-0001`` by an API client is ``6281200000001``, as from a webhook),
    and no NUL character, which PostgreSQL text cannot hold: it is kept visible as
    U+FFFD rather than failing the batch."""
    for name in _TEXT_FIELDS:
        value = getattr(item, name)
        if "\x00" in value:
            setattr(item, name, value.replace("\x00", "\ufffd"))
    sender = item.sender
    if sender and not is_normal_phone(sender):
        item.sender = normal_handle(sender)
    return item


def _as_duplicate(result: Result) -> Result:
    return result._replace(duplicate=True)


def _store_and_process(items: list[Incoming], copy: bool) -> list[Result]:
    now = timezone.now()
    parsed = [fieldcode.parse(item.body) for item in items]
    waiting = None  # senders with a location or photo waiting for their report
    if postgres():
        ids, reporters, named, waiting = _lookups_postgres(items, parsed, now)
    else:
        ids = _reserve_ids(len(items))
        reporters, named = _reporters(items), _named_tps(parsed)
    originals = _edited_originals(items)
    rows = _understand(items, parsed, ids, reporters, named, now, originals)
    stored = _copy(rows, now) if copy else _insert(rows, now)
    before = _already_stored([r.item for r in rows if r.id not in stored])
    new_rows = [r for r in rows if r.id in stored]
    _make_incidents([r for r in new_rows if r.incident_from is not None], named)
    _complete(new_rows, now, waiting)
    _queue_replies(new_rows)
    return [r.result() if r.id in stored else before[_key(r.item)] for r in rows]


def _key(item: Incoming) -> tuple[str, str]:
    return item.channel, item.provider_id[:120]


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


def _lookups_postgres(items: list[Incoming], parsed, now) -> tuple:
    """Ids, senders, the TPS the texts name and the senders with a location or
    photo waiting (intake.joining), in one round trip (the path of every webhook
    request, where each round trip counts)."""
    phones = list({i.sender for i in items if i.sender})
    # The lists travel as JSON text (one string to send; psycopg would dump a
    # list element by element in Python) and become arrays on the server.
    a = "ARRAY(SELECT json_array_elements_text(%s::json))"
    rows = _fetch(
        f"SELECT 'n', NULL, {_nextval()}, "
        f"{_NO_TPS} FROM generate_series(1, %s) "
        f"UNION ALL SELECT 'r', phone, id, {_NO_TPS} "
        f"FROM {Reporter._meta.db_table} WHERE is_active AND phone = ANY({a}) "
        f"UNION ALL SELECT 'r', h.handle, r.id, {_NO_TPS} FROM {_HANDLES} h "
        f"JOIN {Reporter._meta.db_table} r ON r.id = h.reporter_id "
        f"WHERE r.is_active AND h.handle = ANY({a}) "
        f"UNION ALL SELECT 't', {_TPS_SELECT} = ANY({a}) "
        f"UNION ALL SELECT DISTINCT 'm', sender, NULL::bigint, {_NO_TPS} "
        f"FROM {TABLE} WHERE {joining.WAITING_MEDIA} AND received_at >= %s "
        f"AND sender = ANY({a})",
        [
            len(items),
            _json(phones),
            _json(phones),
            _json(list(_tps_codes(parsed))),
            now - joining.window(),
            _json(phones),
        ],
    )
    ids = sorted(row[2] for row in rows if row[0] == "n")
    reporters = {row[1]: row[2] for row in rows if row[0] == "r"}
    waiting = {row[1] for row in rows if row[0] == "m"}
    return ids, reporters, _Named(row[1:] for row in rows if row[0] == "t"), waiting


def _understand(
    items: list[Incoming], parsed, ids, reporters, named: _Named, now, originals
) -> list[_Row]:
    rows = []
    for item, pk, result in zip(items, ids, parsed, strict=True):
        row = _Row(item=item, id=pk, reporter_id=reporters.get(item.sender))
        try:
            if not _companion(row, originals):
                edit_of = (row.parsed or {}).get("edit_of")
                _outcome(row, result, named, now)
                if edit_of:  # an edit read as a message of its own
                    row.parsed = {**(row.parsed or {}), "edit_of": edit_of}
        except Exception:  # never lose the message over a bug in understanding it
            log.exception("understanding inbound message %s failed", pk)
            row.status, row.error_code = _PENDING, "internal_error"
            row.reply = f"Pesan diterima ({row.result().ref}) dan akan diperiksa."
        rows.append(row)
    return rows


def _edited_originals(items: list[Incoming]) -> dict[str, tuple]:
    """The stored first messages of the edits in a batch (Telegram edits carry
    the first message's provider id), in one query; none for most batches."""
    wanted: dict[str, set[str]] = {}
    for item in items:
        if item.meta and item.meta.get("edited") and item.meta.get("original_id"):
            wanted.setdefault(item.channel, set()).add(str(item.meta["original_id"]))
    found: dict[str, tuple] = {}
    for channel, provider_ids in wanted.items():
        for pid, values in joining.original_of(channel, provider_ids).items():
            found[f"{channel}:{pid}"] = values
    return found


def _companion(row: _Row, originals: dict[str, tuple]) -> bool:
    """A message that completes another (intake.joining): a location or photo
    without text, a shared contact, an edit of a message that was understood.
    Marks it for completion once stored and answers for now; False otherwise."""
    item, ref = row.item, f"M{row.id:07d}"
    if item.attachments and not item.body.strip():
        phone = item.meta.get("phone") if item.channel == Channel.TELEGRAM else None
        row.complete = ("contact", phone) if phone else ("media",)
        row.status, row.kind = _PARSED, _LINK if phone else _MEDIA
        row.reply = f"OK {ref}: {joining.what_was_sent(item.attachments)} diterima."
        return True
    if not (item.meta and item.meta.get("edited")):
        return False
    original = originals.get(f"{item.channel}:{item.meta.get('original_id')}")
    if original is None:
        return False
    original_id, status, kind, _ = original
    row.parsed = {"edit_of": original_id}
    if status == _PARSED and kind in (_INCIDENT, _RESULT):
        row.complete = ("edit", original_id)
        row.status, row.kind = _PARSED, _EDIT
        row.reply = f"OK {ref}: perubahan pesan M{original_id:07d} diterima."
        return True
    return False  # the first was not understood (or a check-in): read this one


def _outcome(row: _Row, result, named: _Named, now) -> None:
    ref = f"M{row.id:07d}"
    if isinstance(result, fieldcode.Checkin):
        found = named.rows.get(result.tps_code)
        if found is None:
            _apply(row, _unknown_tps(result.tps_code))
            return
        tps_id, desa_id, area = found[:3]
        at = reported_at(row.item.sent_at or now, result.time_hhmm)
        row.status, row.kind = _PARSED, _CHECKIN
        row.reply = checkin_reply(ref, result.tps_code, result.stage, at)
        row.parsed = fieldcode.as_dict(result)
        row.tps_id, row.region_id, row.area_code = tps_id, desa_id, area
        row.checkin = (tps_id, result.stage, at)
        return
    if isinstance(result, fieldcode.IncidentReport):
        if row.reporter_id is not None:
            # Made once the message is stored: the message is the incident's source.
            row.incident_from = result
            row.kind = _INCIDENT
            return
        found = named.rows.get(result.place_code)
        if found is not None:  # at a TPS, from an unknown sender: kept, unverified
            row.status, row.kind = _PARSED, _INCIDENT
            row.reply = unknown_sender_reply(ref)
            row.parsed = fieldcode.as_dict(result)
            row.tps_id, row.region_id, row.area_code = found[:3]
            return
    if (
        row.reporter_id is None
        and isinstance(result, fieldcode.ParseError)
        and result.code == "unknown_keyword"
        and fieldcode.looks_like_free_text(row.item.body)
    ):
        # A citizen writing in their own words: thanked with a reference and kept
        # for the desk; the field code's help is for registered field staff.
        row.status, row.kind = _PARSED, _FREE
        row.reply = citizen_reply(ref)
        return
    _apply(row, _act(result, ref, tps_lookup=named.tps))


def _apply(row: _Row, outcome: Outcome) -> None:
    region = outcome.region or (outcome.tps.desa if outcome.tps else None)
    row.status, row.kind, row.reply = outcome.status, outcome.kind, outcome.reply
    row.error_code, row.parsed = outcome.error_code, outcome.parsed
    row.tps_id = outcome.tps.pk if outcome.tps else None
    row.region_id = region.pk if region else None
    row.area_code = region.code_nodot if region else ""


def _insert(rows: list[_Row], now) -> set[int]:
    """Store the messages with their outcomes, and the check-ins of those stored,
    in one statement on PostgreSQL (two on SQLite). The rows travel as one JSON
    array that the database reads itself. A provider id stored before is skipped;
    returns the ids stored."""
    if postgres():
        moment = _iso
        sql = (
            f"WITH m AS (INSERT INTO {TABLE} ({_COLUMNS}) SELECT {_COLUMNS} FROM "
            f"json_populate_recordset(NULL::{TABLE}, %s::json) {CONFLICT} "
            f"RETURNING id), c AS (INSERT INTO {CHECKINS} ({_CHECKIN_COLUMNS}) "
            f"SELECT {_prefixed('x', _CHECKIN_COLUMNS)} FROM "
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
        dict(zip(_CHECKIN_NAMES, values, strict=True))
        for values in _checkin_values(rows, now_text, moment)
    ]
    records = [
        dict(zip(COLUMNS, row.values(now_text, moment, _same), strict=True))
        for row in rows
    ]
    params = [_json(records)] + ([_json(checkins)] if postgres() else [])
    stored = {pk for (pk,) in _fetch(sql, params)}
    if checkins and not postgres():
        fresh = [c for c in checkins if c["message_id"] in stored]
        if fresh:
            _fetch(
                f"INSERT INTO {CHECKINS} ({_CHECKIN_COLUMNS}) SELECT "
                f"{_extract(_CHECKIN_NAMES)} FROM json_each(%s)",
                [_json(fresh)],
            )
    return stored


def _copy(rows: list[_Row], now) -> set[int]:
    """PostgreSQL: COPY the messages, then the check-ins (no JSON document to
    read, rows written many at a time). A provider id stored before raises
    IntegrityError (see messages_handle_batch). Returns the ids stored: all."""
    now_text = now.isoformat()
    with connection.cursor() as cursor, connection.wrap_database_errors:
        with cursor.cursor.copy(f"COPY {TABLE} ({_COLUMNS}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row.values(now_text, _iso, _json))
        checkins = _checkin_values(rows, now_text, _iso)
        if checkins:
            sql = f"COPY {CHECKINS} ({_CHECKIN_COLUMNS}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for values in checkins:
                    copy.write_row(values)
    return {row.id for row in rows}


def _checkin_values(rows: list[_Row], now: str, moment) -> list[tuple]:
    """The check-ins of these rows, in the order of _CHECKIN_COLUMNS (`moment`
    writes a time; check-in times repeat, each is written once)."""
    shown: dict = {}
    values = []
    for row in rows:
        if row.checkin:
            tps_id, stage, at = row.checkin
            text = shown.get(at) or shown.setdefault(at, moment(at))
            values.append((tps_id, stage, text, row.id, row.reporter_id, now))
    return values


def _same(value):
    return value


def _json(value) -> str:
    """JSON text for the database. A NUL left in a provider's fields (`meta`,
    `attachments`) becomes U+FFFD as in the text fields (a backslash-u-0000 typed
    literally stays as it is)."""
    text = orjson.dumps(value).decode()
    if "\\u0000" in text:
        text = _NUL.sub(r"\1\\ufffd", text)
    return text


def _iso(moment) -> str:
    return moment.isoformat()


def _extract(columns) -> str:
    return ",".join(f"json_extract(value, '$.{c}')" for c in columns)


def _prefixed(alias: str, columns: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in columns.split(", "))


def _already_stored(items: list[Incoming]) -> dict[tuple[str, str], Result]:
    """The first results of items whose provider id was stored before."""
    by_channel: dict[str, set[str]] = {}
    for item in items:
        by_channel.setdefault(item.channel, set()).add(item.provider_id[:120])
    found = {}
    for channel, ids in by_channel.items():
        member, params = _member("provider_id", ids)
        rows = _fetch(
            f"SELECT provider_id, id, status, kind, reply, parsed FROM {TABLE} "
            f"WHERE channel = %s AND NOT (provider_id = '') AND {member}",
            [channel, *params],
        )
        for pid, pk, status, kind, reply, parsed in rows:
            if isinstance(parsed, str):
                parsed = json.loads(parsed)
            incident = (parsed or {}).get("incident_id")
            found[(channel, pid)] = Result(pk, status, kind, reply, True, incident)
    return found


def _reporters(items: list[Incoming]) -> dict[str, int]:
    phones = {i.sender for i in items if i.sender}
    if not phones:
        return {}
    table = Reporter._meta.db_table
    member, params = _member("phone", phones)
    by_handle, more = _member("h.handle", phones)
    return dict(
        _fetch(
            f"SELECT phone, id FROM {table} WHERE is_active AND {member} "
            f"UNION ALL SELECT h.handle, r.id FROM {_HANDLES} h JOIN {table} r "
            f"ON r.id = h.reporter_id WHERE r.is_active AND {by_handle}",
            [*params, *more],
        )
    )


def _tps_codes(parsed) -> set[str]:
    """The 13-digit TPS codes the parsed texts name."""
    codes = set()
    for result in parsed:
        code = getattr(result, "tps_code", None) or getattr(result, "place_code", "")
        if is_tps_code(code):
            codes.add(code)
    return codes


def _named_tps(parsed) -> _Named:
    codes = _tps_codes(parsed)
    if not codes:
        return _Named(())
    member, params = _member("t.code", codes)
    where = _TPS_SELECT.removesuffix(" t.code")
    return _Named(_fetch(f"SELECT {where} {member}", params))


class _Named:
    """The TPS named in a batch, read once: (id, desa id, area code, desa fields)
    by code, and as model instances for the rules that want them, built from the
    same rows (Model.from_db: a field not read here loads if it is asked for)."""

    def __init__(self, rows) -> None:
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


def _loaded(model, **values):
    """An instance as if read from the database with these fields only."""
    names = [f.attname for f in model._meta.concrete_fields if f.attname in values]
    return model.from_db("default", names, [values[name] for name in names])


# The columns of a TPS row of the look-ups; the NULLs that stand for them elsewhere.
_TPS_SELECT = (
    "t.code, t.id, t.desa_id, r.code_nodot, t.number, r.code, r.name, r.level, "
    f"r.kind, r.parent_id FROM {TPS._meta.db_table} t JOIN {Region._meta.db_table} r "
    "ON r.id = t.desa_id WHERE t.code"
)
_NO_TPS = "NULL::bigint, NULL, NULL::int, NULL, NULL, NULL, NULL, NULL::bigint"


def _make_incidents(rows: list[_Row], named: _Named) -> None:
    """Reports of registered reporters: incidents, through the incident service
    (their TPS from the batch's one look-up)."""
    if not rows:
        return
    reporters = Reporter.objects.in_bulk({r.reporter_id for r in rows})
    messages = InboundMessage.objects.in_bulk([r.id for r in rows])
    for row in rows:
        message = messages[row.id]
        try:
            with transaction.atomic():
                outcome = _act(
                    row.incident_from,
                    message.ref,
                    reporters[row.reporter_id],
                    message,
                    named.tps,
                )
        except Exception:
            log.exception("incident from inbound message %s failed", row.id)
            continue  # stored as pending; the desk sees it in the inbox
        _apply(row, outcome)
        _save_outcome(row)


def _save_outcome(row: _Row) -> None:
    """Write an outcome decided after the message was stored."""
    InboundMessage.objects.filter(pk=row.id).update(
        status=row.status,
        kind=row.kind,
        reply=row.reply,
        error_code=row.error_code,
        parsed=row.parsed,
        tps_id=row.tps_id,
        region_id=row.region_id,
        area_code=row.area_code,
        reporter_id=row.reporter_id,
    )


def _complete(rows: list[_Row], now, waiting: set[str] | None) -> None:
    """Messages that complete another (intake.joining), and reports that take the
    sender's waiting location or photo. A failure keeps the first answer."""
    for row in rows:
        if row.complete is None:
            continue
        what, *args = row.complete
        try:
            with transaction.atomic():
                if what == "media":
                    done = joining.media_complete(row.id)
                elif what == "contact":
                    done = joining.contact_complete(row.id, args[0])
                else:
                    done = joining.edit_complete(row.id, args[0], row.item.body)
        except Exception:
            log.exception("completing inbound message %s failed", row.id)
            continue
        row.status, row.kind, row.reply = done.status, done.kind, done.reply
        row.parsed = {**(row.parsed or {}), **done.parsed}
        row.tps_id, row.region_id = done.tps_id, done.region_id
        row.area_code = done.area_code
        row.reporter_id = done.reporter_id or row.reporter_id
        _save_outcome(row)
    reports = [
        r
        for r in rows
        if r.kind in (_INCIDENT, _FREE) and r.item.sender and r.complete is None
    ]
    if reports and waiting is None:
        waiting = joining.senders_with_media({r.item.sender for r in reports}, now)
    if reports and waiting:
        for row in reports:
            if row.item.sender in waiting:
                try:
                    with transaction.atomic():
                        joining.report_takes_media(row.id)
                except Exception:
                    log.exception("joining media to message %s failed", row.id)


def _queue_replies(rows: list[_Row]) -> None:
    """WhatsApp and Telegram replies go out through the outbound worker."""
    queued = [
        OutboundMessage(
            channel=r.item.channel,
            recipient=r.item.reply_to,
            body=r.reply,
            inbound_id=r.id,
            meta=r.item.meta,
        )
        for r in rows
        if r.reply and r.item.reply_to and r.item.channel in QUEUED_REPLY_CHANNELS
    ]
    if queued:
        OutboundMessage.objects.bulk_create(queued)
