"""Reads of the situation dashboard: tiles and charts of a region for a period, the
incidents for the map, what changed since the page last asked, and the public page.
Inside the user's scope: the caller has checked the region itself
(`access.region_for_user_or_404`); everything under a visible region is visible.

Where the counts come from: for the province, a kab/kota and a kecamatan, the day
counts kept by the situation worker (services.tally) at the grain of the region's
children (severity, status) and of the region itself (category, status), plus the
incidents reported since its last run, read straight from the incidents table by
id; a desa is small enough to count straight from the incidents table.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import zip_longest
from typing import TYPE_CHECKING, Any, TypeVar

from django.conf import settings
from django.db.models import Count, Max, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from deskpemilu.accounts.access import incidents_visible, regions_visible
from deskpemilu.accounts.models import User
from deskpemilu.core.timeutil import WIB, to_wib, wib_date
from deskpemilu.elections.models import Election, Stage
from deskpemilu.elections.selectors import election_current
from deskpemilu.incidents.models import Incident, IncidentEvent
from deskpemilu.incidents.taxonomy import Category
from deskpemilu.regions.codes import (
    CHILD_LEVEL,
    CHILD_NODOT_LENGTH,
    NODOT_LENGTH,
    subtree_range,
)
from deskpemilu.regions.models import Region, region_subtree_q
from deskpemilu.regions.selectors import region_breadcrumbs
from deskpemilu.situation import coverage_rules, statement, wording
from deskpemilu.situation import status_rules as rules
from deskpemilu.situation.models import (
    DashboardState,
    DayCategoryCount,
    DayCount,
    RegionStatus,
)
from deskpemilu.situation.selectors.status import (
    Statement,
    public_statement,
    statuses_then,
    stored_is_current,
)
from deskpemilu.situation.services.tally import TALLIED_LEVELS, WibDate

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# The day tables the dashboard reads instead of counting incidents.
_Tally = TypeVar("_Tally", DayCount, DayCategoryCount)

DEFAULT_DAYS = 7
MAX_DAYS = 400
WEEKLY_AFTER_DAYS = 62  # longer periods are charted per week
POINT_LIMIT = 2000  # incidents on the map: the latest of the period
NEW_LIMIT = 20  # new incidents listed per poll
# Incidents above the worker's last count are read by id first (a primary-key range:
# query planners otherwise pick the period or region index and walk a large part of
# the table); beyond this many the plain filter is used.
RECENT_LIMIT = 2000
# The newest incidents "Laporan baru" looks through for its first render: a busy
# desk finds its 20 in the first window (reading 2,000 rows for them cost the page
# more than the rest of the list), a quiet one goes on to the next.
NEW_WINDOWS = (200, RECENT_LIMIT)
CHILD_PREFIX = {level: NODOT_LENGTH[child] for level, child in CHILD_LEVEL.items()}
CHILD_LEVEL = {"provinsi": "kabkota", "kabkota": "kecamatan", "kecamatan": "desa"}
REJECTED = rules.IGNORED_STATUSES[0]
# The public page counts incidents the desk has checked, nothing newer.
VERIFIED_STATUSES = statement.VERIFIED_STATUSES
SEVERITY_INDEX = {name: i for i, name in enumerate(rules.SEVERITIES)}
STATUS_INDEX = {
    name: i
    for i, name in enumerate(
        (*rules.OPEN_STATUSES, *rules.CLOSED_STATUSES, *rules.IGNORED_STATUSES)
    )
}
CATEGORY_INDEX = {name: i for i, name in enumerate(Category.values)}


@dataclass(frozen=True)
class Period:
    """Whole WIB days, both ends included, optionally one stage (tahapan)."""

    date_from: dt.date
    date_to: dt.date
    stage: Stage | None = None

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.date_from, dt.time.min, tzinfo=WIB)

    @property
    def end(self) -> dt.datetime:
        return dt.datetime.combine(self.date_to, dt.time.min, tzinfo=WIB) + (
            dt.timedelta(days=1)
        )

    @property
    def days(self) -> int:
        return (self.date_to - self.date_from).days + 1


def dashboard_period(
    *,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    stage_id: int | None = None,
    today: dt.date | None = None,
) -> Period:
    """The period asked for: by default the last 7 days up to today; a stage alone
    means the stage's own dates. Ends swapped if reversed; at most 400 days."""
    stage = Stage.objects.filter(pk=stage_id).first() if stage_id else None
    if stage and not (date_from or date_to) and stage.start_date and stage.end_date:
        date_from, date_to = stage.start_date, stage.end_date
    date_to = date_to or today or wib_date(timezone.now())
    date_from = date_from or date_to - dt.timedelta(days=DEFAULT_DAYS - 1)
    if date_from > date_to:
        date_from, date_to = date_to, date_from
    date_from = max(date_from, date_to - dt.timedelta(days=MAX_DAYS - 1))
    return Period(date_from, date_to, stage)


