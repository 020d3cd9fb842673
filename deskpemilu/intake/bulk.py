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
3. write every message with its outcome, and the check-ins of those stored
   (intake.storage, which holds intake's SQL): on PostgreSQL a batch goes by COPY
   (two COPYs: messages, check-ins); one message, SQLite, and a batch whose COPY met
   a provider id stored before go by one INSERT of a JSON document, ON CONFLICT DO
   NOTHING on the provider id (a retry is not stored twice; its first answer is
   returned);
4. reports from registered reporters become incidents through the incident service
   (few; their messages are then updated), and WhatsApp/Telegram replies are queued.
If understanding one message fails unexpectedly, that message is still stored, as
'pending', for the desk to read: a failure never costs a message.

One message on PostgreSQL (a webhook request, the API's single message) is not
wrapped in a transaction: a BEGIN and a COMMIT are two round trips more, and a
round trip is what a single message costs (docs/benchmarks.md, bench ingest run 9).
Its look-up (step 1) is one statement that writes nothing the message needs undone,
and step 3 is one statement (the message and its check-in together), which is its
own transaction and whose commit is the message's one durable commit: two round
trips in all. A message that causes more (step 4: an incident, a completion, a
report taking a waiting photo, a queued reply) is written with all it causes in one
transaction, as a batch is.
"""

from __future__ import annotations

import datetime as dt
import logging
from contextlib import nullcontext
from dataclasses import dataclass
from typing import NamedTuple, cast

from django.db import IntegrityError, transaction
from django.utils import timezone

from deskpemilu.intake import fieldcode, joining, storage
from deskpemilu.intake.models import (
    Channel,
    InboundMessage,
    MessageKind,
    OutboundMessage,
    ParseStatus,
    Reporter,
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
from deskpemilu.intake.tasks import outbound_send_soon
from deskpemilu.regions.codes import is_tps_code

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
    # A parsed report to turn into an incident.
    incident_from: fieldcode.IncidentReport | None = None
    complete: tuple | None = None  # what intake.joining does once it is stored

    def result(self, duplicate: bool = False) -> Result:
        incident = (self.parsed or {}).get("incident_id")
        return Result(self.id, self.status, self.kind, self.reply, duplicate, incident)


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
        copy = storage.by_copy(len(fresh))
        if storage.writes_alone(len(fresh)):
            results = _store_and_process(fresh, copy=False, alone=True)
        else:
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


def _store_and_process(
    items: list[Incoming], copy: bool, alone: bool = False
) -> list[Result]:
    """Steps 1-4 of the module's docstring. `alone`: called outside a
    transaction (one message on PostgreSQL); a message that writes more than its
    one statement then opens the transaction here, after its look-up."""
    now = timezone.now()
    parsed = [fieldcode.parse(item.body) for item in items]
    # `waiting`: senders with a location or photo waiting for their report (None
    # when not read with the look-ups; _complete then asks if a report needs it).
    ids, reporters, named, waiting = storage.batch_lookups(
        items, _tps_codes(parsed), now - joining.window()
    )
    originals = _edited_originals(items)
    rows = _understand(items, parsed, ids, reporters, named, now, originals)
    together = alone and _writes_more(rows, waiting)
    with transaction.atomic() if together else nullcontext():
        if copy:
            stored = storage.messages_copy(rows, now)
        else:
            stored = storage.messages_insert(rows, now)
        before = _already_stored([r.item for r in rows if r.id not in stored])
        new_rows = [r for r in rows if r.id in stored]
        _make_incidents([r for r in new_rows if r.incident_from is not None], named)
        _complete(new_rows, now, waiting)
        _queue_replies(new_rows)
    return [r.result() if r.id in stored else before[_key(r.item)] for r in rows]


def _writes_more(rows: list[_Row], waiting: set[str] | None) -> bool:
    """Whether storing these rows may write more than the statement that stores
    them with their check-ins (step 4)."""
    return any(
        row.incident_from is not None
        or row.complete is not None
        or _queues_reply(row)
        or (_may_take_media(row) and (waiting is None or row.item.sender in waiting))
        for row in rows
    )


def _key(item: Incoming) -> tuple[str, str]:
    return item.channel, item.provider_id[:120]


def _understand(
    items: list[Incoming],
    parsed: list[fieldcode.Message],
    ids: list[int],
    reporters: dict[str, int],
    named: storage.NamedTps,
    now: dt.datetime,
    originals: dict[str, tuple],
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


def _outcome(
    row: _Row, result: fieldcode.Message, named: storage.NamedTps, now: dt.datetime
) -> None:
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


def _already_stored(items: list[Incoming]) -> dict[tuple[str, str], Result]:
    """The first results of items whose provider id was stored before."""
    found = storage.first_answers(items)
    return {
        key: Result(pk, status, kind, reply, True, incident)
        for key, (pk, status, kind, reply, incident) in found.items()
    }


def _tps_codes(parsed: list[fieldcode.Message]) -> set[str]:
    """The 13-digit TPS codes the parsed texts name."""
    codes: set[str] = set()
    for result in parsed:
        code: str = getattr(result, "tps_code", "") or getattr(result, "place_code", "")
        if is_tps_code(code):
            codes.add(code)
    return codes


def _make_incidents(rows: list[_Row], named: storage.NamedTps) -> None:
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
                    # Only rows with a report come here (messages_handle_batch).
                    cast(fieldcode.IncidentReport, row.incident_from),
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


def _complete(rows: list[_Row], now: dt.datetime, waiting: set[str] | None) -> None:
    """Messages that complete another (intake.joining), and reports that take the
    sender's waiting location or photo. A failure keeps the first answer."""
    _companions_complete(rows)
    _reports_take_media(rows, now, waiting)


def _companions_complete(rows: list[_Row]) -> None:
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


def _reports_take_media(
    rows: list[_Row], now: dt.datetime, waiting: set[str] | None
) -> None:
    """Reports whose sender sent a location or photo first (`waiting`: those
    senders, or None when the look-ups did not read them)."""
    reports = [r for r in rows if _may_take_media(r)]
    if reports and waiting is None:
        senders = {r.item.sender for r in reports}
        waiting = storage.senders_with_media(senders, now - joining.window())
    if reports and waiting:
        for row in reports:
            if row.item.sender in waiting:
                try:
                    with transaction.atomic():
                        joining.report_takes_media(row.id)
                except Exception:
                    log.exception("joining media to message %s failed", row.id)


def _may_take_media(row: _Row) -> bool:
    """A report that takes its sender's waiting location or photo, if any."""
    return (
        row.kind in (_INCIDENT, _FREE)
        and bool(row.item.sender)
        and (row.complete is None)
    )


def _queues_reply(row: _Row) -> bool:
    return bool(
        row.reply and row.item.reply_to and row.item.channel in QUEUED_REPLY_CHANNELS
    )


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
        if _queues_reply(r)
    ]
    if queued:
        OutboundMessage.objects.bulk_create(queued)
        outbound_send_soon()
