"""Writes of the desk's own intake pages: the public report form, the spreadsheet
upload, and a new incident from a message in the inbox.

The rule of every channel holds here too: what was submitted is stored raw (an
InboundMessage whose `raw` is the submitted data as JSON) before anything else is
done with it, and input that cannot be used is kept, marked failed, with the reason
in Indonesian. Only a request refused as a whole before it is read (over the rate
limit, a file that is not CSV/XLSX, a file already uploaded) stores nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from deskpemilu.accounts.models import User
from deskpemilu.incidents import attachments
from deskpemilu.incidents.models import Incident
from deskpemilu.incidents.services import IncidentError, incident_create
from deskpemilu.intake import selectors, upload
from deskpemilu.intake.forms import PublicReportForm
from deskpemilu.intake.models import (
    Channel,
    InboundMessage,
    MessageAttachment,
    MessageKind,
    ParseStatus,
    Reporter,
)
from deskpemilu.intake.senders import normal_handle
from deskpemilu.regions.codes import is_tps_code, nodot
from deskpemilu.regions.models import TPS, Region

# Form fields that are not the citizen's data and are not kept.
NOT_KEPT = frozenset({"csrfmiddlewaretoken"})
OUTCOME_FIELDS = ["status", "kind", "error_code", "reply", "parsed", "tps", "region"]


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _set_place(message: InboundMessage, tps: TPS | None, region: Region | None) -> None:
    message.tps, message.region = tps, region
    message.area_code = region.code_nodot if region else ""


def _save_outcome(message: InboundMessage) -> None:
    message.save(update_fields=[*OUTCOME_FIELDS, "area_code"])


# Public report form ----------------------------------------------------------------


class TooManyReports(Exception):
    """The address sent more reports than the limit allows; nothing was stored."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


def public_report_submit(
    *, form: PublicReportForm, remote_addr: str | None
) -> InboundMessage:
    """Store a citizen's report raw, then check it (the form is bound, not validated).

    A valid report becomes a message 'parsed' as an incident report, placed in its
    kab/kota, for the desk to verify: no incident is created. An invalid one is kept
    as 'failed' (invalid_form) and the form carries the errors to show; sent again
    with the earlier report's signed reference (`draft_token`), the new report
    completes it and the earlier one steps aside ('nothing to do'), so the inbox
    holds one report. A photo that passes its own check is kept either way. Over
    DESKPEMILU_PUBLIC_FORM_LIMIT reports from one address within
    DESKPEMILU_PUBLIC_FORM_WINDOW seconds raises TooManyReports before storing.
    """
    window = settings.DESKPEMILU_PUBLIC_FORM_WINDOW
    recent = selectors.public_submissions_recent(remote_addr, window)
    if recent >= settings.DESKPEMILU_PUBLIC_FORM_LIMIT:
        raise TooManyReports(
            "Terlalu banyak laporan dari alamat internet ini dalam waktu singkat. "
            f"Silakan coba lagi dalam {max(window // 60, 1)} menit, atau hubungi desk "
            "pemilu lewat telepon."
        )
    source = form.data
    lists = source.lists() if hasattr(source, "lists") else source.items()
    data = {
        key: values[0] if isinstance(values, list) and len(values) == 1 else values
        for key, values in lists
        if key not in NOT_KEPT
    }
    sent = form.files.get("photo") if form.files else None
    if sent is not None:  # what was sent is kept with the rest, the bytes as a file
        data["photo"] = {
            "name": str(sent.name)[:120],
            "size": sent.size,
            "content_type": sent.content_type,
        }
    # Stored (committed) before anything else is done with it.
    message = InboundMessage.objects.create(
        channel=Channel.PUBLIC,
        raw=_json(data),
        body=str(data.get("description", "")),
        remote_addr=remote_addr,
    )
    with transaction.atomic():
        valid = form.is_valid()
        photo = form.cleaned_data.get("photo")
        if photo:
            _keep_photo(message, photo)
        earlier = _earlier_draft(str(data.get("draft", "")))
        if not valid:
            _public_refuse(message, form)
        else:
            _public_accept(message, form.cleaned_data)
        if earlier is not None:
            _complete_draft(earlier, message)
    return message