def stage_choices(election: Election | None = None) -> list[Stage]:
    """The dated stages of the election being watched (`election`, when the caller
    has it already), for the stage filter."""
    election = election or election_current()
    if election is None:
        return []
    return list(
        election.stages.filter(start_date__isnull=False).order_by("start_date", "seq")
    )


# Where the counts come from -----------------------------------------------------


def _state() -> DashboardState | None:
    return DashboardState.objects.filter(pk=1).first()


def _incidents(user: User | None, region: Region, period: Period) -> QuerySet[Incident]:
    """The incidents of the region and period; `user` None only for the public
    page's totals, which are of the whole province."""
    qs = Incident.objects.all() if user is None else incidents_visible(user)
    qs = qs.filter(
        region_subtree_q(region.code, field="area_code"),
        occurred_at__gte=period.start,
        occurred_at__lt=period.end,
    )
    if period.stage is not None:
        qs = qs.filter(stage=period.stage)
    return qs.order_by()


def _tallied(
    qs: QuerySet[_Tally], region: Region, period: Period, grain: int
) -> QuerySet[_Tally]:
    """The counts of the region and period at `grain`. The days one by one: the
    read index goes grain, day, area, so each day is one seek to the region's range
    (a range of days would walk every area of each day: at the desa grain, all
    Banten's desa to read one kecamatan's)."""
    low, high = subtree_range(region.code)
    days = [period.date_from + dt.timedelta(days=i) for i in range(period.days)]
    qs = qs.filter(grain=grain, day__in=days, area__gte=low, area__lt=high)
    if period.stage is not None:
        qs = qs.filter(stage=period.stage)
    return qs


def _recent_ids(after: int, limit: int = RECENT_LIMIT) -> list[int] | None:
    """The ids above `after`, oldest first; None when there are more than `limit`."""
    ids = list(
        Incident.objects.filter(id__gt=after)
        .order_by("id")
        .values_list("id", flat=True)[: limit + 1]
    )
    return None if len(ids) > limit else ids


class _Since:
    """Limits incidents to the ids above the worker's last count, by an id list
    when it is short; the list is read once for all the queries of a request."""

    def __init__(self, after: int) -> None:
        self.after = after
        self._ids: list[int] | None = None
        self._read = False

    def __call__(self, incidents: QuerySet[Incident]) -> QuerySet[Incident]:
        if not self._read:
            self._ids, self._read = _recent_ids(self.after), True
        if self._ids is None:
            return incidents.filter(id__gt=self.after)
        return incidents.filter(id__in=self._ids)


def _uses_tally(region: Region, state: DashboardState | None) -> bool:
    return (
        region.level in TALLIED_LEVELS
        and state is not None
        and state.rebuilt_at is not None
    )


def _severity_rows(
    user: User | None,
    region: Region,
    period: Period,
    state: DashboardState | None,
    since: _Since | None = None,
) -> list[tuple[str, str, str, int]]:
    """(area, severity, status, count) rows covering the region and the period."""
    incidents = _incidents(user, region, period)
    rows: list[tuple[str, str, str, int]] = []
    if state is not None and _uses_tally(region, state):
        grain = CHILD_NODOT_LENGTH[region.level]
        rows += list(
            _tallied(DayCount.objects.all(), region, period, grain)
            .values_list("area", "severity", "status")
            .annotate(n=Sum("n"))
            .order_by()
        )
        incidents = (since or _Since(state.incident_id))(incidents)
    # Grouped by an expression: a bare area_code would tempt SQLite into walking the
    # area_code index of the whole table to spare a sort.
    rows += list(
        incidents.annotate(area=Substr("area_code", 1, 10))
        .values_list("area", "severity", "status")
        .annotate(n=Count("id"))
    )
    return rows


