"""The dashboard's read model: incidents counted per WIB day (DayCount for severity
and status, DayCategoryCount for category and status), and the figures that move
with the clock (overdue follow-ups, voting-day coverage), kept in DashboardState.

Each is kept at one grain per level whose summary reads it (TALLIED_LEVELS): a
summary sums DayCount rows of the region's children (COUNT_GRAINS: the kab/kota for
the province, the kecamatan for a kab/kota, the desa for a kecamatan) and
DayCategoryCount rows of the region itself (CATEGORY_GRAINS), so it reads a few
hundred to a few thousand rows whatever its level and the size of the table. The
finest grain is counted from the incidents, the coarser ones summed from it.

Why: counting the incidents of a busy week on every dashboard request costs 0.2 to
0.6 s on SQLite with a million incidents; the counts of that week are a few
thousand rows. The situation worker (`situation_recompute`) keeps them: the first
run counts everything, later runs recount only the days touched by the incident
history written since (every create, edit, status change and merge writes an
`IncidentEvent`). Each recount is one INSERT ... SELECT ... GROUP BY per table, done
by the database.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    Func,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Substr
from django.utils import timezone

from deskpemilu.core.timeutil import WIB, wib_date
from deskpemilu.elections.selectors import election_current
from deskpemilu.incidents.models import Assignment, Incident, IncidentEvent
from deskpemilu.intake.models import TpsCheckin
from deskpemilu.regions.codes import CHILD_LEVEL, NODOT_LENGTH
from deskpemilu.regions.models import TPS
from deskpemilu.situation import coverage_rules
from deskpemilu.situation import status_rules as rules
from deskpemilu.situation.models import DashboardState, DayCategoryCount, DayCount

if TYPE_CHECKING:
    from django.db.models.sql.compiler import SQLCompiler, _AsSqlType

# Beyond this many touched days a full recount is as cheap.
MAX_DAYS = 60
# Days counted per transaction.
CHUNK_DAYS = 7
# The levels whose summaries read the counts (a desa is counted from its incidents),
# and the grains (lengths of the undotted area code) kept for them, finest first.
TALLIED_LEVELS = ("provinsi", "kabkota", "kecamatan")
COUNT_GRAINS = tuple(
    sorted((NODOT_LENGTH[CHILD_LEVEL[level]] for level in TALLIED_LEVELS), reverse=True)
)
CATEGORY_GRAINS = tuple(
    sorted((NODOT_LENGTH[level] for level in TALLIED_LEVELS), reverse=True)
)


class WibDate(Func):
    """The calendar day in WIB (UTC+7, no daylight saving) of a stored timestamp,
    computed by the database (Django's TruncDate calls Python per row on SQLite)."""

    output_field = DateField()

    def as_sqlite(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _AsSqlType:
        template = "date(%(expressions)s, '+7 hours')"
        return self.as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(
        self, compiler: SQLCompiler, connection: BaseDatabaseWrapper, **extra: Any
    ) -> _AsSqlType:
        template = "(%(expressions)s AT TIME ZONE 'Asia/Jakarta')::date"
        return self.as_sql(compiler, connection, template=template, **extra)


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time.min, tzinfo=WIB)
    return start, start + dt.timedelta(days=1)


@dataclass(frozen=True)
class TallyReport:
    days: int | None  # days recounted; None: everything
    seconds: float
    incident_id: int

    def __str__(self) -> str:
        what = "semua hari" if self.days is None else f"{self.days} hari"
        return f"Hitungan dasbor: {what} dihitung ulang dalam {self.seconds:.2f} detik."


def _state() -> DashboardState:
    state = DashboardState.objects.select_for_update().filter(pk=1).first()
    return state or DashboardState.objects.create(pk=1)


def _top(model: type[Incident | IncidentEvent | TpsCheckin]) -> int:
    return model.objects.aggregate(top=Max("id"))["top"] or 0


def _touched_days(
    state: DashboardState, top_incident: int, top_event: int
) -> set[dt.date]:
    """The WIB days whose counts may have changed since the last run: the days of the
    incidents with new history entries (and the day an edit moved one away from),
    and of incidents above the last counted id. The entries the last run read are
    read once more: on PostgreSQL an id is taken before its transaction commits,
    so an entry may become visible after a higher one was read."""
    events = IncidentEvent.objects.filter(
        id__gt=min(state.recheck_from, state.event_id), id__lte=top_event
    )
    # Two primary-key reads, not one OR: PostgreSQL would scan the table for it.
    ids = set(events.values_list("incident_id", flat=True))
    moments = set(
        Incident.objects.filter(id__in=ids).values_list("occurred_at", flat=True)
    )
    moments |= set(
        Incident.objects.filter(
            id__gt=state.incident_id, id__lte=top_incident
        ).values_list("occurred_at", flat=True)
    )
    for changes in events.filter(action="edited").values_list("changes", flat=True):
        before = (changes or {}).get("occurred_at", [None])[0]
        if before:
            moments.add(dt.datetime.fromisoformat(before))
    return {wib_date(moment) for moment in moments}


def _insert_select(table: str, columns: str, queryset: QuerySet[Any, Any]) -> None:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) {sql}", params)


