"""The one place that decides what a user may see and change.

A user sees the regions inside the scopes of their active memberships (the province,
or one kab/kota) and everything below them; a superuser or an administrator of the
province sees everything. Objects outside the scope answer "not found" (404) so that
their existence is not revealed; a read-only role that tries to write gets 403.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from deskpemilu.accounts.models import Membership, Role, User
from deskpemilu.regions.codes import (
    depth_of,
    dotted,
    is_within,
    nodot,
    nodot_ancestors,
    normalise_region_code,
    tps_desa_code,
)
from deskpemilu.regions.models import TPS, Region, region_subtree_q, tps_subtree_q

if TYPE_CHECKING:
    from deskpemilu.coordination.models import (
        ActionItem,
        Contact,
        Handover,
        Meeting,
        Shift,
    )
    from deskpemilu.incidents.models import Incident
    from deskpemilu.intake.models import InboundMessage, Reporter
    from deskpemilu.media.models import Article
    from deskpemilu.notifications.models import Notification
    from deskpemilu.reports.models import Report
    from deskpemilu.results.models import SheetFlag

# Plain strings: a TextChoices member hashes by its name, so it would never be found
# in a set of role values read from the database.
ADMINISTRATOR, COORDINATOR, OPERATOR, LIAISON, LEADER = (
    Role.ADMINISTRATOR.value,
    Role.COORDINATOR.value,
    Role.OPERATOR.value,
    Role.LIAISON.value,
    Role.LEADER.value,
)
WRITE_ROLES = frozenset({ADMINISTRATOR, COORDINATOR, OPERATOR, LIAISON})
_CACHE_ATTR = "_deskpemilu_access"


ALL_ROLES = frozenset(Role.values)
DESK_ROLES = frozenset({ADMINISTRATOR, COORDINATOR, OPERATOR})


@dataclass(frozen=True)
class Seat:
    role: str
    scope_code: str
    agency_id: int


@dataclass(frozen=True)
class Access:
    """What one user may do, worked out once per request."""

    everything: bool
    scope_codes: tuple[str, ...]
    roles: frozenset[str]
    seats: tuple[Seat, ...] = ()

    def roles_at(self, code: str) -> frozenset[str]:
        """The user's roles that apply to a place (dotted region code)."""
        if self.everything:
            return ALL_ROLES
        return frozenset(
            seat.role for seat in self.seats if is_within(code, seat.scope_code)
        )

    def agency_ids(self) -> frozenset[int]:
        return frozenset(seat.agency_id for seat in self.seats)

    @property
    def can_write(self) -> bool:
        return self.everything or bool(self.roles & WRITE_ROLES)

    @property
    def is_admin(self) -> bool:
        return self.everything

    def sees_code(self, code: str) -> bool:
        return self.everything or any(
            is_within(code, scope) for scope in self.scope_codes
        )


def access_for(user: User | AnonymousUser) -> Access:
    """The user's access, cached on the user object for the rest of the request."""
    cached: Access | None = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    if not user.is_authenticated or not user.is_active:
        result = Access(everything=False, scope_codes=(), roles=frozenset())
    else:
        rows = list(
            Membership.objects.filter(user=user, is_active=True).values_list(
                "role", "region__code", "region__level", "agency_id"
            )
        )
        admin_of_province = any(
            role == ADMINISTRATOR and level == "provinsi" for role, _, level, _ in rows
        )
        result = Access(
            everything=user.is_superuser or admin_of_province,
            scope_codes=tuple(_outermost(sorted({code for _, code, _, _ in rows}))),
            roles=frozenset(role for role, _, _, _ in rows),
            seats=tuple(Seat(role, code, agency) for role, code, _, agency in rows),
        )
    setattr(user, _CACHE_ATTR, result)
    return result


def _outermost(codes: list[str]) -> list[str]:
    """Drop scopes that lie inside another scope of the same user."""
    kept: list[str] = []
    for code in codes:
        if not any(is_within(code, k) for k in kept):
            kept.append(code)
    return kept


