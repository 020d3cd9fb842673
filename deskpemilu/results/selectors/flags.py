"""Reads of the flag queue: the flags of the user's scope, their counts per check,
and one flag. Always inside the user's scope (accounts.access)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet
from django.http import Http404

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import normalise_region_code
from deskpemilu.regions.models import Region, region_subtree_q
from deskpemilu.results import proposals
from deskpemilu.results.areas import in_area, sheet_value
from deskpemilu.results.checks import identities
from deskpemilu.results.models import FlagStatus, ResultSheet, SheetFlag
from deskpemilu.results.selectors.common import area_of
from deskpemilu.results.spec import field_names


def flags_visible(user: User, contest: Contest) -> QuerySet[SheetFlag]:
    """The flag queue of the user's scope (open first)."""
    tps = access.tps_visible(user).values("id")
    return (
        SheetFlag.objects.filter(contest=contest, tps_id__in=tps)
        .select_related("sheet")
        .order_by("status", "tps_code", "check_name")
    )


def open_flag_counts(user: User, contest: Contest, region: Region) -> dict[str, int]:
    """Open flags of a region the user may see (404 otherwise), per check."""
    rows = (
        SheetFlag.objects.filter(
            in_area(area_of(user, region)), contest=contest, status=FlagStatus.OPEN
        )
        .values_list("check_name")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def _filtered(
    user: User, contest: Contest, region: str, status: str
) -> QuerySet[SheetFlag]:
    """The flags of the user's scope under a region (dotted or KPU code; "" = all,
    an unreadable code none) with a status ("" = every status)."""
    qs = flags_visible(user, contest)
    if region:
        code = normalise_region_code(region)
        qs = qs.filter(region_subtree_q(code, field="tps_code")) if code else qs.none()
    return qs.filter(status=status) if status else qs


def flag_queue(
    user: User,
    contest: Contest,
    *,
    check: str = "",
    region: str = "",
    status: str = "open",
) -> QuerySet[SheetFlag]:
    """The flags of the user's scope for the queue page and the API, filtered by
    check name, region (dotted or KPU code: the region and everything under it)
    and status ("" = every status)."""
    qs = _filtered(user, contest, region, status)
    if check:
        qs = qs.filter(check_name=check)
    return qs.select_related("tps__desa__parent", "resolved_by").order_by(
        "tps_code", "check_name", "id"
    )


def flag_for_user_or_404(user: User, flag_id: int) -> SheetFlag:
    """A flag of a TPS the user may see; 404 otherwise."""
    flag = (
        SheetFlag.objects.filter(
            pk=flag_id, tps_id__in=access.tps_visible(user).values("id")
        )
        .select_related("tps__desa")
        .first()
    )
    if flag is None:
        raise Http404("flag not found")
    return flag


def flag_check_counts(
    user: User, contest: Contest, *, region: str = "", status: str
) -> dict[str, int]:
    """Flags of the queue per check (the filter's counts)."""
    qs = _filtered(user, contest, region, status)
    return dict(qs.order_by().values_list("check_name").annotate(n=Count("id")))


def flag_proposals(
    flags: Iterable[SheetFlag], n_candidates: int
) -> dict[int, list[proposals.Proposal]]:
    """Per flag (by id): the corrections its sheet's own numbers pin that concern
    the flag (a field of its identity, or its field), from the sheet already
    loaded with the flag (no query). Flags across sources and screens get none."""
    terms = {i.check: set(i.left + i.right) for i in identities(n_candidates)}
    by_sheet: dict[int, list[proposals.Proposal]] = {}
    out: dict[int, list[proposals.Proposal]] = {}
    for flag in flags:
        sheet: ResultSheet | None = flag.sheet
        if sheet is None or flag.cross_source:
            continue
        if sheet.pk not in by_sheet:
            values = {n: sheet_value(sheet, n) for n in field_names(n_candidates)}
            by_sheet[sheet.pk] = proposals.propose(values, n_candidates)
        concern = terms.get(flag.check_name, set()) | ({flag.field} - {""})
        found = [p for p in by_sheet[sheet.pk] if p.fields & concern]
        if found:
            out[flag.pk] = found
    return out
