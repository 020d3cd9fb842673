"""Writes of the desk's own work: meetings and action items, the duty roster and
its handover notes, the contact directory's import. Each checks the predicate its
page checked (PermissionDenied) and refuses what the rules do not allow with a
CoordinationError."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.models import Agency, User
from deskpemilu.coordination import contact_table, selectors
from deskpemilu.coordination.models import (
    ActionItem,
    ActionStatus,
    Contact,
    Handover,
    Meeting,
    Shift,
)
from deskpemilu.core.errors import DeskError, ImportFailed, ImportProblem
from deskpemilu.core.tabular import FileRefused
from deskpemilu.regions.codes import dotted, is_tps_code
from deskpemilu.regions.models import TPS, DataImport, Region

IN_CHUNK = 5000  # codes per IN (...) list: SQLite allows 32,766 parameters


class CoordinationError(DeskError):
    """A request the desk's coordination rules refuse; `message` is for a person
    (Indonesian)."""


class HandoverConflict(CoordinationError):
    """The handover was acknowledged already (HTTP 409)."""

    status = 409


# Meetings ----------------------------------------------------------------------------


def _desk_region(actor: User, region: Region) -> None:
    if region.level not in ("provinsi", "kabkota"):
        raise CoordinationError(
            "bad_region", "Rapat milik desk provinsi atau kabupaten/kota.", "region"
        )
    if not access.can_manage_meetings(actor, region):
        raise PermissionDenied("may not manage meetings")


def meeting_create(
    *,
    actor: User,
    region: Region,
    title: str,
    held_at: dt.datetime,
    place: str,
    agenda: str = "",
    decisions: str = "",
    agencies: Sequence[Agency] = (),
) -> Meeting:
    """Record a coordination meeting of a desk (desk staff of its region)."""
    _desk_region(actor, region)
    with transaction.atomic():
        meeting = Meeting.objects.create(
            region=region,
            area_code=region.code_nodot,
            title=title,
            held_at=held_at,
            place=place,
            agenda=agenda,
            decisions=decisions,
            created_by=actor,
        )
        meeting.agencies.set(agencies)
    return meeting


def meeting_update(
    *,
    actor: User,
    meeting_id: int,
    title: str,
    held_at: dt.datetime,
    place: str,
    agenda: str = "",
    decisions: str = "",
    agencies: Sequence[Agency] = (),
) -> Meeting:
    """Change a meeting's record (desk staff of its region; the region stays)."""
    with transaction.atomic():
        meeting = selectors.meeting_for_user_or_404(actor, meeting_id)
        if not access.can_manage_meetings(actor, meeting.region):
            raise PermissionDenied("may not manage meetings")
        meeting.title, meeting.held_at, meeting.place = title, held_at, place
        meeting.agenda, meeting.decisions = agenda, decisions
        meeting.save()
        meeting.agencies.set(agencies)
    return meeting


def action_item_add(
    *,
    actor: User,
    meeting_id: int,
    description: str,
    owner: Agency,
    due_on: dt.date,
    incident_ids: Sequence[int] = (),
    region_codes: Sequence[str] = (),
) -> ActionItem:
    """An action item decided at a meeting: what, which agency, by when, and the
    incidents and regions it is about (each one the actor can see)."""
    with transaction.atomic():
        meeting = selectors.meeting_for_user_or_404(actor, meeting_id)
        if not access.can_manage_meetings(actor, meeting.region):
            raise PermissionDenied("may not manage meetings")
        incidents = list(access.incidents_visible(actor).filter(pk__in=incident_ids))
        missing = sorted(set(incident_ids) - {i.pk for i in incidents})
        if missing:
            raise CoordinationError(
                "unknown_incident",
                "Kejadian tidak ditemukan: "
                + ", ".join(f"K{n:06d}" for n in missing)
                + ".",
                "incidents",
            )
        regions = list(access.regions_visible(actor).filter(code__in=region_codes))
        unknown = sorted(set(region_codes) - {r.code for r in regions})
        if unknown:
            raise CoordinationError(
                "unknown_region",
                "Wilayah tidak ditemukan: " + ", ".join(unknown) + ".",
                "regions",
            )
        item = ActionItem.objects.create(
            meeting=meeting, description=description, owner=owner, due_on=due_on
        )
        item.incidents.set(incidents)
        item.regions.set(regions)
    return item


