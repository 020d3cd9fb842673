"""Intake's rules for one message: what a parsed field-code message means and the
reply it gets (a TPS check-in, an incident from a known reporter, a result sheet kept
for checking, help, or a clear Indonesian reply saying what was wrong).

Storing and processing go through `intake.bulk` (one message or a batch alike);
`message_receive` stores one message as it came, for the paths that only keep it
(an authentic request that cannot be read).
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from deskpemilu.accounts.models import Agency
from deskpemilu.core.csvio import read_rows
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents.services import IncidentError, incident_create
from deskpemilu.intake import fieldcode
from deskpemilu.intake.gsm7 import SMS_GSM7, to_gsm7
from deskpemilu.intake.models import (
    Channel,
    InboundMessage,
    MessageKind,
    ParseStatus,
    Reporter,
    ReporterHandle,
)
from deskpemilu.intake.senders import handle_or_error, phone_or_error
from deskpemilu.regions.codes import is_tps_code, level_of, normalise_region_code
from deskpemilu.regions.models import TPS, Region

log = logging.getLogger(__name__)
STAGE_WORDS = {
    "buka": "TPS dibuka",
    "tutup": "pemungutan suara ditutup",
    "hitung": "penghitungan selesai",
    "kirim": "hasil dikirim",
}
# Channels whose replies go out through the outbound queue (the others answer inline).
QUEUED_REPLY_CHANNELS = frozenset({Channel.WHATSAPP, Channel.TELEGRAM})


@dataclass
class Incoming:
    """A message as a channel adapter hands it over."""

    channel: str
    body: str
    raw: str = ""
    sender: str = ""
    provider_id: str = ""
    sender_name: str = ""
    sent_at: dt.datetime | None = None
    attachments: list[dict[str, Any]] = field(default_factory=list)
    reply_to: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    api_client_id: int | None = None
    submitted_by_id: int | None = None
    remote_addr: str | None = None


def _new_message(item: Incoming) -> InboundMessage:
    return InboundMessage(
        channel=item.channel,
        provider_id=item.provider_id[:120],
        sender=item.sender[:160],
        sender_name=item.sender_name[:120],
        sent_at=item.sent_at,
        body=item.body,
        raw=item.raw,
        attachments=item.attachments,
        reply_to=item.reply_to[:160],
        meta=item.meta,
        api_client_id=item.api_client_id,
        submitted_by_id=item.submitted_by_id,
        remote_addr=item.remote_addr,
    )


def message_receive(item: Incoming) -> tuple[InboundMessage, bool]:
    """Store the message raw, before anything else. Returns (message, created); a
    retry with a provider id already stored returns the stored message, unchanged."""
    try:
        with transaction.atomic():
            message = _new_message(item)
            message.save(force_insert=True)
        return message, True
    except IntegrityError:
        if not item.provider_id:
            raise
        existing = InboundMessage.objects.exclude(provider_id="").get(
            channel=item.channel, provider_id=item.provider_id[:120]
        )
        return existing, False


@dataclass
class Outcome:
    status: str
    kind: str
    reply: str
    error_code: str = ""
    parsed: dict[str, Any] | None = None
    tps: TPS | None = None
    region: Region | None = None


def _failed(code: str, reply: str) -> Outcome:
    return Outcome(ParseStatus.FAILED, MessageKind.UNKNOWN, reply, error_code=code)


TpsLookup = Callable[[str], TPS | None]


def _act(
    result: fieldcode.Message,
    ref: str,
    reporter: Reporter | None = None,
    message: InboundMessage | None = None,
    tps_lookup: TpsLookup | None = None,
) -> Outcome:
    """The outcome of one parsed message whose reference is `ref`. An incident
    report from a registered `reporter` becomes an incident, with the stored
    `message` as its source (both are then required)."""
    lookup = tps_lookup or _tps
    if isinstance(result, fieldcode.ParseError):
        return _failed(result.code, result.message)
    if isinstance(result, fieldcode.HelpRequest):
        return Outcome(
            ParseStatus.PARSED, MessageKind.HELP, fieldcode.HELP_TEXTS[result.topic]
        )
    # Check-ins are not handled here: intake.bulk records them set-based.
    if isinstance(result, fieldcode.IncidentReport):
        return _incident(ref, message, result, reporter, lookup)
    if isinstance(result, fieldcode.ResultReport):
        return _result(ref, result, lookup)
    return _failed("unknown", fieldcode.HELP_TEXT)


def _tps(code: str) -> TPS | None:
    return TPS.objects.select_related("desa").filter(code=code).first()


def _unknown_tps(code: str) -> Outcome:
    return _failed(
        "unknown_tps",
        f"Kode TPS {code} tidak terdaftar. Periksa 13 angka kode TPS (kode desa + "
        "nomor TPS) lalu kirim ulang.",
    )


@functools.lru_cache(maxsize=4096)  # pure; a batch asks the same few pairs often
def reported_at(moment: dt.datetime, hhmm: str | None) -> dt.datetime:
    """The moment a check-in reports: the time typed (HHMM, WIB) on the day the
    message came, or the day before when that time is still ahead."""
    if not hhmm:
        return moment
    local = moment.astimezone(WIB)
    at = local.replace(
        hour=int(hhmm[:2]), minute=int(hhmm[2:]), second=0, microsecond=0
    )
    return at if at <= local + dt.timedelta(minutes=5) else at - dt.timedelta(days=1)


def checkin_reply(ref: str, tps_code: str, stage: str, at: dt.datetime) -> str:
    return (
        f"OK {ref}: {tps_code} {STAGE_WORDS[stage]} "
        f"pukul {_clock(at)} WIB tercatat. Terima kasih."
    )


@functools.lru_cache(maxsize=4096)
def _clock(at: dt.datetime) -> str:
    return f"{at.astimezone(WIB):%H.%M}"


def unknown_sender_reply(ref: str) -> str:
    return (
        f"Laporan diterima ({ref}). Nomor Anda belum terdaftar; petugas desk "
        "akan memeriksa laporan ini."
    )


def incident_reply(ref: str, category: str, severity: str, place: str) -> str:
    """The answer to a report that became an incident; one SMS whatever the names
    (a long place name is shortened)."""
    head = f"OK {ref}: laporan {to_gsm7(category)} ({to_gsm7(severity)}) di "
    tail = " diterima desk."
    room = SMS_GSM7 - len(head) - len(tail)
    name = to_gsm7(place)
    return head + (name if len(name) <= room else name[: room - 2] + "..")[:room] + tail


def citizen_reply(ref: str) -> str:
    """The answer to a person writing in their own words (not the field code)."""
    return (
        f"Terima kasih, laporan Anda diterima dengan nomor {ref}. Petugas desk "
        "pemilu akan memeriksanya."
    )


def _place(code: str, lookup: TpsLookup) -> tuple[TPS | None, Region | None]:
    if is_tps_code(code):
        tps = lookup(code)
        return tps, (tps.desa if tps else None)
    dotted = normalise_region_code(code)
    region = Region.objects.filter(code=dotted).first() if dotted else None
    return None, region


def _incident(
    ref: str,
    message: InboundMessage | None,
    result: fieldcode.IncidentReport,
    reporter: Reporter | None,
    lookup: TpsLookup,
) -> Outcome:
    tps, region = _place(result.place_code, lookup)
    if region is None:
        what = "TPS" if level_of(result.place_code) is None else "wilayah"
        return _failed(
            "unknown_place",
            f"Kode {what} {result.place_code} tidak dikenal. Gunakan kode TPS 13 angka "
            "atau kode wilayah (mis. 36.01.01), lalu kirim ulang.",
        )
    parsed = fieldcode.as_dict(result)
    if reporter is None:
        reply = unknown_sender_reply(ref)
        return Outcome(
            ParseStatus.PARSED,
            MessageKind.INCIDENT,
            reply,
            parsed=parsed,
            tps=tps,
            region=region,
        )
    assert message is not None  # a known reporter's report comes with its message
    try:
        incident = incident_create(
            actor=None,
            category=result.category,
            severity=result.severity,
            title=result.text[:80],
            description=result.text,
            region=region,
            tps=tps,
            occurred_at=min(message.sent_at or message.received_at, timezone.now()),
            channel=message.channel,
            message=message,
            actor_label=f"{reporter.name} ({message.get_channel_display()})",
        )
    except IncidentError as error:
        return _failed(error.code, error.message)
    parsed["incident_id"] = incident.pk
    reply = incident_reply(
        incident.ref,
        incident.get_category_display(),
        incident.get_severity_display(),
        region.name,
    )
    return Outcome(
        ParseStatus.PARSED,
        MessageKind.INCIDENT,
        reply,
        parsed=parsed,
        tps=tps,
        region=region,
    )


def _result(ref: str, result: fieldcode.ResultReport, lookup: TpsLookup) -> Outcome:
    tps = lookup(result.tps_code)
    if tps is None:
        return _unknown_tps(result.tps_code)
    votes = " ".join(f"{n:02d}={v}" for n, v in enumerate(result.votes, start=1))
    reply = (
        f"OK {ref}: hasil {tps.code} diterima ({votes}, sah {result.valid}, "
        f"tidak sah {result.invalid})."
    )
    parsed = fieldcode.as_dict(result)
    parsed["votes"] = list(result.votes)
    return Outcome(
        ParseStatus.PARSED, MessageKind.RESULT, reply, parsed=parsed, tps=tps
    )


def reporter_upsert(
    *,
    phone: str,
    name: str,
    role: str,
    region: Region | None = None,
    tps: TPS | None = None,
    agency: Agency | None = None,
) -> Reporter:
    """Register or update a known sender (field officer, observer, ...)."""
    reporter, _ = Reporter.objects.update_or_create(
        phone=phone,
        defaults={
            "name": name,
            "role": role,
            "region": region or (tps.desa if tps else None),
            "tps": tps,
            "agency": agency,
            "is_active": True,
        },
    )
    return reporter


class SenderError(Exception):
    """A handle that cannot be linked; ``message`` is Indonesian."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