def regions_visible(user: User) -> QuerySet[Region]:
    """Every region the user may see."""
    access = access_for(user)
    qs = Region.objects.all()
    if access.everything:
        return qs
    return qs.filter(_any_of(region_subtree_q(code) for code in access.scope_codes))


def tps_visible(user: User) -> QuerySet[TPS]:
    """Every TPS the user may see."""
    access = access_for(user)
    qs = TPS.objects.all()
    if access.everything:
        return qs
    return qs.filter(_any_of(tps_subtree_q(code) for code in access.scope_codes))


def scope_roots(user: User) -> list[Region]:
    """The top regions of the user's view: the province for everyone who sees it all."""
    access = access_for(user)
    if access.everything:
        return list(Region.objects.filter(level="provinsi"))
    return list(Region.objects.filter(code__in=access.scope_codes))


def region_for_user_or_404(user: User, code: str) -> Region:
    """The region of this code (dotted/KPU form) if the user may see it; else 404."""
    normal = normalise_region_code(code)
    if normal is None or not access_for(user).sees_code(normal):
        raise Http404("region not found")
    try:
        return Region.objects.get(code=normal)
    except Region.DoesNotExist as exc:
        raise Http404("region not found") from exc


def can_write(user: User) -> bool:
    return access_for(user).can_write


def can_see_personal_data(user: User | AnonymousUser) -> bool:
    """Personal data (phone numbers) is shown unmasked to administrators only."""
    return access_for(user).is_admin


def within_scope(user: User, field: str) -> Q:
    """The user's scope as a filter on an undotted code column (an incident's
    `area_code`, a result sheet's `tps_code`): one index-friendly range per scope,
    no filter at all for those who see everything."""
    access = access_for(user)
    if access.everything:
        return Q()
    return _any_of(region_subtree_q(c, field=field) for c in access.scope_codes)


def _any_of(qs: Iterable[Q]) -> Q:
    combined = Q(pk__in=[])
    for q in qs:
        combined |= q
    return combined


# Incidents and inbound messages ------------------------------------------------------


def incidents_visible(user: User) -> QuerySet[Incident]:
    """Incidents in the user's scope (by the incident's region)."""
    from deskpemilu.incidents.models import Incident

    return Incident.objects.filter(within_scope(user, "area_code"))


def incident_for_user_or_404(
    user: User, incident_id: int, *, for_update: bool = False
) -> Incident:
    """The incident if the user may see it, else 404 (out of scope looks absent)."""
    qs = incidents_visible(user)
    if for_update:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=incident_id)
    except (ValueError, TypeError, qs.model.DoesNotExist) as exc:
        raise Http404("incident not found") from exc


def messages_visible(user: User) -> QuerySet[InboundMessage]:
    """The inbox: desk staff and leaders see the messages of their scope; messages
    whose place is not known yet are seen by those with the whole province."""
    from deskpemilu.intake.models import InboundMessage

    access = access_for(user)
    qs = InboundMessage.objects.all()
    if access.everything:
        return qs
    if not access.roles & (DESK_ROLES | {LEADER}):
        return qs.none()
    scopes = [region_subtree_q(c, field="area_code") for c in access.scope_codes]
    if any(depth_of(c) == 0 for c in access.scope_codes):
        scopes.append(Q(area_code=""))
    return qs.filter(_any_of(scopes))


def can_link_sender(user: User, message: InboundMessage) -> bool:
    """Link a message's sender to a known reporter (so that their next reports
    become incidents): desk staff whose scope holds the message; a message with no
    place yet needs the whole province."""
    access = access_for(user)
    code = dotted(message.area_code) if message.area_code else None
    if code:
        return bool(access.roles_at(code) & DESK_ROLES)
    return access.everything or any(
        depth_of(seat.scope_code) == 0 and seat.role in DESK_ROLES
        for seat in access.seats
    )


def reporters_visible(user: User) -> QuerySet[Reporter]:
    """Known reporters posted in the user's scope (and, for those who see the whole
    province, reporters without a post)."""
    from deskpemilu.intake.models import Reporter

    access = access_for(user)
    qs = Reporter.objects.filter(is_active=True)
    if access.everything:
        return qs
    scopes = [
        region_subtree_q(c, field="region__code_nodot") for c in access.scope_codes
    ]
    if any(depth_of(c) == 0 for c in access.scope_codes):
        scopes.append(Q(region__isnull=True))
    return qs.filter(_any_of(scopes))