def _category_rows(
    user: User | None,
    region: Region,
    period: Period,
    state: DashboardState | None,
    statuses: tuple[str, ...] | None = None,
    since: _Since | None = None,
) -> list[tuple[dt.date, str, int]]:
    """(day, category, count) rows of the incidents not rejected (or of `statuses`)."""
    incidents = _incidents(user, region, period)
    grain = NODOT_LENGTH[region.level]
    tally = _tallied(DayCategoryCount.objects.all(), region, period, grain)
    if statuses is None:
        incidents = incidents.exclude(status=REJECTED)
        tally = tally.exclude(status=REJECTED)
    else:
        incidents = incidents.filter(status__in=statuses)
        tally = tally.filter(status__in=statuses)
    rows: list[tuple[dt.date, str, int]] = []
    if state is not None and _uses_tally(region, state):
        rows += list(
            tally.values_list("day", "category").annotate(n=Sum("n")).order_by()
        )
        incidents = (since or _Since(state.incident_id))(incidents)
    rows += list(
        incidents.annotate(d=WibDate("occurred_at"))
        .values_list("d", "category")
        .annotate(n=Count("id"))
    )
    return rows


# The summary: tiles and charts ----------------------------------------------------


def dashboard_summary(
    user: User, region: Region, period: Period, *, at: dt.datetime | None = None
) -> dict[str, Any]:
    """Everything the dashboard shows of a region and a period but the map: counts by
    severity and status, overdue follow-ups, voting-day coverage, the region's
    status, incidents over time by category, and the children with their counts.
    With `at` (a moment chosen on the page), the statuses are those of that moment
    (selectors.status.statuses_then for the regions computed after it)."""
    state = _state()
    since = _Since(state.incident_id) if state is not None else None
    child_len = CHILD_PREFIX.get(region.level)
    by_status: Counter[str] = Counter()
    by_severity: Counter[str] = Counter()
    per_child: dict[str, Counter[str]] = defaultdict(Counter)
    for area, severity, status, n in _severity_rows(user, region, period, state, since):
        by_status[status] += n
        if status == REJECTED:
            continue
        by_severity[severity] += n
        if child_len and len(area) >= child_len:
            per_child[area[:child_len]][severity] += n
    significant = settings.DESKPEMILU_STATEMENT_SIGNIFICANT
    figures = _figures_in(region, state)
    return {
        "region": _region_info(user, region),
        "period": {
            "date_from": period.date_from.isoformat(),
            "date_to": period.date_to.isoformat(),
            "stage": period.stage.pk if period.stage else None,
        },
        "status": _status_info(region, at),
        "total": sum(by_severity.values()),
        "open": sum(by_status[s] for s in rules.OPEN_STATUSES),
        "significant": sum(by_severity[s] for s in significant),
        "by_severity": {s: by_severity[s] for s in rules.SEVERITIES},
        "by_status": {s: by_status[s] for s in STATUS_INDEX},
        "overdue": figures[0] if figures is not None else None,
        "coverage": _coverage(region, state, figures),
        "timeline": _timeline(
            _category_rows(user, region, period, state, since=since), period
        ),
        "children": _children(user, region, per_child, at),
        "counted_at": _iso(state.counted_at if state else None),
        "figures_at": _iso(state.figures_at if state else None),
    }


def _iso(moment: dt.datetime | None) -> str | None:
    return to_wib(moment).isoformat() if moment else None


def _region_info(user: User, region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "level": region.level,
        "kind": region.get_kind_display(),
        "parent": region.parent.code if region.parent else None,
        "child_level": CHILD_LEVEL.get(region.level),
        "crumbs": [
            {"code": c.code, "name": c.name, "visible": c.visible}
            for c in region_breadcrumbs(user, region)
        ],
        "kecamatan": region.kecamatan_count,
        "desa": region.desa_count,
        "tps": region.tps_count,
        "tps_special": region.tps_special_count,
        "voters": region.voters,
    }