class HandleTaken(SenderError):
    """The handle already belongs to another reporter."""


def reporter_handle_add(*, reporter: Reporter, handle: str) -> ReporterHandle | None:
    """Let `reporter` be recognised by another handle (a second phone, ``tg:<id>``,
    ``wa:<id>``): from then on its messages on that channel are the reporter's.
    Returns the handle row (None when the handle is the reporter's own phone).
    Raises SenderError for a handle that is not one, HandleTaken when it is another
    reporter's phone or handle."""
    try:
        normal = handle_or_error(handle)
    except ValueError as error:
        raise SenderError(str(error)) from None
    if normal == reporter.phone:
        return None
    with transaction.atomic():
        owner = (
            Reporter.objects.filter(phone=normal).exclude(pk=reporter.pk).first()
            or Reporter.objects.filter(handles__handle=normal)
            .exclude(pk=reporter.pk)
            .first()
        )
        if owner is not None:
            raise HandleTaken(
                f"{normal} sudah terdaftar untuk pelapor lain ({owner.name}). "
                "Lepaskan dulu di sana, lalu tautkan lagi."
            )
        row, _ = ReporterHandle.objects.get_or_create(
            handle=normal, defaults={"reporter": reporter}
        )
    return row


REPORTER_COLUMNS = ["nama", "telepon", "peran"]


