"""Writes for incidents: create, edit, move through the workflow, assign, acknowledge,
follow up, escalate, merge. Each service owns its transaction, locks the incident row
for state changes, checks the version the user saw, and appends to the history.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.models import Agency, User
from deskpemilu.core.errors import DeskError
from deskpemilu.core.events import announce
from deskpemilu.elections.models import Election, Stage
from deskpemilu.elections.selectors import election_current, election_stage_at
from deskpemilu.incidents import attachments
from deskpemilu.incidents.models import (
    Assignment,
    FollowUp,
    FollowUpAttachment,
    Incident,
    IncidentEvent,
    IncidentSource,
    SourceKind,
)
from deskpemilu.incidents.selectors import agencies_covering
from deskpemilu.incidents.taxonomy import Category, RejectReason, Severity, Status
from deskpemilu.incidents.workflow import (
    ALL_DONE_MOVES,
    LIAISON,
    TransitionRefused,
    check_transition,
)
from deskpemilu.regions.codes import is_within
from deskpemilu.regions.geometry import point_in
from deskpemilu.regions.models import TPS, Boundary, Region

if TYPE_CHECKING:
    from deskpemilu.intake.models import InboundMessage

FUTURE_TOLERANCE = dt.timedelta(minutes=5)
CASE_NUMBER_LENGTH = 60  # Assignment.case_number
EDITABLE = ("title", "description", "category", "severity", "occurred_at", "lat", "lng")


class IncidentError(DeskError):
    """A request the incident desk cannot accept; `message` is for a person
    (Indonesian)."""


class Conflict(IncidentError):
    """Someone else saved the incident first (HTTP 409)."""

    status = 409


def deadline_for(severity: str, start: dt.datetime) -> dt.datetime:
    hours = settings.DESKPEMILU_DEADLINE_HOURS[severity]
    return start + dt.timedelta(hours=hours)


def _label(actor: User | None, fallback: str) -> str:
    if actor is None:
        return fallback
    return actor.get_full_name() or actor.get_username()


def _event(incident: Incident, actor: User | None, action: str, **fields: Any) -> None:
    label = fields.pop("actor_label", "") or _label(actor, "sistem")
    label = label[: IncidentEvent._meta.get_field("actor_label").max_length]
    IncidentEvent.objects.create(
        incident=incident, actor=actor, actor_label=label, action=action, **fields
    )


def _check_place(
    region: Region | None, tps: TPS | None, lat: float | None, lng: float | None
) -> Region:
    if tps is not None:
        if region is not None and not tps.code.startswith(region.code_nodot):
            raise IncidentError(
                "tps_outside_region",
                f"TPS {tps.code} tidak berada di wilayah {region.name}.",
                "tps",
            )
        region = region or tps.desa
    if region is None:
        raise IncidentError("place_required", "Wilayah atau TPS wajib diisi.", "region")
    if (lat is None) != (lng is None):
        raise IncidentError("bad_point", "Isi lintang dan bujur sekaligus.", "lat")
    if lat is not None and lng is not None and not _point_in_region(region, lat, lng):
        raise IncidentError(
            "point_outside_region",
            f"Titik ({lat:.5f}, {lng:.5f}) berada di luar wilayah {region.name}.",
            "lat",
        )
    return region


def _point_in_region(region: Region, lat: float, lng: float) -> bool:
    # Check against the region's own outline, else the nearest ancestor that has one.
    codes = [region.code, *reversed(region.ancestor_codes())]
    outlines = dict(
        Boundary.objects.filter(region__code__in=codes).values_list(
            "region__code", "geometry"
        )
    )
    for code in codes:
        if code in outlines:
            return point_in(outlines[code], lat, lng, tolerance_m=300)
    return (
        -7.2 < lat < -5.7 and 105.0 < lng < 106.9
        if is_within(region.code, "36")
        else True
    )


def _check_time(occurred_at: dt.datetime) -> None:
    if timezone.is_naive(occurred_at):
        raise IncidentError(
            "naive_time", "Waktu kejadian perlu zona waktu.", "occurred_at"
        )
    if occurred_at > timezone.now() + FUTURE_TOLERANCE:
        raise IncidentError(
            "future_time",
            "Waktu kejadian tidak boleh di masa depan.",
            "occurred_at",
        )


def _check_choices(category: str, severity: str) -> None:
    if category not in Category.values:
        raise IncidentError(
            "bad_category", f"Kategori tidak dikenal: {category}.", "category"
        )
    if severity not in Severity.values:
        raise IncidentError(
            "bad_severity", f"Tingkat tidak dikenal: {severity}.", "severity"
        )


def _stage_at(moment: dt.datetime) -> tuple[Election | None, Stage | None]:
    election = election_current()
    if election is None:
        return None, None
    current = election_stage_at(election, moment).current
    stage = (
        Stage.objects.filter(election=election, seq=current.seq).first()
        if current
        else None
    )
    return election, stage


def incident_create(
    *,
    actor: User | None,
    category: str,
    severity: str,
    title: str,
    occurred_at: dt.datetime,
    description: str = "",
    region: Region | None = None,
    tps: TPS | None = None,
    lat: float | None = None,
    lng: float | None = None,
    channel: str = "web",
    message: InboundMessage | None = None,
    person_name: str = "",
    person_contact: str = "",
    actor_label: str = "",
) -> Incident:
    """A new incident (status baru) with its first source and history entry.

    `actor` None means the system created it from a field message of a known reporter.
    """
    _check_choices(category, severity)
    _check_time(occurred_at)
    region = _check_place(region, tps, lat, lng)
    if actor is not None:
        if not access.access_for(actor).sees_code(region.code):
            raise IncidentError(
                "region_out_of_scope", "Wilayah di luar cakupan Anda.", "region"
            )
        if not access.can_write(actor):
            raise PermissionDenied("read-only role")
    election, stage = _stage_at(occurred_at)
    with transaction.atomic():
        incident = Incident.objects.create(
            election=election,
            stage=stage,
            title=(title or description[:80] or "-")[:200],
            description=description,
            category=category,
            severity=severity,
            region=region,
            area_code=region.code_nodot,
            tps=tps,
            lat=lat,
            lng=lng,
            occurred_at=occurred_at,
            channel=channel,
            created_by=actor,
        )
        kind = (
            SourceKind.MESSAGE
            if message is not None
            else (
                SourceKind.PERSON
                if person_name or person_contact
                else SourceKind.OFFICER
            )
        )
        IncidentSource.objects.create(
            incident=incident,
            kind=kind,
            message=message,
            person_name=person_name,
            person_contact=person_contact,
        )
        _event(
            incident,
            actor,
            "created",
            to_status=Status.BARU,
            actor_label=actor_label,
            changes={"category": category, "severity": severity, "region": region.code},
        )
        if severity == Severity.KRITIS:
            announce(
                "critical_incident", incident_id=incident.pk, region_code=region.code
            )
    return incident


def _locked(actor: User, incident_id: int, version: int | None) -> Incident:
    incident = access.incident_for_user_or_404(actor, incident_id, for_update=True)
    if version is not None and incident.version != version:
        raise Conflict(
            "conflict",
            "Kejadian ini baru saja diubah orang lain. Muat ulang halaman, periksa "
            "perubahannya, lalu simpan lagi.",
        )
    return incident


def _bump(incident: Incident, fields: Iterable[str]) -> None:
    incident.version += 1
    incident.save(update_fields=[*fields, "version", "updated_at"])


def incident_update(
    *, actor: User, incident_id: int, version: int, changes: dict[str, Any]
) -> Incident:
    """Edit fields of an incident; refused (Conflict) if it changed since `version`."""
    unknown = set(changes) - set(EDITABLE) - {"region", "tps"}
    if unknown:
        raise IncidentError("bad_field", f"Kolom tidak dapat diubah: {sorted(unknown)}")
    with transaction.atomic():
        incident = _locked(actor, incident_id, version)
        if not access.can_edit_incident(actor, incident):
            raise PermissionDenied("may not edit")
        _check_choices(
            changes.get("category", incident.category),
            changes.get("severity", incident.severity),
        )
        if "occurred_at" in changes:
            _check_time(changes["occurred_at"])
        region = _check_place(
            changes.get("region", incident.region),
            changes.get("tps", incident.tps),
            changes.get("lat", incident.lat),
            changes.get("lng", incident.lng),
        )
        if not access.access_for(actor).sees_code(region.code):
            raise IncidentError("region_out_of_scope", "Wilayah di luar cakupan Anda.")
        diff = {}
        for field, value in changes.items():
            old = getattr(incident, field)
            if old != value:
                diff[field] = [_plain(old), _plain(value)]
                setattr(incident, field, value)
        if not diff:
            return incident
        incident.area_code = region.code_nodot
        incident.region = region
        _bump(incident, [*changes, "region", "area_code"])
        _event(incident, actor, "edited", changes=diff)
    return incident


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if hasattr(value, "code"):
        return value.code
    return value


def incident_transition(
    *,
    actor: User,
    incident_id: int,
    version: int | None,
    target: str,
    reason: str = "",
    note: str = "",
) -> Incident:
    """Move an incident to another status, as the workflow table allows."""
    with transaction.atomic():
        incident = _locked(actor, incident_id, version)
        roles = access.incident_roles(actor, incident)
        try:
            check_transition(incident.status, target, roles, reason=reason)
        except TransitionRefused as refused:
            if refused.code == "role_not_allowed":
                raise PermissionDenied(refused.message) from refused
            raise IncidentError(refused.code, refused.message, "status") from refused
        if target == Status.DITOLAK and reason not in RejectReason.values:
            raise IncidentError(
                "reason_required",
                "Alasan penolakan harus hoaks, duplikat, atau di luar cakupan.",
                "reason",
            )
        previous = incident.status
        incident.status = target
        incident.reject_reason = reason if target == Status.DITOLAK else ""
        _bump(incident, ["status", "reject_reason"])
        _event(
            incident,
            actor,
            "reopened" if previous in ("selesai", "ditolak") else "status",
            from_status=previous,
            to_status=target,
            note="\n".join(p for p in (reason, note) if p),
        )
    return incident


def incident_assign(
    *,
    actor: User,
    incident_id: int,
    agency_ids: list[int],
    deadline: dt.datetime | None = None,
    note: str = "",
    version: int | None = None,
) -> list[Assignment]:
    """Ask one or more agencies to act, by a deadline (default: from the severity)."""
    with transaction.atomic():
        incident = _locked(actor, incident_id, version)
        if not access.can_assign(actor, incident):
            raise PermissionDenied("may not assign")
        if incident.status in (Status.SELESAI, Status.DITOLAK):
            raise IncidentError(
                "closed",
                "Kejadian yang sudah selesai atau ditolak tidak dapat ditugaskan.",
            )
        agencies = list(Agency.objects.filter(pk__in=agency_ids))
        if not agencies or len(agencies) != len(set(agency_ids)):
            raise IncidentError("bad_agency", "Instansi tidak dikenal.", "agencies")
        _check_agencies_cover(incident, agencies)
        now = timezone.now()
        due = deadline or deadline_for(incident.severity, now)
        created = []
        for agency in agencies:
            assignment, made = Assignment.objects.get_or_create(
                incident=incident,
                agency=agency,
                defaults={"assigned_by": actor, "deadline": due, "note": note},
            )
            if made:
                created.append(assignment)
                _event(
                    incident,
                    actor,
                    "assigned",
                    changes={
                        "agency": agency.short_name or agency.name,
                        "deadline": due.isoformat(),
                    },
                    note=note,
                )
                announce(
                    "assigned",
                    assignment_id=assignment.pk,
                    incident_id=incident.pk,
                    agency_id=agency.pk,
                )
        _bump(incident, [])
    return created


def _check_agencies_cover(incident: Incident, agencies: list[Agency]) -> None:
    covering = set(agencies_covering(incident.region).values_list("pk", flat=True))
    outside = [a for a in agencies if a.pk not in covering]
    if outside:
        names = ", ".join(str(a) for a in outside)
        raise IncidentError(
            "agency_out_of_area",
            f"{names} tidak bertugas di wilayah kejadian ini "
            f"({incident.region.name}); pilih instansi yang wilayah kerjanya "
            "mencakup tempat kejadian, atau instansi provinsi.",
            "agencies",
        )


def _assignment_for(
    actor: User, assignment_id: int, *, desk_may: bool = False
) -> Assignment:
    assignment = (
        Assignment.objects.select_for_update()
        .select_related("incident", "agency")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        raise access.Http404("assignment not found")
    incident = access.incident_for_user_or_404(actor, assignment.incident_id)
    if access.can_act_for_agency(actor, assignment.agency_id):
        return assignment
    if desk_may and access.can_assign(actor, incident):
        return assignment
    raise PermissionDenied("not this agency")
    return assignment


def assignment_acknowledge(*, actor: User, assignment_id: int) -> Assignment:
    """The agency's liaison confirms they have taken the assignment."""
    with transaction.atomic():
        assignment = _assignment_for(actor, assignment_id)
        if assignment.acknowledged_at is None:
            assignment.acknowledged_at = timezone.now()
            assignment.acknowledged_by = actor
            assignment.save(update_fields=["acknowledged_at", "acknowledged_by"])
            _event(
                assignment.incident,
                actor,
                "acknowledged",
                changes={"agency": str(assignment.agency)},
            )
    return assignment