def action_item_set_status(*, actor: User, item_id: int, status: str) -> ActionItem:
    """Mark an action item done or cancelled, or open again: the owner agency's
    liaison or desk staff of the meeting's desk."""
    if status not in ActionStatus.values:
        raise CoordinationError("bad_status", "Status tidak dikenal.", "status")
    with transaction.atomic():
        item = selectors.action_item_for_user_or_404(actor, item_id)
        item = (
            ActionItem.objects.select_for_update()
            .select_related("meeting", "owner")
            .get(pk=item.pk)
        )
        if not access.can_update_action_item(actor, item):
            raise PermissionDenied("may not update this action item")
        item.status = status
        closed = status != ActionStatus.OPEN
        item.closed_by = actor if closed else None
        item.closed_at = timezone.now() if closed else None
        item.save(update_fields=["status", "closed_by", "closed_at"])
    return item


# Duty roster and handover ------------------------------------------------------------


def shift_create(
    *,
    actor: User,
    region: Region,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    people: Sequence[User],
) -> Shift:
    """Put people on a desk's roster for one shift (a coordinator of the desk)."""
    if not access.can_manage_roster(actor, region):
        raise PermissionDenied("may not manage the roster")
    if ends_at <= starts_at:
        raise CoordinationError(
            "bad_shift", "Akhir giliran harus sesudah mulainya.", "ends_at"
        )
    if not people:
        raise CoordinationError("no_people", "Pilih petugas giliran.", "people")
    allowed = set(
        selectors.roster_candidates(actor, region).values_list("pk", flat=True)
    )
    if any(p.pk not in allowed for p in people):
        raise CoordinationError(
            "bad_people", "Petugas harus anggota desk wilayah ini.", "people"
        )
    with transaction.atomic():
        shift = Shift.objects.create(
            region=region,
            area_code=region.code_nodot,
            starts_at=starts_at,
            ends_at=ends_at,
            created_by=actor,
        )
        shift.people.set(people)
    return shift


def handover_write(
    *, actor: User, shift_id: int, open_matters: str, to_watch: str = ""
) -> Handover:
    """A shift's handover note (someone on the shift or a coordinator); it may be
    rewritten until the next shift has acknowledged it."""
    with transaction.atomic():
        shift = selectors.shift_for_user_or_404(actor, shift_id)
        if not access.can_write_handover(actor, shift):
            raise PermissionDenied("may not write this handover")
        if not open_matters.strip():
            raise CoordinationError(
                "empty_handover", "Tulis hal yang masih terbuka.", "open_matters"
            )
        handover = Handover.objects.select_for_update().filter(shift=shift).first()
        if handover is not None and handover.acknowledged_at is not None:
            raise HandoverConflict(
                "acknowledged",
                "Serah terima ini sudah diterima giliran berikutnya; tidak dapat "
                "diubah lagi.",
            )
        if handover is None:
            handover = Handover(shift=shift)
        handover.open_matters, handover.to_watch = open_matters, to_watch
        handover.written_by = actor
        handover.save()
    return handover


def handover_acknowledge(*, actor: User, handover_id: int) -> Handover:
    """The next shift has read the handover note: who and when are kept."""
    with transaction.atomic():
        found = selectors.handover_for_user_or_404(actor, handover_id)
        handover = (
            Handover.objects.select_for_update()
            .select_related("shift__region")
            .get(pk=found.pk)
        )
        if not access.can_acknowledge_handover(
            actor, handover, selectors.next_shift(handover.shift)
        ):
            raise PermissionDenied("not the next shift")
        if handover.acknowledged_at is not None:
            raise HandoverConflict(
                "acknowledged", "Serah terima ini sudah diterima sebelumnya."
            )
        handover.acknowledged_by, handover.acknowledged_at = actor, timezone.now()
        handover.save(update_fields=["acknowledged_by", "acknowledged_at"])
    return handover


# Contact directory -------------------------------------------------------------------


