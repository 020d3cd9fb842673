"""The batch path of intake: a thousand messages stored raw in one statement, then
processed together, with a fixed number of statements per batch.

Same rules as the one-message path (intake.services): the raw messages are committed
before anything else is done with them; a provider id already stored is not stored
again and its first answer is returned; the replies are the same words. Check-ins
(the bulk of election-day traffic) take a set-based path; the rest go through the
same code as single messages, with the TPS looked up in advance.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import timezone

from deskpemilu.intake import fieldcode
from deskpemilu.intake.models import (
    InboundMessage,
    OutboundMessage,
    ParseStatus,
    Reporter,
    TpsCheckin,
)
from deskpemilu.intake.services import (
    QUEUED_REPLY_CHANNELS,
    Incoming,
    Outcome,
    _act,
    checkin_reply,
    reported_at,
)
from deskpemilu.regions.models import TPS, Region

log = logging.getLogger(__name__)
RAW_COLUMNS = (
    "channel", "provider_id", "sender", "sender_name", "received_at", "sent_at",
    "body", "raw", "attachments", "reply_to", "meta", "api_client_id",
    "submitted_by_id", "remote_addr", "status", "kind", "error_code", "reply",
    "area_code",
)
JSON_COLUMNS = frozenset({"attachments", "meta"})


@dataclass(frozen=True)
class Result:
    id: int
    status: str
    kind: str
    reply: str
    duplicate: bool
    incident_id: int | None = None

    @property
    def ref(self) -> str:
        return f"M{self.id:07d}"


def _same(value):
    return value


def _raw_row(item: Incoming, now, *, adapt: bool) -> tuple:
    dt_value = connection.ops.adapt_datetimefield_value if adapt else _same
    return (
        item.channel, item.provider_id[:120], item.sender[:160],
        item.sender_name[:120], dt_value(now), dt_value(item.sent_at), item.body,
        item.raw, json.dumps(item.attachments), item.reply_to[:160],
        json.dumps(item.meta), item.api_client_id, item.submitted_by_id,
        item.remote_addr, ParseStatus.PENDING.value, "", "", "", "",
    )


PG_RAW_TYPES = {
    "received_at": "timestamptz", "sent_at": "timestamptz", "attachments": "jsonb",
    "meta": "jsonb", "api_client_id": "bigint", "submitted_by_id": "bigint",
    "remote_addr": "inet",
}
# The target repeats the partial unique index's own condition, as SQLite requires.
CONFLICT = "ON CONFLICT (channel, provider_id) WHERE NOT (provider_id = '') DO NOTHING"


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def insert_raw(items: list[Incoming]) -> list[int | None]:
    """Store the messages as they came, in one INSERT. Answers each item's new id,
    or None for an item whose provider id was already stored (not stored again)."""
    if not items:
        return []
    now = timezone.now()
    table = InboundMessage._meta.db_table
    returning = "RETURNING id, channel, provider_id"
    if _postgres():
        rows = [_raw_row(item, now, adapt=False) for item in items]
        columns = list(zip(*rows, strict=True))
        arrays = ",".join(
            "%s::" + ("text[]" if c in JSON_COLUMNS or c == "remote_addr" else
                      PG_RAW_TYPES.get(c, "text") + "[]")
            for c in RAW_COLUMNS
        )
        select = ",".join(
            f"{c}::{PG_RAW_TYPES[c]}" if c in PG_RAW_TYPES else c for c in RAW_COLUMNS
        )
        sql = (
            f"INSERT INTO {table} ({','.join(RAW_COLUMNS)}) SELECT {select} FROM "
            f"unnest({arrays}) AS v({','.join(RAW_COLUMNS)}) {CONFLICT} {returning}"
        )
        params = [list(col) for col in columns]
    else:
        one = "(" + ",".join(["%s"] * len(RAW_COLUMNS)) + ")"
        sql = (
            f"INSERT INTO {table} ({','.join(RAW_COLUMNS)}) "
            f"VALUES {','.join([one] * len(items))} {CONFLICT} {returning}"
        )
        params = [v for item in items for v in _raw_row(item, now, adapt=True)]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        returned = sorted(cursor.fetchall())
    # Rows are inserted in the order given, so ids increase in that order.
    stored = {(ch, pid) for _, ch, pid in returned if pid}
    ids = iter(pk for pk, _, _ in returned)
    return [
        next(ids)
        if not item.provider_id or (item.channel, item.provider_id[:120]) in stored
        else None
        for item in items
    ]


def messages_handle_batch(items: list[Incoming]) -> list[Result]:
    """Store a batch raw, then process it; one Result per item, in order. A provider
    id stored before (or earlier in the batch) is answered with its first result."""
    fresh: list[Incoming] = []
    first_of: dict[tuple[str, str], int] = {}
    plan: list[tuple[str, int]] = []
    for item in items:
        key = (item.channel, item.provider_id[:120])
        if item.provider_id and key in first_of:
            plan.append(("repeat", first_of[key]))
            continue
        if item.provider_id:
            first_of[key] = len(fresh)
        plan.append(("new", len(fresh)))
        fresh.append(item)
    # One transaction, one commit: the raw rows are written first; processing runs
    # in a savepoint, so a failure there rolls back only the processing and the raw
    # messages are committed, pending, for the desk to see.
    with transaction.atomic():
        ids = insert_raw(fresh)
        stored_before = _already_stored(
            [item for item, pk in zip(fresh, ids, strict=True) if pk is None]
        )
        new = [(i, pk) for i, pk in zip(fresh, ids, strict=True) if pk is not None]
        processed = iter(_process_safely([i for i, _ in new], [pk for _, pk in new]))
    results: list[Result] = []
    for item, pk in zip(fresh, ids, strict=True):
        if pk is None:
            results.append(stored_before[(item.channel, item.provider_id[:120])])
        else:
            results.append(next(processed))
    return [
        results[index] if how == "new" else _as_duplicate(results[index])
        for how, index in plan
    ]


def _as_duplicate(result: Result) -> Result:
    return Result(result.id, result.status, result.kind, result.reply, True,
                  result.incident_id)


def _in(values) -> str:
    return ",".join(["%s"] * len(values))


def _fetch(sql: str, params) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.fetchall()


def _already_stored(items: list[Incoming]) -> dict[tuple[str, str], Result]:
    """Results of the items whose provider id is stored already (one query per
    channel, on the unique (channel, provider_id) index)."""
    by_channel: dict[str, set[str]] = {}
    for item in items:
        if item.provider_id:
            by_channel.setdefault(item.channel, set()).add(item.provider_id[:120])
    found = {}
    table = InboundMessage._meta.db_table
    for channel, ids in by_channel.items():
        rows = _fetch(
            f"SELECT provider_id, id, status, kind, reply, parsed FROM {table} "
            f"WHERE channel = %s AND provider_id <> '' AND provider_id IN ({_in(ids)})",
            [channel, *ids],
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
    return dict(
        _fetch(
            f"SELECT phone, id FROM {table} WHERE is_active AND phone IN ({_in(phones)})",
            phones,
        )
    )


def _checkin_tps(parsed) -> dict[str, tuple[int, int, str]]:
    codes = {r.tps_code for r in parsed if isinstance(r, fieldcode.Checkin)}
    if not codes:
        return {}
    rows = _fetch(
        f"SELECT t.code, t.id, t.desa_id, r.code_nodot FROM {TPS._meta.db_table} t "
        f"JOIN {Region._meta.db_table} r ON r.id = t.desa_id "
        f"WHERE t.code IN ({_in(codes)})",
        codes,
    )
    return {code: (pk, desa, area) for code, pk, desa, area in rows}


def _process_safely(items: list[Incoming], ids: list[int]) -> list[Result]:
    try:
        with transaction.atomic():
            return _process(items, ids)
    except Exception:
        log.exception("processing %d inbound messages failed; kept pending", len(ids))
        reply = "Pesan diterima ({}) dan akan diperiksa petugas desk."
        return [
            Result(pk, ParseStatus.PENDING.value, "", reply.format(f"M{pk:07d}"), False)
            for pk in ids
        ]


def _process(items: list[Incoming], ids: list[int]) -> list[Result]:
    parsed = [fieldcode.parse(item.body) for item in items]
    reporters = _reporters(items)
    tps_rows = _checkin_tps(parsed)
    others = _other_tps(parsed)
    now = timezone.now()
    checkins, updates, results = [], [], []
    for item, pk, result in zip(items, ids, parsed, strict=True):
        reporter_id = reporters.get(item.sender)
        if isinstance(result, fieldcode.Checkin) and result.tps_code in tps_rows:
            tps_id, desa_id, area = tps_rows[result.tps_code]
            at = reported_at(item.sent_at or now, result.time_hhmm)
            checkins.append((tps_id, result.stage, at, pk, reporter_id, now))
            reply = checkin_reply(f"M{pk:07d}", result.tps_code, result.stage, at)
            parsed_json = (
                f'{{"tps_code": "{result.tps_code}", "stage": "{result.stage}", '
                f'"time_hhmm": {json.dumps(result.time_hhmm)}}}'
            )
            row = (ParseStatus.PARSED.value, "checkin", reply, "", parsed_json,
                   tps_id, desa_id, area, reporter_id)
            incident = None
        else:
            row = _other(item, pk, result, reporter_id, others, now)
            incident = json.loads(row[4] or "{}").get("incident_id")
        updates.append((*row, pk))
        results.append(Result(pk, row[0], row[1], row[2], False, incident))
    _insert_checkins(checkins)
    _update_outcomes(updates)
    _queue_replies(items, results)
    return results


def _queue_replies(items: list[Incoming], results: list[Result]) -> None:
    """WhatsApp and Telegram replies go out through the outbound worker."""
    OutboundMessage.objects.bulk_create(
        OutboundMessage(
            channel=item.channel, recipient=item.reply_to, body=result.reply,
            inbound_id=result.id, meta=item.meta,
        )
        for item, result in zip(items, results, strict=True)
        if result.reply and item.reply_to and item.channel in QUEUED_REPLY_CHANNELS
    )


def _other_tps(parsed) -> dict[str, TPS]:
    """TPS objects for the messages that are not plain check-ins (few)."""
    codes = set()
    for result in parsed:
        if isinstance(result, fieldcode.Checkin):
            continue
        code = getattr(result, "tps_code", None) or getattr(result, "place_code", "")
        if code and len(code) == 13:
            codes.add(code)
    if not codes:
        return {}
    return {t.code: t for t in TPS.objects.select_related("desa").filter(code__in=codes)}


def _other(item, pk, result, reporter_id, tps_cache, now) -> tuple:
    """Everything but a check-in on a known TPS: the single-message rules."""
    message = InboundMessage(
        pk=pk, channel=item.channel, sender=item.sender, body=item.body,
        sent_at=item.sent_at, received_at=now,
    )
    reporter = Reporter.objects.get(pk=reporter_id) if reporter_id else None
    try:
        outcome: Outcome = _act(message, result, reporter, tps_cache.get)
    except Exception:
        log.exception("processing inbound message %s failed", pk)
        return (ParseStatus.PENDING.value, "", "", "internal_error", None,
                None, None, "", reporter_id)
    region = outcome.region or (outcome.tps.desa if outcome.tps else None)
    return (
        outcome.status, outcome.kind, outcome.reply, outcome.error_code,
        None if outcome.parsed is None else json.dumps(outcome.parsed),
        outcome.tps.pk if outcome.tps else None, region.pk if region else None,
        region.code_nodot if region else "", reporter_id,
    )


def _insert_checkins(rows: list[tuple]) -> None:
    if not rows:
        return
    table = TpsCheckin._meta.db_table
    columns = "tps_id, stage, reported_at, message_id, reporter_id, created_at"
    with connection.cursor() as cursor:
        if _postgres():
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest(%s::bigint[], "
                "%s::text[], %s::timestamptz[], %s::bigint[], %s::bigint[], "
                "%s::timestamptz[])",
                [list(col) for col in zip(*rows, strict=True)],
            )
            return
        dt_value = connection.ops.adapt_datetimefield_value
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s, %s)",
            [(a, b, dt_value(c), d, e, dt_value(f)) for a, b, c, d, e, f in rows],
        )


OUTCOME_COLUMNS = (
    "status", "kind", "reply", "error_code", "parsed", "tps_id", "region_id",
    "area_code", "reporter_id",
)


def _update_outcomes(rows: list[tuple]) -> None:
    if not rows:
        return
    table = InboundMessage._meta.db_table
    with connection.cursor() as cursor:
        if _postgres():
            # One statement for the whole batch: arrays joined on the id.
            types = ("text", "text", "text", "text", "text", "bigint", "bigint",
                     "text", "bigint", "bigint")
            arrays = ",".join(f"%s::{t}[]" for t in types)
            sets = ", ".join(
                f"{c} = v.{c}::jsonb" if c == "parsed" else f"{c} = v.{c}"
                for c in OUTCOME_COLUMNS
            )
            cursor.execute(
                f"UPDATE {table} AS m SET {sets} FROM unnest({arrays}) "
                f"AS v({','.join(OUTCOME_COLUMNS)}, id) WHERE m.id = v.id",
                [list(col) for col in zip(*rows, strict=True)],
            )
            return
        cursor.executemany(
            f"UPDATE {table} SET "
            + ", ".join(f"{c}=%s" for c in OUTCOME_COLUMNS)
            + " WHERE id=%s",
            rows,
        )


def handle_one(item: Incoming) -> Result:
    """One message through the same path as a batch (fewest statements)."""
    return messages_handle_batch([item])[0]