def followup_record(
    *,
    actor: User,
    assignment_id: int,
    action: str,
    done: bool = False,
    case_number: str = "",
    attachment: File[bytes] | None = None,
) -> FollowUp:
    """A follow-up action (tindak lanjut) by the assigned agency, with the agency's
    own case number where it has one and a photo or PDF. The last agency to report
    done moves a verified incident on to "ditangani" (workflow.ALL_DONE_MOVES)."""
    if not action.strip():
        raise IncidentError(
            "action_required", "Uraian tindak lanjut wajib diisi.", "action"
        )
    case_number = case_number.strip()
    if len(case_number) > CASE_NUMBER_LENGTH:
        raise IncidentError(
            "case_number_too_long", "Nomor perkara terlalu panjang.", "case_number"
        )
    kind = _attachment_kind(attachment) if attachment is not None else ""
    # Stored before the transaction and removed if it fails; a file left by an outer
    # transaction's rollback has a random name nothing links to.
    stored = _store(attachment, kind) if attachment is not None else None
    try:
        return _followup_save(actor, assignment_id, action, done, case_number, stored)
    except BaseException:
        if stored is not None:
            stored.file.storage.delete(stored.file.name)
        raise


def _followup_save(
    actor: User,
    assignment_id: int,
    action: str,
    done: bool,
    case_number: str,
    stored: FollowUpAttachment | None,
) -> FollowUp:
    with transaction.atomic():
        assignment = _assignment_for(actor, assignment_id)
        now = timezone.now()
        followup = FollowUp.objects.create(
            assignment=assignment, actor=actor, action=action.strip(), done=done
        )
        if stored is not None:
            stored.followup = followup
            stored.save()
        updates = []
        if assignment.acknowledged_at is None:
            assignment.acknowledged_at, assignment.acknowledged_by = now, actor
            updates += ["acknowledged_at", "acknowledged_by"]
        if done and assignment.done_at is None:
            assignment.done_at = now
            updates.append("done_at")
        if case_number and case_number != assignment.case_number:
            assignment.case_number = case_number
            updates.append("case_number")
        if updates:
            assignment.save(update_fields=updates)
        changes: dict[str, Any] = {"agency": str(assignment.agency), "done": done}
        if case_number:
            changes["case_number"] = case_number
        if stored is not None:
            changes["attachment"] = stored.content_type
        _event(
            assignment.incident, actor, "followup", changes=changes, note=action.strip()
        )
        if "done_at" in updates:
            _all_done(actor, assignment.incident_id)
    return followup


