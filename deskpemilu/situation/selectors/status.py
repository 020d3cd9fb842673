"""Reads of region status: the map, one region, its history, overrides, and the
statement for the record. Always inside the user's scope (accounts.access)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import Any, cast

from django.conf import settings
from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from deskpemilu.accounts.access import incidents_visible, regions_visible
from deskpemilu.accounts.models import User
from deskpemilu.core.timeutil import to_wib
from deskpemilu.incidents.models import Incident
from deskpemilu.regions.models import Region, region_subtree_q
from deskpemilu.situation import statement, wording
from deskpemilu.situation import status_rules as rules_status
from deskpemilu.situation.models import (
    Level,
    RegionStatus,
    StatusChange,
    StatusOverride,
)
from deskpemilu.situation.selectors.coverage import period_coverage

# Region status -----------------------------------------------------------------


@dataclass(frozen=True)
class StatusThen:
    """A region's status at a past moment (the desk's "as of"), from its history:
    the last StatusChange written at or before it. What the history keeps is the
    level, its reason and score; the counts of that moment are not kept."""

    level: str  # "" when nothing was on record yet
    reason: str
    score: float | None
    since: dt.datetime | None  # when that entry was written
    at: dt.datetime
    overridden: bool = False  # that entry was a coordinator's decision

    def get_level_display(self) -> str:
        return str(Level(self.level).label) if self.level else ""


def statuses_then(regions: QuerySet[Region], at: dt.datetime) -> dict[int, StatusThen]:
    """The status of each region at `at`, from the status history; two queries."""
    last = Subquery(
        StatusChange.objects.filter(region=OuterRef("pk"), at__lte=at)
        .order_by("-at", "-id")
        .values("id")[:1]
    )
    latest = dict(regions.order_by().annotate(last=last).values_list("pk", "last"))
    changes = StatusChange.objects.in_bulk([pk for pk in latest.values() if pk])
    result = {}
    for region_id, change_id in latest.items():
        change = changes.get(change_id) if change_id else None
        result[region_id] = StatusThen(
            level=change.to_level if change else "",
            reason=change.said if change else "",
            score=change.score if change else None,
            since=change.at if change else None,
            at=at,
            overridden=bool(change and change.source == StatusChange.Source.OVERRIDE),
        )
    return result


def stored_is_current(computed_at: dt.datetime | None, at: dt.datetime | None) -> bool:
    """Whether a stored status is what the desk knew at `at`: it was computed then
    or before (the real now, a drill's or the demo's clock); a moment before it was
    computed is read from the history."""
    return at is None or computed_at is None or computed_at <= at


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
    user: User,
    *,
    level: str = "",
    within: Region | None = None,
    at: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    """`region_statuses` as plain rows, for the map: one query, no model objects
    (1,716 regions for the province). With `at` (a page's "as of" moment), a row
    computed after it shows the level of its history at `at`, without counts."""
    overridden = ExpressionWrapper(
        Q(override__isnull=False), output_field=BooleanField()
    )
    # Plain dicts (the rows of `later` are rewritten below).
    rows = cast(
        "list[dict[str, Any]]",
        list(
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
                region_pk=F("region_id"),
                computed=F("computed_at"),
            )
        ),
    )
    later = [r for r in rows if not stored_is_current(r["computed"], at)]
    if later and at is not None:
        then = statuses_then(
            Region.objects.filter(pk__in=[r["region_pk"] for r in later]), at
        )
        for row in later:
            past = then[row["region_pk"]]
            row.update(
                {
                    "level": past.level,
                    "computed_level": "",
                    "score": past.score,
                    "incidents": None,
                    "open": None,
                    "significant": None,
                    "overridden": past.overridden,
                }
            )
    return rows


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
    """The statement for a region and a period (statement.py), with what backs it:
    `parts` (each claim, whether it holds, its rule and its evidence), `coverage`,
    `can_state`; `to_dict()` freezes it into plain JSON values."""

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
    can_state: bool = True
    parts: tuple[statement.Part, ...] = ()
    coverage: statement.CoverageFacts = statement.CoverageFacts(required=False)
    verdict: statement.Verdict | None = None
    computed_at: dt.datetime | None = None

    def part(self, key: str) -> statement.Part:
        return next(p for p in self.parts if p.key == key)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values, to be stored in a report as it was said."""
        verdict = self.verdict.to_dict() if self.verdict else {}
        return verdict | {
            "region": {"code": self.region.code, "name": self.region.name},
            "start": to_wib(self.start).isoformat(),
            "end": to_wib(self.end).isoformat(),
            "computed_at": (
                to_wib(self.computed_at).isoformat() if self.computed_at else None
            ),
            "total": self.total,
            "significant_count": self.significant_count,
            "rejected": self.rejected,
            "by_severity": dict(self.by_severity),
            "by_status": dict(self.by_status),
            "worst_level": self.worst_level,
            "significant": [_incident_fact(i).__dict__ for i in self.significant],
        }


def statement_rules_now() -> statement.StatementRules:
    return statement.StatementRules.from_settings(settings)


def significant_q(rules: statement.StatementRules) -> Q:
    """Significant incidents (statement.py rule 1), rejected ones left out."""
    return (
        Q(severity__in=rules.significant_severities)
        | Q(category__in=rules.significant_categories)
    ) & ~Q(status__in=statement.REJECTED_STATUSES)


def region_statement(
    user: User,
    region: Region,
    start: dt.datetime,
    end: dt.datetime,
    *,
    limit: int = 200,
) -> Statement:
    """ "Aman dan kondusif; tidak ada kejadian signifikan" (or what holds of it) for
    the incidents that occurred in [start, end) in the region and below, the status
    of the region and those one level below it at `end`, and the TPS that reported
    in the period (statement.py), inside the user's scope."""
    return _statement(user, region, start, end, limit=limit)


def public_statement(region: Region, start: dt.datetime, end: dt.datetime) -> Statement:
    """The same statement for the public page: only incidents the desk verified
    (statement.VERIFIED_STATUSES) count; a new report is not yet information. The
    caller shows no titles, places or reasons (only the words and the figures)."""
    return _statement(None, region, start, end, limit=0)


def _statement(
    user: User | None,
    region: Region,
    start: dt.datetime,
    end: dt.datetime,
    *,
    limit: int,
) -> Statement:
    if end <= start:
        raise ValueError("the period must end after it starts")
    rules = statement_rules_now()
    scope = (
        Incident.objects.filter(status__in=statement.VERIFIED_STATUSES)
        if user is None
        else incidents_visible(user)
    )
    incidents = scope.filter(
        region_subtree_q(region.code, field="area_code"),
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    groups = list(
        incidents.order_by()
        .values_list("category", "severity", "status")
        .annotate(n=Count("id"))
    )
    by_severity: Counter[str] = Counter()
    by_status: Counter[str] = Counter()
    for _, severity, status, n in groups:
        by_status[status] += n
        if status not in rules_status.IGNORED_STATUSES:
            by_severity[severity] += n
    evidence_q = significant_q(rules) | (
        Q(category__in=rules.damai_categories)
        & ~Q(status__in=(*rules.handled_statuses, *statement.REJECTED_STATUSES))
    )
    evidence = list(
        incidents.filter(evidence_q)
        .select_related("region", "tps")
        .order_by("occurred_at", "id")[:limit]
    )
    first, last = to_wib(start).date(), to_wib(end - dt.timedelta(microseconds=1))
    words = wording.words()
    verdict = statement.judge(
        region=statement.region_label(region.kind, region.name, words),
        period=statement.period_text(first, last.date(), words),
        groups=groups,
        incidents=[_incident_fact(i) for i in evidence],
        regions=_regions_at(region, end) if user else _public_regions(region),
        coverage=period_coverage(user, region, start, end),
        rules=rules,
        words=words,
    )
    significant = [
        i for i in evidence if rules.is_significant(i.category, i.severity, i.status)
    ]
    counts = verdict.counts
    return Statement(
        region=region,
        start=start,
        end=end,
        text=verdict.text,
        safe=verdict.safe,
        total=counts["total"],
        significant_count=counts["significant_open"] + counts["significant_handled"],
        rejected=counts["rejected"],
        by_severity={s: by_severity[s] for s in rules_status.SEVERITIES},
        by_status=dict(by_status),
        significant=significant,
        worst_level=_worst_level(region, start, end),
        can_state=verdict.can_state,
        parts=verdict.parts,
        coverage=verdict.coverage,
        verdict=verdict,
        computed_at=timezone.now(),
    )


def _incident_fact(incident: Incident) -> statement.IncidentFact:
    return statement.IncidentFact(
        id=incident.pk,
        ref=incident.ref,
        title=incident.title,
        category=incident.category,
        severity=incident.severity,
        status=incident.status,
        region=incident.region.name if incident.region else "",
        occurred_at=to_wib(incident.occurred_at).isoformat(),
        url=reverse("incidents:detail", args=[incident.pk]),
    )


def _regions_at(region: Region, end: dt.datetime) -> list[statement.RegionFact]:
    """The region and those one level below it, each with its effective level at
    `end` (its history's last entry before then) and the override in force then."""
    level_then = Subquery(
        StatusChange.objects.filter(region=OuterRef("pk"), at__lt=end)
        .order_by("-at", "-id")
        .values("to_level")[:1]
    )
    places = list(
        Region.objects.filter(Q(pk=region.pk) | Q(parent=region))
        .annotate(level_then=level_then)
        .order_by("code")
    )
    overrides = {
        o.region_id: o
        for o in StatusOverride.objects.filter(
            Q(ended_at__isnull=True) | Q(ended_at__gt=end),
            region__in=[p.pk for p in places],
            created_at__lt=end,
            expires_at__gt=end,
        ).order_by("created_at", "id")
    }
    facts = []
    for place in places:
        override = overrides.get(place.pk)
        facts.append(
            statement.RegionFact(
                code=place.code,
                name=place.name,
                level=place.level_then or "",
                url=reverse("situation:region", args=[place.code]),
                override_level=override.level if override else "",
                override_reason=override.reason if override else "",
                override_until=(
                    to_wib(override.expires_at).isoformat() if override else ""
                ),
            )
        )
    return facts


def _public_regions(region: Region) -> list[statement.RegionFact]:
    """The region and those one level below it with their current public level
    (verified incidents only), without the coordinators' reasons."""
    places = (
        Region.objects.filter(Q(pk=region.pk) | Q(parent=region))
        .order_by("code")
        .values_list("code", "name", "status__public_level")
    )
    return [
        statement.RegionFact(code=code, name=name, level=level or "")
        for code, name, level in places
    ]


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
    return rules_status.LEVELS[max(rules_status.level_index(level) for level in levels)]