def incident_roles(user: User, incident: Incident) -> frozenset[str]:
    """The user's roles for this incident; a liaison counts only for incidents
    assigned to their own agency."""
    access = access_for(user)
    code = dotted(incident.area_code) or ""
    roles = set(access.roles_at(code))
    if LIAISON in roles and not access.everything:
        mine = access.agency_ids()
        assigned = set(incident.assignments.values_list("agency_id", flat=True))
        if not mine & assigned:
            roles.discard(LIAISON)
    return frozenset(roles)


def can_edit_incident(user: User, incident: Incident) -> bool:
    return bool(incident_roles(user, incident) & DESK_ROLES)


def can_assign(user: User, incident: Incident) -> bool:
    return bool(incident_roles(user, incident) & DESK_ROLES)


def can_act_for_agency(user: User, agency_id: int) -> bool:
    """Acknowledge or record follow-ups for an assignment to this agency: through a
    seat at that agency with a role that writes (a leader's seat is read-only)."""
    access = access_for(user)
    return access.everything or any(
        seat.agency_id == agency_id and seat.role in WRITE_ROLES
        for seat in access.seats
    )


# Situation (region status, TPS vulnerability, Polres personnel) -----------------------


def can_override_status(user: User, region: Region) -> bool:
    """Set or lift a region's status by hand: a coordinator (or an administrator)
    whose scope holds the region."""
    return bool(access_for(user).roles_at(region.code) & {ADMINISTRATOR, COORDINATOR})


def can_edit_situation_data(user: User, code: str) -> bool:
    """Edit the situation's records of a place (dotted code): a TPS's vulnerability
    indicators, the personnel of its Polres. Desk staff whose scope holds it."""
    return bool(access_for(user).roles_at(code) & DESK_ROLES)


# Results (sheets, decisions, flags, official figures, screens) ----------------------


def can_open_results_entry(user: User) -> bool:
    """Open the results desk's entry forms (C.Hasil sheets, D.Hasil figures) and send
    sheets: desk staff of any scope. Each sheet or figure is then allowed at its
    place or refused (can_write_results)."""
    return bool(access_for(user).roles & DESK_ROLES)


def can_write_results(user: User, code: str) -> bool:
    """Enter the results of a place (dotted code): a TPS's sheet (its desa's code),
    the official figures of an area. Desk staff whose scope holds the place; ""
    is the whole country, held only by those who see everything."""
    return bool(access_for(user).roles_at(code) & DESK_ROLES)


def can_decide_results(user: User, tps: TPS) -> bool:
    """Keep a value for a field of a TPS's results (a decision between its sources):
    desk staff whose scope holds the TPS."""
    return can_write_results(user, _tps_desa(tps.code))


def can_close_flag(user: User, flag: SheetFlag) -> bool:
    """Resolve or dismiss a flag on a TPS's results (results.SheetFlag): desk staff
    whose scope holds the TPS."""
    return can_write_results(user, _tps_desa(flag.tps_code))


def can_run_screens(user: User, code: str) -> bool:
    """Run the outlier screens over an area and keep their flags (dotted code; "" =
    the whole country). The screens judge whole kecamatan, so an area below one
    counts as its kecamatan: desk staff whose scope holds that."""
    return can_write_results(user, ".".join(code.split(".")[:3]))


def _tps_desa(tps_code: str) -> str:
    """The dotted desa code of a TPS code ("" when the code is not one)."""
    return dotted(tps_desa_code(tps_code)) or ""


# Agencies' tasks and closing (issue 12) ---------------------------------------


def agencies_acted_for(user: User) -> frozenset[int]:
    """The agencies whose assignments are the user's own tasks (Tugas saya): those
    of their seats with a role that writes. Unlike can_act_for_agency, seeing
    everything does not make every agency's tasks one's own."""
    return frozenset(
        seat.agency_id for seat in access_for(user).seats if seat.role in WRITE_ROLES
    )