def _spans(days: set[dt.date]) -> list[tuple[dt.date, dt.date]]:
    """Consecutive days joined into [first, last] spans of at most CHUNK_DAYS."""
    spans: list[tuple[dt.date, dt.date]] = []
    for day in sorted(days):
        if (
            spans
            and (day - spans[-1][0]).days < CHUNK_DAYS
            and (day - spans[-1][1]).days == 1
        ):
            spans[-1] = (spans[-1][0], day)
        else:
            spans.append((day, day))
    return spans


def _every_day() -> list[tuple[dt.date, dt.date]]:
    """The days from the first incident to the last, in spans of CHUNK_DAYS (the
    first and last moments are read from the start of the time index)."""
    bounds = Incident.objects.aggregate(
        first=Min("occurred_at"), last=Max("occurred_at")
    )
    if bounds["first"] is None:
        return []
    first, last = wib_date(bounds["first"]), wib_date(bounds["last"])
    count = (last - first).days + 1
    return [
        (
            first + dt.timedelta(days=i),
            min(first + dt.timedelta(days=i + CHUNK_DAYS - 1), last),
        )
        for i in range(0, count, CHUNK_DAYS)
    ]


def _by_grain(
    rows: QuerySet[Any, Any], code: str, grain: int, field: str
) -> QuerySet[Any, Any]:
    """`rows` (incidents, or counts of a finer grain) counted per day, area cut to
    `grain`, stage, `field` and status, in the order of the INSERT's columns."""
    summed = Count("id") if code == "area_code" else Sum("n")
    counted: QuerySet[Any, Any] = (
        rows.annotate(g=Value(grain), a=Substr(code, 1, grain))
        .values("g", "d", "a", "stage_id", field, "status")
        .annotate(total=summed)
        .values_list("g", "d", "a", "stage_id", field, "status", "total")
    )
    return counted


def _recount(first: dt.date, last: dt.date, top_incident: int) -> None:
    """Replace the counts of the days first..last with fresh ones, in one short
    transaction (on SQLite it holds the write lock: a span, not the whole table):
    the finest grain from the incidents, each coarser one from the grain below."""
    start, _ = day_bounds(first)
    _, end = day_bounds(last)
    incidents = (
        Incident.objects.filter(
            occurred_at__gte=start, occurred_at__lt=end, id__lte=top_incident
        )
        .order_by()
        .annotate(d=WibDate("occurred_at"))
    )
    with transaction.atomic():
        for model, grains, field in (
            (DayCount, COUNT_GRAINS, "severity"),
            (DayCategoryCount, CATEGORY_GRAINS, "category"),
        ):
            model.objects.filter(day__gte=first, day__lte=last).delete()
            columns = f"grain, day, area, stage_id, {field}, status, n"
            table = model._meta.db_table
            _insert_select(
                table, columns, _by_grain(incidents, "area_code", grains[0], field)
            )
            for finer, grain in zip(grains, grains[1:], strict=False):
                counts = (
                    model.objects.filter(grain=finer, day__gte=first, day__lte=last)
                    .order_by()
                    .annotate(d=F("day"))
                )
                _insert_select(table, columns, _by_grain(counts, "area", grain, field))