def _attachment_kind(attachment: File[bytes]) -> str:
    """The checked content type of an uploaded file, or IncidentError."""
    head = attachment.read(attachments.HEAD_BYTES)
    attachment.seek(0)
    declared = getattr(attachment, "content_type", "") or ""
    try:
        return attachments.check(
            head,
            declared,
            attachment.size or 0,
            settings.DESKPEMILU_FOLLOWUP_MAX_BYTES,
        )
    except attachments.Refused as refused:
        raise IncidentError(refused.code, refused.message, "attachment") from refused


def _store(upload: File[bytes], kind: str) -> FollowUpAttachment:
    """The file stored under a random name (MEDIA_ROOT/followups/), its row not yet
    saved. Nothing the uploader chose names the stored file."""
    item = FollowUpAttachment(
        token=secrets.token_hex(16),
        content_type=kind,
        size=upload.size or 0,
        original_name=(upload.name or "").replace("\\", "/").rsplit("/", 1)[-1][:120],
    )
    item.file.save(f"x{attachments.KINDS[kind]}", upload, save=False)
    return item


def _all_done(actor: User, incident_id: int) -> None:
    """After an agency reported done: when no assigned agency is left, an incident
    still "terverifikasi" moves on (as its liaison may move it), and the history
    says every agency has finished."""
    incident = Incident.objects.select_for_update().get(pk=incident_id)
    if incident.assignments.filter(done_at__isnull=True).exists():
        return
    target = ALL_DONE_MOVES.get(incident.status)
    if target is None:
        _event(incident, actor, "all_done")
        return
    check_transition(incident.status, target, frozenset({LIAISON}))
    previous, incident.status = incident.status, target
    _bump(incident, ["status"])
    _event(
        incident,
        actor,
        "all_done",
        from_status=previous,
        to_status=target,
    )


