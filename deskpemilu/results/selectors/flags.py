"""Reads of the flag queue: the flags of the user's scope, their counts per check,
and one flag. Always inside the user's scope (accounts.access)."""

from __future__ import annotations

from django.db.models import Count, QuerySet
from django.http import Http404

from deskpemilu.accounts import access
from deskpemilu.elections.models import Contest
from deskpemilu.results.models import FlagStatus, SheetFlag
from deskpemilu.results.selectors.common import in_area


def flags_visible(user, contest: Contest) -> QuerySet[SheetFlag]:
    """The flag queue of the user's scope (open first)."""
    tps = access.tps_visible(user).values("id")
    return (
        SheetFlag.objects.filter(contest=contest, tps_id__in=tps)
        .select_related("sheet")
        .order_by("status", "tps_code", "check_name")
    )


def open_flag_counts(contest: Contest, prefix: str = "") -> dict[str, int]:
    """Open flags under `prefix`, per check."""
    rows = (
        SheetFlag.objects.filter(
            in_area(prefix), contest=contest, status=FlagStatus.OPEN
        )
        .values_list("check_name")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def flag_queue(
    user, contest: Contest, *, check: str = "", prefix: str = "", status: str = "open"
) -> QuerySet[SheetFlag]:
    """The flags of the user's scope for the queue page and the API, filtered by
    check name, area (undotted prefix) and status ("" = every status)."""
    qs = flags_visible(user, contest).filter(in_area(prefix))
    if status:
        qs = qs.filter(status=status)
    if check:
        qs = qs.filter(check_name=check)
    return qs.select_related("tps__desa__parent", "resolved_by").order_by(
        "tps_code", "check_name", "id"
    )


def flag_for_user_or_404(user, flag_id: int) -> SheetFlag:
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


def flag_check_counts(user, contest: Contest, *, prefix: str, status: str) -> dict:
    """Flags of the queue per check (the filter's counts)."""
    qs = flags_visible(user, contest).filter(in_area(prefix))
    if status:
        qs = qs.filter(status=status)
    return dict(qs.order_by().values_list("check_name").annotate(n=Count("id")))