def _status_info(region: Region, at: dt.datetime | None) -> dict[str, Any] | None:
    status = RegionStatus.objects.filter(region=region).first()
    if status is None:
        return None
    if at is not None and not stored_is_current(status.computed_at, at):
        then = statuses_then(Region.objects.filter(pk=region.pk), at)[region.pk]
        if not then.level:
            return None
        return {
            "level": then.level,
            "computed_level": "",
            "score": round(then.score, 1) if then.score is not None else None,
            "reason": then.reason,
            "overridden": then.overridden,
            # The moment it is shown of (the history entry's own time: `since`).
            "computed_at": _iso(at),
            "since": _iso(then.since),
        }
    return {
        "level": status.level,
        "computed_level": status.computed_level,
        "score": round(status.score, 1),
        "reason": status.said,
        "overridden": status.override_id is not None,
        "computed_at": _iso(status.computed_at),
    }


def _figures_in(region: Region, state: DashboardState | None) -> list[int] | None:
    """[overdue, buka, tutup, hitung, kirim] summed over the region, or None before
    the worker's first run."""
    if state is None or state.figures_at is None:
        return None
    width = 1 + len(coverage_rules.STAGES)
    prefix = region.code_nodot
    rows = [
        v
        for area, v in state.figures.get("areas", {}).items()
        if area.startswith(prefix)
    ]
    # Column sums in C (zip, sum): the province holds every area, a few thousand.
    totals = [sum(column) for column in zip_longest(*rows, fillvalue=0)]
    return (totals + [0] * width)[:width]


def _coverage(
    region: Region, state: DashboardState | None, figures: list[int] | None
) -> dict[str, Any] | None:
    vote_date = state.figures.get("vote_date") if state else None
    if figures is None or not vote_date:
        return None
    day = dt.date.fromisoformat(vote_date)
    now = timezone.now()
    deadlines = settings.DESKPEMILU_COVERAGE_DEADLINES
    stages = []
    for i, stage in enumerate(coverage_rules.STAGES):
        deadline = coverage_rules.deadline(day, stage, deadlines)
        checked = figures[1 + i]
        past = now > deadline
        stages.append(
            {
                "stage": stage,
                "checked_in": checked,
                "missing": region.tps_count - checked,
                "silent": region.tps_count - checked if past else 0,
                "deadline": deadline.isoformat(),
                "past": past,
            }
        )
    return {"vote_date": vote_date, "total": region.tps_count, "stages": stages}


def _timeline(rows: list[tuple[dt.date, str, int]], period: Period) -> dict[str, Any]:
    """Counts per day (per week, Monday first, for long periods) and category."""
    weekly = period.days > WEEKLY_AFTER_DAYS

    def bucket(day: dt.date) -> dt.date:
        return day - dt.timedelta(days=day.weekday()) if weekly else day

    buckets = sorted(
        {bucket(period.date_from + dt.timedelta(days=i)) for i in range(period.days)}
    )
    index = {b: i for i, b in enumerate(buckets)}
    series: dict[str, list[int]] = {}
    for day, category, n in rows:
        day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
        position = index.get(bucket(day))
        if position is None:
            continue
        series.setdefault(category, [0] * len(buckets))[position] += n
    return {
        "unit": "week" if weekly else "day",
        "buckets": [b.isoformat() for b in buckets],
        "series": {c: series[c] for c in Category.values if c in series},
    }


def _children(
    user: User,
    region: Region,
    per_child: dict[str, Counter[str]],
    at: dt.datetime | None = None,
) -> list[dict[str, Any]]:
    significant = settings.DESKPEMILU_STATEMENT_SIGNIFICANT
    children = regions_visible(user).filter(parent=region)
    rows = children.order_by("code").values(
        "pk",
        "code",
        "code_nodot",
        "name",
        "level",
        "tps_count",
        "status__level",
        "status__reason",
        "status__why",
        "status__computed_at",
    )
    later = any(not stored_is_current(row["status__computed_at"], at) for row in rows)
    then = statuses_then(children, at) if later and at is not None else {}
    result = []
    for row in rows:
        counts = per_child.get(row["code_nodot"], Counter())
        past = then.get(row["pk"])
        if past is not None and not stored_is_current(row["status__computed_at"], at):
            level, reason = past.level or None, past.reason
        else:
            level = row["status__level"]
            reason = wording.say(row["status__why"], row["status__reason"] or "")
        result.append(
            {
                "code": row["code"],
                "name": row["name"],
                "level": row["level"],
                "tps": row["tps_count"],
                "status": level,
                "reason": reason,
                "incidents": sum(counts.values()),
                "significant": sum(counts[s] for s in significant),
                "by_severity": {s: counts[s] for s in rules.SEVERITIES},
            }
        )
    return result


