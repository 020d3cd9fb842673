"""Reads of incidents, always through the user's scope (accounts.access)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.access import incident_for_user_or_404, incidents_visible
from deskpemilu.accounts.models import Agency, User
from deskpemilu.incidents.deadlines import warn_window
from deskpemilu.incidents.models import (
    Assignment,
    FollowUp,
    FollowUpAttachment,
    Incident,
    IncidentEvent,
    IncidentSource,
)
from deskpemilu.incidents.similarity import distance_km, text_similarity
from deskpemilu.incidents.taxonomy import Status
from deskpemilu.incidents.workflow import deadline_state
from deskpemilu.regions.codes import normalise_region_code, widen
from deskpemilu.regions.models import Region, region_subtree_q

OPEN_STATUSES = (Status.BARU, Status.TERVERIFIKASI, Status.DITANGANI)


def agencies_covering(region: Region) -> QuerySet[Agency]:
    """Agencies that may be asked to act on an incident in `region`: those whose
    area covers it (or a region above it) and the province's own desk members.
    Any other agency's liaison could never see the incident."""
    codes = [*region.ancestor_codes(), region.code]
    return (
        Agency.objects.filter(
            Q(jurisdiction__code__in=codes)
            | Q(region__level="provinsi", desk_member=True)
        )
        .distinct()
        .order_by("region__code", "kind", "name")
    )


@dataclass(frozen=True)
class IncidentFilters:
    region: str = ""  # dotted or KPU code: the region and everything under it
    category: str = ""
    severity: str = ""
    status: str = ""
    stage: int | None = None  # Stage id
    agency: int | None = None  # Agency id among the assignments
    date_from: dt.date | None = None  # WIB dates, inclusive
    date_to: dt.date | None = None
    q: str = ""


def incident_list(user: User, filters: IncidentFilters) -> QuerySet[Incident]:
    """Incidents the user may see, filtered, newest first, ready for a list page."""
    qs = incidents_visible(user).select_related("region", "tps", "stage")
    code = normalise_region_code(filters.region) if filters.region else None
    if filters.region:
        qs = qs.filter(region_subtree_q(code, field="area_code")) if code else qs.none()
    for name in ("category", "severity", "status"):
        if value := getattr(filters, name):
            qs = qs.filter(**{name: value})
    if filters.stage:
        qs = qs.filter(stage_id=filters.stage)
    if filters.agency:
        qs = qs.filter(assignments__agency_id=filters.agency).distinct()
    tz = timezone.get_current_timezone()
    if filters.date_from:
        start = dt.datetime.combine(filters.date_from, dt.time.min, tzinfo=tz)
        qs = qs.filter(occurred_at__gte=start)
    if filters.date_to:
        end = dt.datetime.combine(filters.date_to, dt.time.min, tzinfo=tz)
        qs = qs.filter(occurred_at__lt=end + dt.timedelta(days=1))
    if filters.q:
        qs = qs.filter(
            Q(title__icontains=filters.q) | Q(description__icontains=filters.q)
        )
    return qs.order_by("-occurred_at", "-id")


def incident_counts(qs: QuerySet[Incident]) -> dict[str, dict[str, int]]:
    """Counts of a (filtered) list by status, severity and category."""
    base = qs.order_by()
    return {
        name: dict(
            base.values_list(name).annotate(n=Count("id")).values_list(name, "n")
        )
        for name in ("status", "severity", "category")
    }


def incident_detail(user: User, incident_id: int) -> Incident:
    """One incident with everything its page shows, in a fixed number of queries."""
    incident_for_user_or_404(user, incident_id)
    return (
        Incident.objects.select_related(
            "region", "tps", "stage", "created_by", "duplicate_of"
        )
        .prefetch_related(
            Prefetch(
                "sources",
                queryset=IncidentSource.objects.select_related("message").order_by(
                    "id"
                ),
            ),
            Prefetch("events", queryset=IncidentEvent.objects.select_related("actor")),
            Prefetch(
                "assignments",
                queryset=Assignment.objects.select_related(
                    "agency", "acknowledged_by"
                ).prefetch_related(
                    Prefetch(
                        "followups",
                        queryset=FollowUp.objects.select_related(
                            "actor"
                        ).prefetch_related("attachments"),
                    )
                ),
            ),
        )
        .get(pk=incident_id)
    )


def overdue_assignments(
    user: User, *, now: dt.datetime | None = None
) -> QuerySet[Assignment]:
    """Assignments past their deadline without a finished follow-up, in scope."""
    now = now or timezone.now()
    return (
        Assignment.objects.filter(
            incident__in=incidents_visible(user).filter(status__in=OPEN_STATUSES),
            done_at__isnull=True,
            deadline__lt=now,
        )
        .select_related("incident", "incident__region", "agency")
        .order_by("deadline")
    )


# The agency's side: Tugas saya, closing ------------------------------------------


def _my_open_assignments(user: User) -> QuerySet[Assignment]:
    """Open assignments of the agencies the user acts for, on incidents in scope."""
    return Assignment.objects.filter(
        access.within_scope(user, "incident__area_code"),
        agency_id__in=access.agencies_acted_for(user),
        incident__status__in=OPEN_STATUSES,
        done_at__isnull=True,
    )


