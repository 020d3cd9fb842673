"""Reads of the desk's own work: meetings and their action items, the duty roster,
the contact directory. Each takes the user first and starts from access's scoped
querysets; a region outside the scope is 404."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from deskpemilu.accounts import access
from deskpemilu.accounts.models import Membership, User
from deskpemilu.coordination.models import (
    ActionItem,
    ActionStatus,
    Contact,
    Handover,
    Meeting,
    Shift,
)
from deskpemilu.core.timeutil import wib_date
from deskpemilu.regions.codes import ancestors, nodot, widen
from deskpemilu.regions.models import TPS, Region, region_subtree_q
from deskpemilu.situation.coverage_rules import mask_phone

# An open action item shows as "due soon" this many days before its due date.
DUE_SOON_DAYS = 2
DUE_LIMIT = 50


# Meetings and action items -----------------------------------------------------------


def meeting_list(user: User) -> QuerySet[Meeting]:
    """The meetings the user may see, newest first, with their desk's region."""
    return access.meetings_visible(user).select_related("region")


def meeting_for_user_or_404(user: User, meeting_id: int) -> Meeting:
    """One meeting with its agencies and action items (their owners, incidents and
    regions), if the user may see it; else 404."""
    items = ActionItem.objects.select_related("owner").prefetch_related(
        "incidents", "regions"
    )
    qs = (
        access.meetings_visible(user)
        .select_related("region", "created_by")
        .prefetch_related("agencies", Prefetch("action_items", queryset=items))
    )
    try:
        return qs.get(pk=meeting_id)
    except Meeting.DoesNotExist as exc:
        raise Http404("meeting not found") from exc


def action_item_for_user_or_404(user: User, item_id: int) -> ActionItem:
    qs = access.action_items_visible(user).select_related("meeting", "owner")
    try:
        return qs.get(pk=item_id)
    except ActionItem.DoesNotExist as exc:
        raise Http404("action item not found") from exc


@dataclass(frozen=True)
class DueItem:
    """An open action item on someone's list: overdue or due soon, and whether
    this user may mark it done."""

    item: ActionItem
    overdue: bool
    may_update: bool


def action_items_due(
    user: User, now: dt.datetime, *, soon_days: int = DUE_SOON_DAYS
) -> list[DueItem]:
    """Open action items of the user's scope or agency that are overdue or due
    within `soon_days` days (WIB dates), the most overdue first (at most DUE_LIMIT).
    """
    today = wib_date(now)
    qs = (
        access.action_items_visible(user)
        .filter(status=ActionStatus.OPEN, due_on__lte=today + dt.timedelta(soon_days))
        .select_related("meeting", "owner")
        .order_by("due_on", "pk")[:DUE_LIMIT]
    )
    return [
        DueItem(
            item=item,
            overdue=item.due_on < today,
            may_update=access.can_update_action_item(user, item),
        )
        for item in qs
    ]