# The map's incidents --------------------------------------------------------------


def dashboard_points(
    user: User, region: Region, period: Period, *, limit: int = POINT_LIMIT
) -> dict[str, Any]:
    """The latest `limit` incidents of the period in the region, rejected ones left
    out, as compact rows [id, lat, lng, severity, status, category, exact] (indexes
    into rules.SEVERITIES, STATUS_INDEX and the categories). Without a GPS point an
    incident stands at the centre of its region (exact 0)."""
    rows = (
        _incidents(user, region, period)
        .exclude(status=REJECTED)
        # occurred_at alone: the window index gives that order without a sort.
        .order_by("-occurred_at")
        .values_list(
            "id",
            "lat",
            "lng",
            "region__centroid_lat",
            "region__centroid_lng",
            "severity",
            "status",
            "category",
        )[:limit]
    )
    points = []
    for pk, lat, lng, clat, clng, severity, status, category in rows:
        exact = lat is not None
        if not exact:
            lat, lng = clat, clng
        if lat is None or lng is None:
            continue
        points.append(
            [
                pk,
                round(lat, 5),
                round(lng, 5),
                SEVERITY_INDEX.get(severity, 0),
                STATUS_INDEX.get(status, 0),
                CATEGORY_INDEX.get(category, len(CATEGORY_INDEX) - 1),
                int(exact),
            ]
        )
    return {"limit": limit, "truncated": len(rows) == limit, "points": points}


# Live updates ---------------------------------------------------------------------


def dashboard_marks() -> dict[str, int]:
    """The last history entry and incident: where the dashboard's first poll starts
    (two primary-key maxima)."""
    return {
        "event": IncidentEvent.objects.aggregate(m=Max("id"))["m"] or 0,
        "incident": Incident.objects.aggregate(m=Max("id"))["m"] or 0,
    }


