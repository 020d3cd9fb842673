"""Reads of region status: the map, one region, its history, overrides, and the
statement for the record. Always inside the user's scope (accounts.access)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import BooleanField, Count, ExpressionWrapper, F, Q, QuerySet
from django.http import Http404

from deskpemilu.accounts.access import incidents_visible, regions_visible
from deskpemilu.accounts.models import User
from deskpemilu.core.timeutil import to_wib
from deskpemilu.incidents.models import Incident
from deskpemilu.regions.models import Region, region_subtree_q
from deskpemilu.situation import statement
from deskpemilu.situation import status_rules as rules
from deskpemilu.situation.models import RegionStatus, StatusChange, StatusOverride

# Region status -----------------------------------------------------------------


def region_statuses(
    user: User, *, level: str = "", within: Region | None = None
) -> QuerySet[RegionStatus]:
    """The stored status of every region the user sees (for the map), optionally one
    level only and only under `within`."""
    qs = RegionStatus.objects.filter(region__in=regions_visible(user))
    if level:
        qs = qs.filter(region_level=level)
    if within is not None:
        qs = qs.filter(region_subtree_q(within.code, field="area_code"))
    return qs.select_related("region", "override").order_by("area_code")


def region_status_map(
    user: User, *, level: str = "", within: Region | None = None
) -> list[Mapping[str, Any]]:
    """`region_statuses` as plain rows, for the map: one query, no model objects
    (1,716 regions for the province)."""
    overridden = ExpressionWrapper(
        Q(override__isnull=False), output_field=BooleanField()
    )
    return list(
        region_statuses(user, level=level, within=within).values(
            "area_code",
            "region_level",
            "level",
            "computed_level",
            "score",
            code=F("region__code"),
            name=F("region__name"),
            incidents=F("incident_count"),
            open=F("open_count"),
            significant=F("significant_count"),
            overridden=overridden,
        )
    )


def region_status(user: User, region: Region) -> RegionStatus | None:
    """The stored status of one (visible) region; None before the first recompute."""
    return (
        region_statuses(user)
        .filter(region=region)
        .select_related("override__created_by")
        .first()
    )


def region_status_history(user: User, region: Region) -> QuerySet[StatusChange]:
    """A region's status history, newest first."""
    return (
        StatusChange.objects.filter(region=region, region__in=regions_visible(user))
        .select_related("override", "actor")
        .order_by("-at", "-id")
    )


def override_for_user_or_404(user: User, override_id: int) -> StatusOverride:
    override = (
        StatusOverride.objects.filter(pk=override_id, region__in=regions_visible(user))
        .select_related("region")
        .first()
    )
    if override is None:
        raise Http404("override not found")
    return override


# Statement for the record ---------------------------------------------------------


@dataclass(frozen=True)
class Statement:
    region: Region
    start: dt.datetime
    end: dt.datetime
    text: str
    safe: bool
    total: int
    significant_count: int
    rejected: int
    by_severity: dict[str, int]
    by_status: dict[str, int]
    significant: list[Incident]
    worst_level: str | None  # the worst effective level on record in the period


def region_statement(
    user: User,
    region: Region,
    start: dt.datetime,
    end: dt.datetime,
    *,
    limit: int = 200,
) -> Statement:
    """ "Aman dan kondusif, N kejadian, tidak ada kejadian signifikan" (or the
    opposite) for the incidents that occurred in [start, end) in the region and
    below, with the significant incidents behind it (statement.py)."""
    if end <= start:
        raise ValueError("the period must end after it starts")
    incidents = incidents_visible(user).filter(
        region_subtree_q(region.code, field="area_code"),
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    rows = (
        incidents.order_by().values_list("severity", "status").annotate(n=Count("id"))
    )
    by_severity: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for severity, status, n in rows:
        by_status[status] += n
        if status not in rules.IGNORED_STATUSES:
            by_severity[severity] += n
    significant_q = Q(severity__in=settings.DESKPEMILU_STATEMENT_SIGNIFICANT) & ~Q(
        status__in=rules.IGNORED_STATUSES
    )
    total = sum(by_severity.values())
    n_significant = sum(
        by_severity[s] for s in settings.DESKPEMILU_STATEMENT_SIGNIFICANT
    )
    first, last = to_wib(start).date(), to_wib(end - dt.timedelta(microseconds=1))
    label = statement.region_label(region.kind, region.name)
    text = statement.statement_text(
        label, statement.period_text(first, last.date()), total, n_significant
    )
    significant = list(
        incidents.filter(significant_q)
        .select_related("region", "tps")
        .order_by("occurred_at", "id")[:limit]
    )
    return Statement(
        region=region,
        start=start,
        end=end,
        text=text,
        safe=n_significant == 0,
        total=total,
        significant_count=n_significant,
        rejected=sum(by_status[s] for s in rules.IGNORED_STATUSES),
        by_severity={s: by_severity[s] for s in rules.SEVERITIES},
        by_status=dict(by_status),
        significant=significant,
        worst_level=_worst_level(region, start, end),
    )


def _worst_level(region: Region, start: dt.datetime, end: dt.datetime) -> str | None:
    history = StatusChange.objects.filter(region=region)
    before = history.filter(at__lt=start).order_by("-at", "-id").first()
    levels = list(
        history.filter(at__gte=start, at__lt=end).values_list("to_level", flat=True)
    )
    if before is not None:
        levels.append(before.to_level)
    if not levels:
        return None
    return rules.LEVELS[max(rules.level_index(level) for level in levels)]