@dataclass
class Tasks:
    """A liaison's open assignments, each in one group: past the deadline, due
    within the warning window, not acknowledged yet, or being worked on."""

    now: dt.datetime
    overdue: list[Assignment] = field(default_factory=list)
    due_soon: list[Assignment] = field(default_factory=list)
    new: list[Assignment] = field(default_factory=list)
    working: list[Assignment] = field(default_factory=list)

    @property
    def total(self) -> int:
        return (
            len(self.overdue) + len(self.due_soon) + len(self.new) + len(self.working)
        )


def my_tasks(user: User, *, now: dt.datetime | None = None) -> Tasks:
    """Tugas saya: the open assignments of the user's own agencies, in one query,
    soonest deadline first within each group."""
    now = now or timezone.now()
    tasks = Tasks(now=now)
    rows = (
        _my_open_assignments(user)
        .select_related("incident", "incident__region", "agency")
        .order_by("deadline", "id")
    )
    warn = warn_window()
    for assignment in rows:
        state = deadline_state(assignment.deadline, now, warn)
        if state == "late":
            tasks.overdue.append(assignment)
        elif state == "soon":
            tasks.due_soon.append(assignment)
        elif assignment.acknowledged_at is None:
            tasks.new.append(assignment)
        else:
            tasks.working.append(assignment)
    return tasks


def my_task_count(user: User, *, now: dt.datetime | None = None) -> int:
    """The header's count for a liaison: open assignments of their agencies not yet
    acknowledged or past their deadline. One query."""
    now = now or timezone.now()
    return (
        _my_open_assignments(user)
        .filter(Q(acknowledged_at__isnull=True) | Q(deadline__lt=now))
        .count()
    )


def ready_to_close(user: User) -> QuerySet[Incident]:
    """Open incidents in the user's scope that were assigned and whose every
    assigned agency has reported done: for a coordinator to close. Oldest first."""
    assignments = Assignment.objects.filter(incident=OuterRef("pk"))
    return (
        incidents_visible(user)
        .filter(status__in=OPEN_STATUSES)
        .filter(Exists(assignments), ~Exists(assignments.filter(done_at__isnull=True)))
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "assignments", queryset=Assignment.objects.select_related("agency")
            )
        )
        .order_by("updated_at", "id")
    )


@dataclass(frozen=True)
class Closing:
    """Who may close an open incident and what it waits for, for its page."""

    may_close: bool
    waiting_for: list[str]  # agencies that have not reported done
    assigned: bool
    handled: bool  # the status from which it closes ("ditangani")

    @property
    def ready(self) -> bool:
        return self.assigned and not self.waiting_for


def closing_state(
    user: User, incident: Incident, assignments: list[Assignment]
) -> Closing:
    """Why the incident can or cannot be closed now, by `user` (the incident's
    assignments as its page already read them)."""
    return Closing(
        may_close=access.can_close_incident(user, incident),
        waiting_for=[str(a.agency) for a in assignments if a.done_at is None],
        assigned=bool(assignments),
        handled=incident.status == Status.DITANGANI,
    )


def attachment_for_user_or_404(
    user: User, incident_id: int, attachment_id: int
) -> FollowUpAttachment:
    """A follow-up's attachment, for those who may see its incident; else 404."""
    incident_for_user_or_404(user, incident_id)
    found = FollowUpAttachment.objects.filter(
        pk=attachment_id, followup__assignment__incident_id=incident_id
    ).first()
    if found is None:
        raise access.Http404("attachment not found")
    return found


# Duplicates ---------------------------------------------------------------------

DUPLICATE_WINDOW = dt.timedelta(hours=12)
DUPLICATE_KM = 3.0
DUPLICATE_TEXT = 0.35


def duplicate_candidates(
    user: User, incident: Incident, limit: int = 5
) -> list[Incident]:
    """Other open incidents close in place and time with similar text: for the desk
    to confirm and merge, never merged automatically."""
    near = (
        incidents_visible(user).exclude(pk=incident.pk).exclude(status=Status.DITOLAK)
    )
    near = near.filter(
        occurred_at__gte=incident.occurred_at - DUPLICATE_WINDOW,
        occurred_at__lte=incident.occurred_at + DUPLICATE_WINDOW,
        # Same kecamatan (the whole area, for an incident placed above one).
        area_code__startswith=widen(incident.area_code, "kecamatan"),
    ).select_related("region", "tps", "stage")[:200]
    text = f"{incident.title} {incident.description}"
    scored = []
    for other in near:
        if (
            incident.lat is not None
            and incident.lng is not None
            and other.lat is not None
            and other.lng is not None
            and distance_km(incident.lat, incident.lng, other.lat, other.lng)
            > DUPLICATE_KM
        ):
            continue
        score = text_similarity(text, f"{other.title} {other.description}")
        same_category = other.category == incident.category
        if score >= DUPLICATE_TEXT or (same_category and score >= DUPLICATE_TEXT / 2):
            scored.append((score + 0.2 * same_category, other))
    scored.sort(key=lambda pair: -pair[0])
    return [other for _, other in scored[:limit]]