def reporters_import(*, path: Path) -> int:
    """Register or update known reporters from a CSV: columns ``nama``, ``telepon``,
    ``peran`` (field_officer, observer, village_head, kpps, other), and optionally
    ``kode_tps``, ``kode_wilayah``, ``instansi`` (agency code) and ``alamat_lain``
    (other handles separated by ``;``: a second phone, ``tg:<id>``, ``wa:<id>``).
    Numbers are normalised as everywhere else; all-or-nothing, safe to re-run."""
    from deskpemilu.intake.models import ReporterRole

    roles, problems = set(ReporterRole.values), []
    rows: list[dict[str, Any]] = []
    row: dict[str, Any]
    seen: dict[str, int] = {}
    for line, row in read_rows(path, REPORTER_COLUMNS):
        problem = _reporter_row(row, roles, seen, line)
        if isinstance(problem, str):
            problems.append(ImportProblem(path.name, line, *problem.split("|", 1)))
        else:
            rows.append(problem)
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        for row in rows:
            reporter = reporter_upsert(
                phone=row["phone"],
                name=row["name"],
                role=row["role"],
                region=row["region"],
                tps=row["tps"],
                agency=row["agency"],
            )
            for handle in row["handles"]:
                reporter_handle_add(reporter=reporter, handle=handle)
    return len(rows)


def _reporter_row(
    row: dict[str, str], roles: set[str], seen: dict[str, int], line: int
) -> dict[str, Any] | str:
    """A row's values, or its problem as ``"why|value"``."""
    try:
        phone = phone_or_error(row["telepon"])
        handles = [
            handle_or_error(h)
            for h in row.get("alamat_lain", "").split(";")
            if h.strip()
        ]
    except ValueError as error:
        return f"{error}|{row['telepon']}"
    for handle in [phone, *handles]:
        if handle in seen:
            return f"nomor atau alamat sudah dipakai di baris {seen[handle]}|{handle}"
        seen[handle] = line
    if row["peran"] not in roles:
        return f"peran tak dikenal ({', '.join(sorted(roles))})|{row['peran']}"
    tps = region = agency = None
    if row.get("kode_tps"):
        tps = TPS.objects.select_related("desa").filter(code=row["kode_tps"]).first()
        if tps is None:
            return f"kode TPS tak dikenal|{row['kode_tps']}"
    if row.get("kode_wilayah"):
        dotted_code = normalise_region_code(row["kode_wilayah"])
        region = (
            Region.objects.filter(code=dotted_code).first() if dotted_code else None
        )
        if region is None:
            return f"kode wilayah tak dikenal|{row['kode_wilayah']}"
    if row.get("instansi"):
        agency = Agency.objects.filter(code=row["instansi"]).first()
        if agency is None:
            return f"kode instansi tak dikenal|{row['instansi']}"
    if not row["nama"]:
        return "nama kosong|"
    return {
        "phone": phone,
        "handles": handles,
        "name": row["nama"],
        "role": row["peran"],
        "tps": tps,
        "region": region or (tps.desa if tps else None),
        "agency": agency,
    }