def has_tasks(user: User) -> bool:
    """The user answers for an agency's assignments (a liaison's seat): Tugas saya
    and its count in the header are theirs."""
    return LIAISON in access_for(user).roles


def home_is_tasks(user: User) -> bool:
    """Tugas saya is the home page: for a liaison who holds no desk role (desk staff
    keep the dashboard, with Tugas saya a link away)."""
    access = access_for(user)
    return (
        LIAISON in access.roles
        and not access.roles & DESK_ROLES
        and not access.everything
    )


CLOSING_ROLES = frozenset({ADMINISTRATOR, COORDINATOR})


def can_close_incident(user: User, incident: Incident) -> bool:
    """Close an incident (move it to "selesai"): a coordinator or an administrator
    whose scope holds it, the roles of that move in incidents/workflow.py."""
    return bool(incident_roles(user, incident) & CLOSING_ROLES)


def can_see_ready_to_close(user: User) -> bool:
    """The list of incidents every assigned agency has finished ("siap ditutup"):
    those who may close them, coordinators and administrators."""
    access = access_for(user)
    return access.everything or bool(access.roles & CLOSING_ROLES)


# Coordination (meetings and action items, duty roster, contact directory) ------------


def meetings_visible(user: User) -> QuerySet[Meeting]:
    """Meetings of a desk in the user's scope, and those their agency attended or
    owes an action item to (a liaison sees what their agency was asked to do)."""
    from deskpemilu.coordination.models import ActionItem, Meeting

    access = access_for(user)
    qs = Meeting.objects.all()
    if access.everything:
        return qs
    mine = sorted(access.agency_ids())
    owed = ActionItem.objects.filter(owner_id__in=mine).values("meeting_id")
    attended = Meeting.agencies.through.objects.filter(agency_id__in=mine).values(
        "meeting_id"
    )
    return qs.filter(
        within_scope(user, "area_code") | Q(pk__in=owed) | Q(pk__in=attended)
    )


def can_manage_meetings(user: User, region: Region) -> bool:
    """Record a coordination meeting of a desk (its agenda, decisions and action
    items) and edit it: desk staff whose scope holds the desk's region."""
    return bool(access_for(user).roles_at(region.code) & DESK_ROLES)


def action_items_visible(user: User) -> QuerySet[ActionItem]:
    """Action items of meetings of the user's scope, and those their agency owns."""
    from deskpemilu.coordination.models import ActionItem

    access = access_for(user)
    qs = ActionItem.objects.all()
    if access.everything:
        return qs
    return qs.filter(
        within_scope(user, "meeting__area_code")
        | Q(owner_id__in=sorted(access.agency_ids()))
    )


def can_update_action_item(user: User, item: ActionItem) -> bool:
    """Mark an action item done (or cancelled, or open again): a writing seat at the
    owner agency (its liaison), or desk staff whose scope holds the meeting's desk."""
    if can_act_for_agency(user, item.owner_id):
        return True
    code = dotted(item.meeting.area_code) or ""
    return bool(access_for(user).roles_at(code) & DESK_ROLES)


def shifts_visible(user: User) -> QuerySet[Shift]:
    """Shifts of the desks in the user's scope."""
    from deskpemilu.coordination.models import Shift

    return Shift.objects.filter(within_scope(user, "area_code"))


def can_manage_roster(user: User, region: Region) -> bool:
    """Put people on a desk's duty roster: a coordinator (or an administrator)
    whose scope holds the desk's region."""
    return bool(access_for(user).roles_at(region.code) & {ADMINISTRATOR, COORDINATOR})


def can_write_handover(user: User, shift: Shift) -> bool:
    """Write a shift's handover note: someone on that shift, or a coordinator of
    the desk."""
    if shift.people.filter(pk=user.pk).exists():
        return True
    return can_manage_roster(user, shift.region)