def incident_escalate(*, actor: User, assignment_id: int, note: str = "") -> Assignment:
    """Hand an assignment up to the agency's provincial parent (Polres -> Polda)."""
    with transaction.atomic():
        assignment = _assignment_for(actor, assignment_id, desk_may=True)
        parent = assignment.agency.parent
        if parent is None:
            raise IncidentError(
                "no_parent", f"{assignment.agency} tidak punya instansi induk."
            )
        incident = assignment.incident
        upper, made = Assignment.objects.get_or_create(
            incident=incident,
            agency=parent,
            defaults={
                "assigned_by": actor,
                "deadline": deadline_for(incident.severity, timezone.now()),
                "escalated_from": assignment,
                "note": note,
            },
        )
        _event(
            incident,
            actor,
            "escalated",
            changes={"from": str(assignment.agency), "to": str(parent)},
            note=note,
        )
        if made:
            announce(
                "escalated",
                assignment_id=upper.pk,
                incident_id=incident.pk,
                agency_id=parent.pk,
                from_agency_id=assignment.agency_id,
            )
    return upper


def incident_merge(*, actor: User, primary_id: int, duplicate_id: int) -> Incident:
    """Fold a duplicate into the primary incident: every source is kept on the
    primary, and the duplicate is rejected as 'duplikat' pointing at it."""
    if primary_id == duplicate_id:
        raise IncidentError(
            "same_incident", "Kejadian tidak dapat digabung dengan dirinya."
        )
    with transaction.atomic():
        primary = _locked(actor, primary_id, None)
        duplicate = _locked(actor, duplicate_id, None)
        if not (
            access.can_edit_incident(actor, primary)
            and access.can_edit_incident(actor, duplicate)
        ):
            raise PermissionDenied("may not merge")
        have = set(
            primary.sources.exclude(message=None).values_list("message_id", flat=True)
        )
        for source in duplicate.sources.all():
            if source.message_id is None or source.message_id not in have:
                IncidentSource.objects.create(
                    incident=primary,
                    kind=source.kind,
                    message=source.message,
                    person_name=source.person_name,
                    person_contact=source.person_contact,
                    note=f"dari {duplicate.ref}",
                )
        previous = duplicate.status
        duplicate.status, duplicate.reject_reason = (
            Status.DITOLAK,
            RejectReason.DUPLIKAT,
        )
        duplicate.duplicate_of = primary
        _bump(duplicate, ["status", "reject_reason", "duplicate_of"])
        _bump(primary, [])
        _event(
            duplicate,
            actor,
            "merged",
            from_status=previous,
            to_status=Status.DITOLAK,
            changes={"into": primary.ref},
        )
        _event(primary, actor, "merged", changes={"from": duplicate.ref})
    return primary