# A citizen completes an incomplete report within a day; the form carries the earlier
# report's reference, signed so that no one can retire another citizen's report.
DRAFT_SALT = "deskpemilu.intake.public-draft"
DRAFT_MAX_AGE = 24 * 3600


def draft_token(message: InboundMessage) -> str:
    return signing.dumps(message.pk, salt=DRAFT_SALT)


def _earlier_draft(token: str) -> InboundMessage | None:
    """The incomplete public report a resubmission completes, if the token is ours
    and the report is still waiting to be completed."""
    if not token:
        return None
    try:
        pk = signing.loads(token, salt=DRAFT_SALT, max_age=DRAFT_MAX_AGE)
    except signing.BadSignature:
        return None
    return (
        InboundMessage.objects.select_for_update()
        .filter(
            pk=pk,
            channel=Channel.PUBLIC,
            status=ParseStatus.FAILED,
            error_code="invalid_form",
        )
        .first()
    )


def _complete_draft(earlier: InboundMessage, message: InboundMessage) -> None:
    """The earlier, incomplete report steps aside (kept raw, 'nothing to do', saying
    which report completed it) and its photo moves on when none came again: the inbox
    holds one report to act on."""
    if not message.files.exists():
        earlier.files.update(message=message)
    earlier.status = ParseStatus.IGNORED
    earlier.reply = f"Dilengkapi oleh laporan {message.ref}."
    earlier.parsed = {**(earlier.parsed or {}), "completed_by": message.ref}
    earlier.save(update_fields=["status", "reply", "parsed"])
    message.parsed = {**(message.parsed or {}), "completes": earlier.ref}
    message.save(update_fields=["parsed"])


def _keep_photo(message: InboundMessage, photo: Any) -> None:
    """The checked photo stored under a random name (MEDIA_ROOT/messages/)."""
    kind = photo.checked_kind
    item = MessageAttachment(
        message=message,
        token=secrets.token_hex(16),
        content_type=kind,
        size=photo.size or 0,
        original_name=(photo.name or "").replace("\\", "/").rsplit("/", 1)[-1][:120],
    )
    item.file.save(f"x{attachments.KINDS[kind]}", photo, save=False)
    item.save()


def _public_refuse(message: InboundMessage, form: PublicReportForm) -> None:
    """Kept as 'failed' (invalid_form): what is valid still places it in its kab/kota's
    inbox; the reply lists what to correct."""
    message.status, message.error_code = ParseStatus.FAILED, "invalid_form"
    message.kind = MessageKind.INCIDENT
    message.reply = "Isian belum benar: " + "; ".join(
        f"{name}: {' '.join(map(str, errors))}" for name, errors in form.errors.items()
    )
    valid = form.cleaned_data
    message.sender, message.sender_name = valid.get("phone", ""), valid.get("name", "")
    _set_place(message, None, valid.get("kabkota"))
    message.save(update_fields=[*OUTCOME_FIELDS, "area_code", "sender", "sender_name"])


def _public_accept(message: InboundMessage, data: dict[str, Any]) -> None:
    kabkota: Region = data["kabkota"]
    occurred_at = data["occurred_at"]
    message.parsed = {
        "kabkota": kabkota.code,
        "place": data["place"],
        "place_code": _place_inside(data["place"], kabkota),
        "category": data["category"],
        "occurred_at": occurred_at.isoformat() if occurred_at else None,
        "description": data["description"],
        "name": data["name"],
        "phone": data["phone"],
    }
    message.sender, message.sender_name = data["phone"], data["name"]
    message.status, message.kind = ParseStatus.PARSED, MessageKind.INCIDENT
    message.reply = (
        f"Laporan diterima dengan nomor {message.ref}. Petugas desk pemilu akan "
        "memeriksanya."
    )
    _set_place(message, None, kabkota)
    message.save(update_fields=[*OUTCOME_FIELDS, "area_code", "sender", "sender_name"])