def dashboard_changes(
    user: User,
    region: Region,
    *,
    event_after: int | None = None,
    incident_after: int | None = None,
    limit: int = NEW_LIMIT,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """What the dashboard polls every few seconds: the marks of the last history
    entry and incident (cursors for the next poll), the incidents reported in the
    region since `incident_after`, and when the status and the counts were last
    recomputed (with `at`, a chosen moment: the status shown is of `at` once it was
    recomputed later, as `dashboard_summary` says). Cheap: primary-key maxima and a
    primary-key range."""
    marks = dashboard_marks()
    new: list[dict[str, Any]] = []
    more = False
    if incident_after is not None:
        # The newest ids first by the primary key alone, then the scope on those.
        candidates = list(
            Incident.objects.filter(id__gt=incident_after)
            .order_by("-id")
            .values_list("id", flat=True)[:RECENT_LIMIT]
        )
        rows = list(
            incidents_visible(user)
            .filter(
                region_subtree_q(region.code, field="area_code"),
                id__in=candidates,
            )
            .order_by("-id")
            .values(
                "id",
                "title",
                "severity",
                "status",
                "category",
                "occurred_at",
                "region__name",
            )[: limit + 1]
        )
        more = len(rows) > limit or len(candidates) == RECENT_LIMIT
        new = [_new_row(row) for row in reversed(rows[:limit])]
    status = RegionStatus.objects.filter(region=region).values("computed_at").first()
    # Not the whole state: its figures are thousands of areas, read every poll.
    counted_at = (
        DashboardState.objects.filter(pk=1).values_list("counted_at", flat=True).first()
    )
    status_at = status["computed_at"] if status else None
    if status_at is not None and not stored_is_current(status_at, at):
        status_at = at
    return {
        **marks,
        "changed": event_after is not None and marks["event"] != event_after,
        "new": new,
        "more": more,
        "status_at": _iso(status_at),
        "counted_at": _iso(counted_at),
    }


def dashboard_new(
    user: User, region: Region, *, limit: int = NEW_LIMIT
) -> list[dict[str, Any]]:
    """The newest incidents of the region still new (baru: nobody has checked them
    yet), newest first, for the first render of "Laporan baru": the polls only
    bring those reported after the page was loaded.

    The newest ids are looked at first, by the primary key alone (NEW_WINDOWS of
    them, the next window when one holds fewer than `limit`): asked for "the newest
    baru of the province" at once, SQLite walks the area_code index over the whole
    table and sorts. When the last window holds fewer than `limit`, the plain query
    decides (a quiet region)."""
    wanted = incidents_visible(user).filter(
        region_subtree_q(region.code, field="area_code"), status="baru"
    )
    prefix = region.code_nodot
    for window in NEW_WINDOWS:
        newest = list(
            Incident.objects.order_by("-id").values_list("id", "area_code", "status")[
                :window
            ]
        )
        candidates = [
            pk
            for pk, area, status in newest
            if status == "baru" and area.startswith(prefix)
        ]
        if len(candidates) >= limit or len(newest) < window:
            break
    # The newest `limit` candidates first: they are all there is to show when the
    # scope holds them, and a list of a thousand ids would cost more to send, plan
    # and check than the rows themselves (the province's newest "baru" are many).
    rows = list(_new_rows(wanted.filter(id__in=candidates[:limit]), limit))
    if len(rows) < limit and len(candidates) > limit:
        rows = list(_new_rows(wanted.filter(id__in=candidates), limit))
    if len(rows) < limit and len(newest) == window:
        rows = list(_new_rows(wanted, limit))
    return [_new_row(row) | {"at": row["occurred_at"]} for row in rows]


def _new_rows(incidents: QuerySet[Incident], limit: int) -> QuerySet[Incident, Any]:
    return incidents.order_by("-id").values(
        "id",
        "title",
        "severity",
        "status",
        "category",
        "occurred_at",
        "region__name",
    )[:limit]


def _new_row(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "ref": f"K{row['id']:06d}",
        "title": row["title"],
        "severity": row["severity"],
        "status": row["status"],
        "category": row["category"],
        "occurred_at": _iso(row["occurred_at"]),
        "region": row["region__name"],
    }


# The public page ------------------------------------------------------------------


@dataclass(frozen=True)
class PublicSituation:
    province: RegionStatus | None
    kabkota: list[dict[str, Any]]
    # (category, label, count), all categories
    by_category: list[tuple[str, StrOrPromise, int]]
    total: int
    period: Period
    computed_at: dt.datetime | None
    # The statement for the period over verified incidents and public levels.
    statement: Statement | None = None


def public_situation(
    *, today: dt.date | None = None, at: dt.datetime | None = None
) -> PublicSituation:
    """What anyone may see without logging in: the public status of the province and
    of each kab/kota (the status rules over verified incidents only, overrides
    included: RegionStatus.public_level), the statement for the period by the same
    rules, and the incidents of the last 7 days by category, counting only those
    the desk has verified (terverifikasi, ditangani, selesai). No names, no places
    below the kab/kota, no reasons typed by coordinators, nothing unverified.
    With `at` (the desk's "as of" moment), the period ends on its day and the
    statement is said of the incidents up to it."""
    province = Region.objects.filter(level="provinsi").order_by("code").first()
    period = dashboard_period(today=today or (wib_date(at) if at else None))
    said_until = min(period.end, at) if at and at > period.start else period.end
    if province is None:
        return PublicSituation(None, [], [], 0, period, None)
    status = (
        RegionStatus.objects.filter(region=province).select_related("region").first()
    )
    kabkota = list(
        Region.objects.filter(parent=province)
        .order_by("code")
        .values("code", "name", "status__public_level", "status__computed_at")
    )
    counts: Counter[str] = Counter()
    for _, category, n in _category_rows(
        None, province, period, _state(), statuses=VERIFIED_STATUSES
    ):
        counts[category] += n
    return PublicSituation(
        province=status,
        kabkota=[
            {"code": r["code"], "name": r["name"], "level": r["status__public_level"]}
            for r in kabkota
        ],
        by_category=[(v, label, counts[v]) for v, label in Category.choices],
        total=sum(counts.values()),
        period=period,
        computed_at=status.computed_at if status else None,
        statement=public_statement(province, period.start, said_until),
    )