# Duty roster and handover ------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    """A desk's roster around a moment: the shift on duty, the next ones, and the
    last handover note with the shift it was left for."""

    region: Region
    current: Shift | None
    upcoming: list[Shift]
    recent: list[Shift]
    last_handover: Handover | None
    handover_for: Shift | None  # the shift after the last handover's


def desk_roster(user: User, region: Region, now: dt.datetime) -> Roster:
    """The roster of a desk (the region's own shifts) at `now`."""
    _check_sees(user, region)
    of_desk = access.shifts_visible(user).filter(region=region)
    shifts = of_desk.prefetch_related("people")
    current = shifts.filter(starts_at__lte=now, ends_at__gt=now).first()
    upcoming = list(shifts.filter(starts_at__gt=now).order_by("starts_at")[:5])
    recent = list(shifts.filter(starts_at__lte=now).order_by("-starts_at")[:10])
    last = (
        Handover.objects.filter(shift__in=of_desk.values("pk"))
        .select_related("shift__region", "written_by", "acknowledged_by")
        .order_by("-shift__starts_at", "-pk")
        .first()
    )
    return Roster(
        region=region,
        current=current,
        upcoming=upcoming,
        recent=recent,
        last_handover=last,
        handover_for=next_shift(last.shift) if last else None,
    )


def next_shift(shift: Shift) -> Shift | None:
    """The shift of the same desk that starts next after `shift` (the one its
    handover note is left for)."""
    return (
        Shift.objects.filter(region_id=shift.region_id, starts_at__gt=shift.starts_at)
        .order_by("starts_at", "pk")
        .prefetch_related("people")
        .first()
    )


def shift_for_user_or_404(user: User, shift_id: int) -> Shift:
    qs = access.shifts_visible(user).select_related("region")
    try:
        return qs.get(pk=shift_id)
    except Shift.DoesNotExist as exc:
        raise Http404("shift not found") from exc


def handover_for_user_or_404(user: User, handover_id: int) -> Handover:
    shifts = access.shifts_visible(user).values("pk")
    qs = Handover.objects.filter(shift__in=shifts).select_related("shift__region")
    try:
        return qs.get(pk=handover_id)
    except Handover.DoesNotExist as exc:
        raise Http404("handover not found") from exc


def roster_candidates(user: User, region: Region) -> QuerySet[User]:
    """People who may be put on a desk's shift: active users with an active seat
    whose scope holds the desk's region."""
    _check_sees(user, region)
    scopes = [*ancestors(region.code), region.code]
    seated = Membership.objects.filter(is_active=True, region__code__in=scopes)
    return User.objects.filter(
        is_active=True, pk__in=seated.values("user_id")
    ).order_by("username")


# Contact directory -------------------------------------------------------------------


@dataclass(frozen=True)
class ContactLine:
    """A contact as a page shows it: the phone masked unless the user may see
    personal data."""

    name: str
    role: str
    role_label: str
    place_code: str
    place_name: str
    phone: str
    note: str


def contact_search(
    user: User, region: Region | None = None, role: str = "", text: str = ""
) -> QuerySet[Contact]:
    """Contacts of the user's scope, under a region, of a role, whose name holds a
    text; by place, role and name."""
    qs = access.contacts_visible(user).select_related("region", "tps")
    if region is not None:
        _check_sees(user, region)
        qs = qs.filter(region_subtree_q(region.code, field="place_code"))
    if role:
        qs = qs.filter(role=role)
    if text:
        qs = qs.filter(name__icontains=text)
    return qs


def contact_lines(user: User, contacts: list[Contact]) -> list[ContactLine]:
    shown = access.can_see_personal_data(user)
    return [
        ContactLine(
            name=c.name,
            role=c.role,
            role_label=c.get_role_display(),
            place_code=c.tps.code if c.tps else c.region.code,
            place_name=(f"{c.tps.name}, " if c.tps else "") + c.region.name,
            phone=c.phone if shown else mask_phone(c.phone),
            note=c.note,
        )
        for c in contacts
    ]


def contacts_for(
    user: User, region: Region, tps: TPS | None = None
) -> list[ContactLine]:
    """Whom to call about a place: the contacts of the TPS (when given), of the
    region and of every region holding it, nearest first; phones masked unless the
    user may see personal data. 404 when the region is outside the user's scope."""
    _check_sees(user, region)
    codes = [nodot(c) for c in (*ancestors(region.code), region.code)]
    place = Q(place_code__in=codes)
    if tps is not None:
        place |= Q(place_code=tps.code)
    contacts = (
        access.contacts_visible(user).filter(place).select_related("region", "tps")
    )
    ordered = sorted(contacts, key=lambda c: (-len(c.place_code), c.role, c.name))
    return contact_lines(user, ordered)


# The watchlist shows the people of the TPS and of the two levels above it: further
# up (kab/kota, province) the same names would stand on every row.
WATCHLIST_LEVELS = ("desa", "kecamatan")


def contacts_by_tps(
    user: User, region: Region, tps_list: list[TPS]
) -> dict[str, list[ContactLine]]:
    """The directory's people for each TPS of a page (by TPS code): the TPS's own
    (KPPS), its desa's (PPS, Babinsa, Bhabinkamtibmas) and its kecamatan's (PPK,
    Panwaslu), nearest first; one query for the page. 404 outside the scope."""
    _check_sees(user, region)
    wanted = {
        tps.code: [tps.code, *(widen(tps.code, level) for level in WATCHLIST_LEVELS)]
        for tps in tps_list
    }
    codes = {code for places in wanted.values() for code in places}
    if not codes:
        return {}
    found = access.contacts_visible(user).filter(place_code__in=codes)
    by_place: dict[str, list[Contact]] = {}
    for contact in found.select_related("region", "tps").order_by("role", "name"):
        by_place.setdefault(contact.place_code, []).append(contact)
    return {
        tps: contact_lines(
            user, [c for place in places for c in by_place.get(place, [])]
        )
        for tps, places in wanted.items()
    }


def _check_sees(user: User, region: Region) -> None:
    if not access.access_for(user).sees_code(region.code):
        raise Http404("region not found")