def _drop_outside(spans: list[tuple[dt.date, dt.date]]) -> None:
    """After counting every day: no counts left for days without incidents."""
    outside = Q(day__lt=spans[0][0]) | Q(day__gt=spans[-1][1]) if spans else Q()
    DayCount.objects.filter(outside).delete()
    DayCategoryCount.objects.filter(outside).delete()


def tally_refresh(*, full: bool = False) -> TallyReport:
    """Bring the dashboard's day counts up to date with the incidents: recount the
    days touched since the last run, or every day on the first run (or `full`),
    span by span."""
    started = time.perf_counter()
    state = DashboardState.objects.filter(pk=1).first() or DashboardState()
    top_event, top_incident = _top(IncidentEvent), _top(Incident)
    days: set[dt.date] | None = None
    if not full and state.rebuilt_at is not None:
        days = _touched_days(state, top_incident, top_event)
        if len(days) > MAX_DAYS:
            days = None
    spans = _every_day() if days is None else _spans(days)
    for first, last in spans:
        _recount(first, last, top_incident)
    if days is None:
        _drop_outside(spans)
    with transaction.atomic():
        state = _state()
        now = timezone.now()
        state.recheck_from = state.event_id if days is not None else top_event
        state.incident_id, state.event_id, state.counted_at = (
            top_incident,
            top_event,
            now,
        )
        if days is None:
            state.rebuilt_at = now
        state.save()
    return TallyReport(
        None if days is None else len(days), time.perf_counter() - started, top_incident
    )


# Figures that move with the clock -------------------------------------------------


def _overdue_by_area(now: dt.datetime) -> dict[str, int]:
    # Grouped by an expression, not the bare column: SQLite would otherwise walk the
    # incidents in area_code index order (a million lookups) to save a sort.
    rows = (
        Assignment.objects.filter(
            done_at__isnull=True,
            deadline__lt=now,
            incident__status__in=rules.OPEN_STATUSES,
        )
        .annotate(area=Substr("incident__area_code", 1, 10))
        .order_by()
        .values_list("area")
        .annotate(n=Count("id"))
    )
    return dict(rows)


def _checked_in_by_desa(vote_date: dt.date) -> dict[str, list[int]]:
    """Per desa (undotted code), the TPS that checked in for each stage (or a later
    one) on voting day: one query per stage on the check-ins' (tps, stage) index."""
    start, end = coverage_rules.checkin_window(vote_date)
    result: dict[str, list[int]] = {}
    for index, stage in enumerate(coverage_rules.STAGES):
        reported = TpsCheckin.objects.filter(
            tps=OuterRef("pk"),
            stage__in=coverage_rules.covering(stage),
            reported_at__gte=start,
            reported_at__lt=end,
        )
        rows = (
            TPS.objects.filter(Exists(reported))
            .annotate(desa_code=Substr("code", 1, 10))
            .order_by()
            .values_list("desa_code")
            .annotate(n=Count("id"))
        )
        for desa, n in rows:
            result.setdefault(desa, [0] * len(coverage_rules.STAGES))[index] = n
    return result


def figures_refresh(*, at: dt.datetime | None = None) -> DashboardState:
    """Recount the overdue follow-ups per incident area and the voting-day check-ins
    per desa (the election being watched), for the dashboard's tiles."""
    now = at or timezone.now()
    election = election_current()
    vote_date = election.vote_date if election else None
    areas: dict[str, list[int]] = {}
    for area, n in _overdue_by_area(now).items():
        areas[area] = [n, 0, 0, 0, 0]
    if vote_date is not None:
        for desa, counts in _checked_in_by_desa(vote_date).items():
            areas.setdefault(desa, [0, 0, 0, 0, 0])[1:] = counts
    top_checkin = _top(TpsCheckin)
    with transaction.atomic():
        state = _state()
        state.figures = {
            "vote_date": vote_date.isoformat() if vote_date else None,
            "areas": areas,
        }
        state.checkin_id, state.figures_at = top_checkin, now
        state.save(update_fields=["figures", "checkin_id", "figures_at"])
    return state


def change_marks() -> tuple[int, int, int]:
    """(last history entry, last incident, last check-in): cheap to read (three
    primary-key maxima); the worker recounts when they move."""
    return _top(IncidentEvent), _top(Incident), _top(TpsCheckin)