def _place_inside(text: str, kabkota: Region) -> str:
    """The place as a code, when the citizen wrote a known code inside the kab/kota
    (names are left for the desk to read)."""
    code = upload.place_code_of(text) if text else None
    if not code or not nodot(code).startswith(kabkota.code_nodot):
        return ""
    return code if code in _places([code]) else ""


# Places by code --------------------------------------------------------------------


def _places(codes: list[str]) -> dict[str, tuple[TPS | None, Region | None]]:
    """TPS codes and dotted region codes -> (TPS, region) for those that exist, in
    two queries."""
    tps_codes = {c for c in codes if is_tps_code(c)}
    found: dict[str, tuple[TPS | None, Region | None]] = {
        t.code: (t, t.desa)
        for t in TPS.objects.select_related("desa").filter(code__in=tps_codes)
    }
    regions = Region.objects.filter(code__in=set(codes) - tps_codes)
    found |= {r.code: (None, r) for r in regions}
    return found


# Upload ------------------------------------------------------------------------------


class UploadRefused(Exception):
    """The file as a whole was refused; nothing was stored or changed."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class RowTaken:
    row: int
    message: InboundMessage
    incident: Incident


@dataclass(frozen=True)
class RowRefused:
    row: int
    message: InboundMessage
    problems: list[upload.Problem]


@dataclass
class UploadReport:
    file_name: str
    taken: list[RowTaken] = field(default_factory=list)
    refused: list[RowRefused] = field(default_factory=list)


# incident_create's field names -> the column a person wrote them in.
COLUMN_OF = {
    "occurred_at": "waktu",
    "region": "kode_tempat",
    "tps": "kode_tempat",
    "lat": "kode_tempat",
    "category": "kategori",
    "severity": "tingkat",
}


def upload_process(*, actor: User, file_name: str, data: bytes) -> UploadReport:
    """Many incident reports from a CSV or XLSX file, row by row.

    Every row is first stored raw as an 'upload' message; each valid row then becomes
    an incident through the incident service (which checks the time, the place and
    the user's scope) with that message as its source; a refused row is marked
    failed with its reasons. Raises UploadRefused, with nothing stored, for a file
    that cannot be read as a whole (see `upload.read_table`) or was uploaded before.
    """
    try:
        rows = upload.read_table(file_name, data)
    except upload.FileRefused as refused:
        raise UploadRefused(refused.message) from refused
    if not rows:
        raise UploadRefused("Berkas tidak berisi baris laporan di bawah baris judul.")
    digest = hashlib.sha256(data).hexdigest()[:32]
    messages = _store_rows(actor, file_name, digest, rows)
    cleaned = [upload.clean_row(values) for _, values in rows]
    places = _places([c.place_code for c in cleaned if c.place_code])
    report = UploadReport(file_name)
    for (number, _), message, row in zip(rows, messages, cleaned, strict=True):
        tps, region = places.get(row.place_code, (None, None))
        if row.place_code and region is None:
            what = "TPS" if is_tps_code(row.place_code) else "wilayah"
            row.refuse(
                "kode_tempat",
                row.place_code,
                "unknown_place",
                f"Kode {what} {row.place_code} tidak terdaftar.",
            )
        _set_place(message, tps, region)
        outcome = _upload_row(actor, message, row, tps, region)
        if isinstance(outcome, Incident):
            report.taken.append(RowTaken(number, message, outcome))
        else:
            report.refused.append(RowRefused(number, message, outcome))
    return report


def _store_rows(
    actor: User, file_name: str, digest: str, rows: list[tuple[int, dict[str, str]]]
) -> list[InboundMessage]:
    """Every row raw, in one statement; a file stored before is refused."""
    if InboundMessage.objects.filter(
        channel=Channel.UPLOAD, provider_id__startswith=f"{digest}:"
    ).exists():
        raise _uploaded_before(file_name)
    now = timezone.now()
    messages = [
        InboundMessage(
            channel=Channel.UPLOAD,
            # The file's hash and the row: the same file twice is refused, not doubled.
            provider_id=f"{digest}:{number}",
            received_at=now,
            body=values.get("uraian", ""),
            raw=_json(values),
            sender=upload.contact_of(values.get("kontak", ""))[:160],
            sender_name=values.get("pelapor", "")[:120],
            submitted_by=actor,
            meta={"file": file_name[:200], "row": number},
        )
        for number, values in rows
    ]
    try:
        with transaction.atomic():
            return InboundMessage.objects.bulk_create(messages, batch_size=500)
    except IntegrityError as error:  # the same file sent twice at once
        raise _uploaded_before(file_name) from error


def _uploaded_before(file_name: str) -> UploadRefused:
    return UploadRefused(
        f"Berkas {file_name!r} sudah pernah diunggah (isinya sama persis); tidak ada "
        "yang diubah. Laporannya ada di kotak masuk, saluran unggahan."
    )


def _upload_row(
    actor: User,
    message: InboundMessage,
    row: upload.CleanRow,
    tps: TPS | None,
    region: Region | None,
) -> Incident | list[upload.Problem]:
    if not row.problems:
        assert row.occurred_at is not None  # a row without problems has its time
        try:
            with transaction.atomic():
                incident = incident_create(
                    actor=actor,
                    category=row.category,
                    severity=row.severity,
                    title=row.text[:80],
                    description=row.text,
                    region=region if tps is None else None,
                    tps=tps,
                    occurred_at=row.occurred_at,
                    channel=Channel.UPLOAD,
                    message=message,
                    person_name=row.person_name,
                    person_contact=row.person_contact,
                )
                message.status, message.kind = ParseStatus.PARSED, MessageKind.INCIDENT
                message.parsed = _row_parsed(row) | {"incident_id": incident.pk}
                message.reply = f"Menjadi kejadian {incident.ref}."
                _save_outcome(message)
            return incident
        except IncidentError as error:
            column = COLUMN_OF.get(error.field, "")
            row.refuse(column, _value_of(row, column), error.code, error.message)
    message.status, message.kind = ParseStatus.FAILED, MessageKind.INCIDENT
    message.error_code = row.problems[0].code[:40]
    message.parsed = _row_parsed(row) | {
        "problems": [
            {"column": p.column, "value": p.value, "reason": p.reason}
            for p in row.problems
        ]
    }
    message.reply = " ".join(f"{p.column}: {p.reason}" for p in row.problems)
    _save_outcome(message)
    return row.problems


def _row_parsed(row: upload.CleanRow) -> dict[str, Any]:
    return {
        "place_code": row.place_code,
        "category": row.category,
        "severity": row.severity,
        "occurred_at": row.occurred_at.isoformat() if row.occurred_at else None,
        "text": row.text,
        "person_name": row.person_name,
        "person_contact": row.person_contact,
    }


def _value_of(row: upload.CleanRow, column: str) -> str:
    if column == "waktu" and row.occurred_at:
        return f"{row.occurred_at:%Y-%m-%d %H:%M}"
    return {
        "kode_tempat": row.place_code,
        "kategori": row.category,
        "tingkat": row.severity,
    }.get(column, "")


# A new incident from a message -----------------------------------------------------


def message_incident_create(
    *,
    actor: User,
    message_id: int,
    place_code: str,
    category: str,
    severity: str,
    occurred_at: dt.datetime,
    title: str = "",
    description: str = "",
) -> Incident:
    """An incident made by desk staff from a message in their inbox, with the
    message as its source. Out of scope is 404; the incident rules (scope of the
    place, time, read-only role) are those of incidents.services.incident_create.
    """
    message = selectors.message_for_user_or_404(actor, message_id)
    code = upload.place_code_of(place_code)
    tps, region = _places([code]).get(code, (None, None)) if code else (None, None)
    if region is None:
        raise IncidentError(
            "unknown_place",
            f"Kode tempat {place_code!r} tidak terdaftar. Tulis kode TPS 13 angka "
            "atau kode wilayah (mis. 36.73.04).",
            "place_code",
        )
    try:
        return incident_create(
            actor=actor,
            category=category,
            severity=severity,
            title=title or description[:80] or message.body[:80],
            description=description,
            region=region if tps is None else None,
            tps=tps,
            occurred_at=occurred_at,
            channel=message.channel,
            message=message,
            person_name=message.sender_name,
            person_contact=message.sender,
        )
    except IncidentError as error:
        if error.field not in ("region", "tps", "lat"):
            raise
        # The place was typed as one code: show the refusal next to it.
        raise IncidentError(error.code, error.message, "place_code") from error


# Desk web form ----------------------------------------------------------------------


def _form_data(form: forms.Form) -> dict[str, Any]:
    source = form.data
    lists = source.lists() if hasattr(source, "lists") else source.items()
    return {
        key: values[0] if isinstance(values, list) and len(values) == 1 else values
        for key, values in lists
        if key not in NOT_KEPT
    }


def desk_report_submit(
    *, actor: User, form: forms.Form, remote_addr: str | None
) -> Incident | None:
    """The desk's incident form: the submission is stored raw as an inbound message
    (channel 'web', or 'telepon' with the caller's number as its sender) first, then,
    when valid, becomes an incident with that message as its source. Invalid input or
    a refusal by the incident rules marks the message failed and raises/returns so
    the form shows why; nothing typed is lost."""
    data = _form_data(form)
    call = data.get("channel") == Channel.TELEPON
    message = InboundMessage.objects.create(
        channel=Channel.TELEPON if call else Channel.WEB,
        sender=normal_handle(str(data.get("caller_phone", ""))) if call else "",
        raw=_json(data),
        body=str(data.get("description", "") or data.get("title", "")),
        submitted_by=actor,
        remote_addr=remote_addr,
        kind=MessageKind.INCIDENT,
    )
    if not form.is_valid():
        message.status, message.error_code = ParseStatus.FAILED, "invalid_form"
        message.reply = "; ".join(
            f"{name}: {' '.join(map(str, errors))}"
            for name, errors in form.errors.items()
        )
        _save_outcome(message)
        return None
    fields = dict(form.cleaned_data)
    fields.pop("channel", None)
    caller = fields.pop("caller_phone", "")
    if call and not fields.get("person_contact"):
        fields["person_contact"] = caller
    try:
        incident = incident_create(
            actor=actor, message=message, channel=message.channel, **fields
        )
    except IncidentError as error:
        message.status, message.error_code = ParseStatus.FAILED, error.code[:40]
        message.reply = error.message
        _save_outcome(message)
        raise
    message.status = ParseStatus.PARSED
    message.parsed = {"incident_id": incident.pk}
    message.reply = f"Kejadian {incident.ref} tercatat."
    _set_place(message, incident.tps, incident.region)
    _save_outcome(message)
    return incident


def message_sender_link(*, actor: User, message_id: int, reporter_id: int) -> Reporter:
    """Link the sender of a message in the actor's inbox to a known reporter in the
    actor's scope: their next reports are that reporter's. Out of scope is 404, a
    role that may not is 403; a sender that cannot be a handle raises SenderError."""
    from django.core.exceptions import PermissionDenied
    from django.http import Http404

    from deskpemilu.accounts import access
    from deskpemilu.intake.services import SenderError, reporter_handle_add

    message = selectors.message_for_user_or_404(actor, message_id)
    if not access.can_link_sender(actor, message):
        raise PermissionDenied("may not link senders")
    reporter = access.reporters_visible(actor).filter(pk=reporter_id).first()
    if reporter is None:
        raise Http404("reporter not found")
    if not message.sender:
        raise SenderError("Pesan ini tidak punya pengirim yang dapat ditautkan.")
    reporter_handle_add(reporter=reporter, handle=message.sender)
    return reporter