def can_acknowledge_handover(
    user: User, handover: Handover, next_shift: Shift | None
) -> bool:
    """Acknowledge that a handover note was read: someone on the next shift (the
    one the note was left for), or a coordinator of the desk."""
    if next_shift is not None and next_shift.people.filter(pk=user.pk).exists():
        return True
    return can_manage_roster(user, handover.shift.region)


def contacts_visible(user: User) -> QuerySet[Contact]:
    """Field contacts posted in the user's scope (phones are personal data: see
    can_see_personal_data)."""
    from deskpemilu.coordination.models import Contact

    return Contact.objects.filter(within_scope(user, "place_code"))


def can_import_contacts(user: User) -> bool:
    """Import the contact directory (each row then only within the scope): desk
    staff of any scope."""
    return bool(access_for(user).roles & DESK_ROLES)


def can_see_sender(user: User, message: InboundMessage) -> bool:
    """A message's sender and the personal data in it unmasked: those who may see
    personal data, and the desk user who typed the message in themselves (the
    operator who took a telephone call sees the caller's number)."""
    return can_see_personal_data(user) or message.submitted_by_id == user.pk


def can_open_meeting_form(user: User) -> bool:
    """Open the form for a new coordination meeting (each meeting is then allowed at
    its desk or refused by can_manage_meetings): desk staff of any scope."""
    return bool(access_for(user).roles & DESK_ROLES)


# Media monitoring ---------------------------------------------------------------------


def articles_visible(user: User) -> QuerySet[Article]:
    """News articles about a place in the user's scope or a region holding it (a
    province-wide statement concerns every kab/kota), and those tied to no place."""
    from deskpemilu.media.models import Article

    access = access_for(user)
    qs = Article.objects.all()
    if access.everything:
        return qs
    above = sorted(
        {a for code in access.scope_codes for a in nodot_ancestors(nodot(code))}
    )
    return qs.filter(
        within_scope(user, "area_code") | Q(area_code__in=above) | Q(area_code="")
    )


def can_add_media(user: User) -> bool:
    """Paste or upload an article, add a feed, tie an article to an incident (the
    incident's own predicate still decides that): desk staff of any scope."""
    return bool(access_for(user).roles & DESK_ROLES)


# Situation reports (Laporan Situasi) --------------------------------------------------


def reports_visible(user: User) -> QuerySet[Report]:
    """Reports of a region in the user's scope (a kab/kota desk sees its own, not the
    province's)."""
    from deskpemilu.reports.models import Report

    return Report.objects.filter(within_scope(user, "area_code"))


def can_draft_report(user: User, region: Region) -> bool:
    """Draft a situation report of a region, edit a draft's recommendations and
    notes, and start a correction: desk staff whose scope holds the region."""
    return bool(access_for(user).roles_at(region.code) & DESK_ROLES)


def can_open_report_form(user: User) -> bool:
    """Open the new-report form: desk staff of any scope (the region is then
    allowed or refused by can_draft_report)."""
    return bool(access_for(user).roles & DESK_ROLES)


def can_issue_report(user: User, region: Region) -> bool:
    """Approve and issue (sign off) a report of a region: the leader of the desk
    whose scope holds it (or an administrator); the leader's one write."""
    return bool(access_for(user).roles_at(region.code) & {ADMINISTRATOR, LEADER})


def desk_reader() -> User:
    """The desk itself as a reader, for work no person asks for (the scheduled
    daily report, the command line run by the server's operator): sees everything.
    Only for the selectors: never saved, never logged in, never a service's actor
    (a write by the desk itself passes `actor=None`)."""
    reader = User(username="desk", is_active=True)
    setattr(
        reader, _CACHE_ATTR, Access(everything=True, scope_codes=(), roles=frozenset())
    )
    return reader


# Notifications -------------------------------------------------------------------


def notifications_visible(user: User) -> QuerySet[Notification]:
    """A person's own notifications: nobody reads another's bell."""
    from deskpemilu.notifications.models import Notification

    return Notification.objects.filter(user_id=user.pk)


def can_retry_deliveries(user: User) -> bool:
    """Send failed notification deliveries again by hand (the admin's action):
    administrators."""
    return access_for(user).is_admin