def message_attach(*, actor: User, message_id: int, incident_id: int) -> IncidentSource:
    """Add an inbound message to an incident's sources."""
    with transaction.atomic():
        incident = _locked(actor, incident_id, None)
        if not access.can_edit_incident(actor, incident):
            raise PermissionDenied("may not edit")
        message = access.messages_visible(actor).filter(pk=message_id).first()
        if message is None:
            raise access.Http404("message not found")
        source, made = IncidentSource.objects.get_or_create(
            incident=incident, message=message, defaults={"kind": SourceKind.MESSAGE}
        )
        if made:
            _bump(incident, [])
            _event(incident, actor, "source_added", changes={"message": message.ref})
    return source


def incident_add_from_sender(
    *,
    incident_id: int,
    message: InboundMessage,
    actor_label: str,
    point: tuple[float, float] | None = None,
    note: str = "",
) -> Incident:
    """What the reporter sent after their report (a location, a photo, an edit of
    the text) added by the system: the message becomes a source, the point the
    incident's place when it has none and the point lies in its region, and the
    history says what came. Nothing the desk wrote is overwritten."""
    with transaction.atomic():
        incident = Incident.objects.select_for_update().get(pk=incident_id)
        IncidentSource.objects.get_or_create(
            incident=incident, message=message, defaults={"kind": SourceKind.MESSAGE}
        )
        fields: list[str] = []
        changes: dict[str, Any] = {"message": message.ref}
        if point is not None and incident.lat is None:
            lat, lng = point
            if _point_in_region(incident.region, lat, lng):
                incident.lat, incident.lng = lat, lng
                fields += ["lat", "lng"]
                changes |= {"lat": lat, "lng": lng}
            else:
                changes["point_outside"] = [lat, lng]
        _bump(incident, fields)
        action = "sender_edit" if note else "source_added"
        _event(
            incident, None, action, actor_label=actor_label, changes=changes, note=note
        )
    return incident