@dataclass(frozen=True)
class ContactImportReport:
    file: str
    rows: int
    created: int
    updated: int
    ignored_columns: tuple[str, ...]

    def __str__(self) -> str:
        text = (
            f"{self.file}: {self.rows} kontak ({self.created} baru, {self.updated} "
            "diperbarui)."
        )
        if self.ignored_columns:
            text += " Kolom diabaikan: " + ", ".join(self.ignored_columns) + "."
        return text


def contacts_import(
    *, name: str, data: bytes, actor: User | None = None
) -> ContactImportReport:
    """Create or update the contacts of a CSV/XLSX file (columns in contact_table).
    All or nothing: any bad row refuses the whole file (ImportFailed lists every
    problem with its line). The same role, place and name again is updated, so a
    file may be imported again. `actor` None is the command line; a user imports
    only places in their scope (others read as unknown)."""
    if actor is not None and not access.can_import_contacts(actor):
        raise PermissionDenied("may not import contacts")
    try:
        table = contact_table.read_table(name, data)
    except FileRefused as exc:
        raise ImportFailed([ImportProblem(name, None, exc.message)]) from exc
    problems = [
        ImportProblem(name, line, msg, value) for line, msg, value in table.problems
    ]
    places = _places(name, table.rows, actor, problems)
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: p.line or 0))
    with transaction.atomic():
        objects = [
            Contact(
                role=row.role,
                name=row.name,
                phone=row.phone,
                region=places[row.place_code][0],
                tps=places[row.place_code][1],
                place_code=row.place_code,
                note=row.note,
                source=name[:200],
            )
            for row in table.rows
        ]
        existing = _existing_count(table.rows)
        Contact.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["role", "place_code", "name"],
            update_fields=["phone", "region", "tps", "note", "source", "updated_at"],
            batch_size=1000,
        )
        DataImport.objects.create(
            kind="contacts",
            file_name=name[:300],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(objects),
            created=len(objects) - existing,
            updated=existing,
            imported_by=actor.get_username() if actor else "",
        )
    return ContactImportReport(
        name,
        len(objects),
        len(objects) - existing,
        existing,
        tuple(table.ignored_columns),
    )


def _existing_count(rows: list[contact_table.ContactRow]) -> int:
    """How many of the rows' contacts (role, place, name) are stored already."""
    keys = {(r.role, r.place_code, r.name) for r in rows}
    codes = sorted({r.place_code for r in rows})
    count = 0
    for start in range(0, len(codes), IN_CHUNK):
        stored = Contact.objects.filter(place_code__in=codes[start : start + IN_CHUNK])
        count += sum(
            1 for key in stored.values_list("role", "place_code", "name") if key in keys
        )
    return count


def _places(
    name: str,
    rows: list[contact_table.ContactRow],
    actor: User | None,
    problems: list[ImportProblem],
) -> dict[str, tuple[Region, TPS | None]]:
    """Each row's place (region, TPS) by its undotted code; a code not found, or
    outside the actor's scope, is a problem of its line."""
    tps_codes = sorted({r.place_code for r in rows if r.is_tps})
    region_codes = sorted({r.place_code for r in rows if not r.is_tps})
    found: dict[str, tuple[Region, TPS | None]] = {}
    tps_qs = access.tps_visible(actor) if actor else TPS.objects.all()
    region_qs = access.regions_visible(actor) if actor else Region.objects.all()
    for start in range(0, len(tps_codes), IN_CHUNK):
        chunk = tps_codes[start : start + IN_CHUNK]
        for tps in tps_qs.filter(code__in=chunk).select_related("desa"):
            found[tps.code] = (tps.desa, tps)
    for start in range(0, len(region_codes), IN_CHUNK):
        chunk = region_codes[start : start + IN_CHUNK]
        for region in region_qs.filter(code_nodot__in=chunk):
            found[region.code_nodot] = (region, None)
    for row in rows:
        if row.place_code not in found:
            what = "TPS" if is_tps_code(row.place_code) else "wilayah"
            shown = row.place_code if row.is_tps else dotted(row.place_code) or ""
            problems.append(
                ImportProblem(name, row.line, f"kode {what} tidak dikenal", shown)
            )
    return found
