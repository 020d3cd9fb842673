"""Reads for situation reports: the reports a user may see, and the content of a
report gathered once from the other apps' selectors (always inside the user's scope:
every read below takes the user)."""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections import Counter

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone, translation

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.coordination.models import ActionStatus
from deskpemilu.core.timeutil import WIB, to_wib, wib_date
from deskpemilu.elections.models import Contest, ContestKind
from deskpemilu.elections.selectors import election_current, election_stage_at
from deskpemilu.incidents.models import Assignment, Incident
from deskpemilu.incidents.taxonomy import Category, Severity, Status
from deskpemilu.intake.models import CheckinStage
from deskpemilu.media.selectors import highlights_for_region
from deskpemilu.regions.models import Boundary, Region, region_subtree_q
from deskpemilu.reports import drawing, windows
from deskpemilu.reports.content import (
    ChartBar,
    Content,
    CoverageRowInfo,
    FollowUpRow,
    IncidentRow,
    Letterhead,
    RegionRow,
    ResultsRow,
    StageInfo,
    StatementPart,
    date_long,
    date_short,
    moment_text,
    number,
)
from deskpemilu.reports.models import Letterhead as LetterheadRow
from deskpemilu.reports.models import Report, ReportFile, ReportKind, ReportStatus
from deskpemilu.results.selectors.progress import sheet_progress
from deskpemilu.situation.models import StatusChange
from deskpemilu.situation.selectors.coverage import coverage_summary
from deskpemilu.situation.selectors.status import Statement, region_statement
from deskpemilu.situation.statement import region_label
from deskpemilu.situation.wording import indonesian_words

TABLE_LIMIT = 200  # rows of the significant incidents' table
LIST_LIMIT = 50  # rows of the overdue follow-ups and action items
TITLES: dict[str, str] = {
    ReportKind.DAILY.value: "LAPORAN SITUASI HARIAN",
    ReportKind.ON_DEMAND.value: "LAPORAN SITUASI",
    ReportKind.FINAL.value: "LAPORAN SITUASI AKHIR PEMILU",
}


# Reports ------------------------------------------------------------------------------


def report_list(user: User) -> QuerySet[Report]:
    """Reports of the regions in the user's scope, newest period first."""
    return access.reports_visible(user).select_related("region")


def report_for_user_or_404(user: User, report_id: int) -> Report:
    report = report_list(user).filter(pk=report_id).first()
    if report is None:
        raise Http404("report not found")
    return report


def report_file(report: Report, fmt: str) -> ReportFile | None:
    """The stored file of an issued report (the caller has found the report)."""
    return ReportFile.objects.filter(report=report, format=fmt).first()


def previous_report(region: Region, before: dt.datetime) -> Report | None:
    """The latest issued report of the region whose period ended by `before`: the
    changes of region status are counted from it."""
    return (
        Report.objects.filter(
            region=region, status=ReportStatus.ISSUED, period_end__lte=before
        )
        .order_by("-period_end", "-revision", "-id")
        .first()
    )


# The letterhead -----------------------------------------------------------------------


def letterhead_for(region: Region) -> Letterhead:
    """The kop of the desk serving the region: its own, else the nearest desk's
    above it, else the defaults (the model's, with the province named)."""
    codes = [region.code]
    parent = region.parent
    while parent is not None:
        codes.append(parent.code)
        parent = parent.parent
    rows = {
        r.region.code: r
        for r in LetterheadRow.objects.filter(region__code__in=codes).select_related(
            "region"
        )
    }
    row = next((rows[c] for c in codes if c in rows), None) or LetterheadRow(
        region=region
    )
    logo = ""
    if row.logo:
        with row.logo.open("rb") as handle:
            logo = base64.b64encode(handle.read()).decode("ascii")
    return Letterhead(
        province=row.province,
        office=row.office,
        unit=row.unit,
        address=row.address,
        place=row.place,
        addressees=[a.strip() for a in row.addressees.splitlines() if a.strip()],
        classification=row.classification,
        signer_name=row.signer_name,
        signer_position=row.signer_position,
        signer_nip=row.signer_nip,
        logo_png=logo,
    )


def number_format_for(region: Region) -> str:
    codes = [region.code]
    parent = region.parent
    while parent is not None:
        codes.append(parent.code)
        parent = parent.parent
    for code in codes:
        row = LetterheadRow.objects.filter(region__code=code).first()
        if row is not None:
            return row.number_format
    return LetterheadRow().number_format


# The content --------------------------------------------------------------------------


def report_content(
    user: User,
    region: Region,
    start: dt.datetime,
    end: dt.datetime,
    *,
    kind: str = ReportKind.ON_DEMAND,
    previous: Report | None = None,
) -> Content:
    """Everything the report says, gathered once for the region (in the user's
    scope, else 404) and the period [start, end), in Indonesian."""
    if not access.access_for(user).sees_code(region.code):
        raise Http404("region not found")
    with translation.override("id"):
        return _gather(user, region, start, end, kind, previous)


def _gather(
    user: User,
    region: Region,
    start: dt.datetime,
    end: dt.datetime,
    kind: str,
    previous: Report | None,
) -> Content:
    said = region_statement(user, region, start, end, limit=TABLE_LIMIT)
    incidents = access.incidents_visible(user).filter(
        region_subtree_q(region.code, field="area_code"),
        occurred_at__gte=start,
        occurred_at__lt=end,
    )
    regions = _region_rows(user, region, incidents, end, previous)
    chart, unit = _chart(incidents, start, end)
    coverage, coverage_note = _coverage(user, region, start, end)
    results, results_note = _results(user, region)
    overdue, open_count = _follow_ups(user, region, end)
    return Content(
        title=TITLES.get(kind, TITLES[ReportKind.ON_DEMAND.value]),
        kind=str(kind),
        region_code=region.code,
        region_name=region_label(region.kind, region.name, indonesian_words()),
        period_start=to_wib(start).isoformat(),
        period_end=to_wib(end).isoformat(),
        period_text=f"{moment_text(to_wib(start))} s.d. {moment_text(to_wib(end))}",
        generated_at=to_wib(timezone.now()).isoformat(timespec="seconds"),
        letterhead=letterhead_for(region),
        statement=StatementPart(
            text=said.text,
            safe=said.safe,
            total=said.total,
            significant_count=said.significant_count,
            basis=_parts(said)
            + _basis(said.by_severity, said.by_status, said.worst_level),
        ),
        stage=_stage(incidents, end),
        regions=regions,
        previous_number=previous.number if previous is not None else "",
        incidents=_incident_rows(said.significant),
        incidents_more=max(0, said.significant_count - len(said.significant)),
        follow_ups_open=open_count,
        follow_ups_overdue=overdue,
        action_items=_action_items(user, region, end),
        coverage=coverage,
        coverage_note=coverage_note,
        results=results,
        results_note=results_note,
        chart=chart,
        chart_unit=unit,
        map_svg=_map(region, regions),
        chart_svg=drawing.bar_chart([(b.label, b.count) for b in chart]),
        media=_media(user, region, start, end),
    )


def _parts(said: Statement) -> list[str]:
    """Each claim of the statement with its rule and why it holds or not
    (situation/statement.py), as the lines of the statement's basis."""
    return [
        f"{'Terpenuhi' if part.holds else 'Tidak terpenuhi'} - {part.claim}: "
        f"{part.why} (Aturan: {part.rule})"
        for part in said.parts
    ]


def _media(
    user: User, region: Region, start: dt.datetime, end: dt.datetime
) -> list[str]:
    """Media highlights of the period: the news about the region, each with its
    date, class, title and first quote with its speaker (media monitoring)."""
    first = to_wib(start).date()
    last = to_wib(end - dt.timedelta(microseconds=1)).date()
    lines = []
    for article in highlights_for_region(user, region, first, last):
        day = article.published_on or to_wib(article.received_at).date()
        what = "Pernyataan" if article.klass == "stability" else "Kejadian"
        line = f"{date_long(day)} - {what}: {article.title}"
        quotes = (article.analysis or {}).get("quotes") or []
        if quotes and quotes[0].get("speaker"):
            text = str(quotes[0].get("text", ""))
            text = text if len(text) <= 200 else text[:197] + "..."
            line += f" - {quotes[0]['speaker']}: \u201c{text}\u201d"
        lines.append(line)
    return lines


def _basis(
    by_severity: dict[str, int], by_status: dict[str, int], worst: str | None
) -> list[str]:
    severities = ", ".join(
        f"{str(Severity(s).label)} {number(n)}" for s, n in by_severity.items()
    )
    statuses = ", ".join(
        f"{str(Status(s).label)} {number(n)}" for s, n in sorted(by_status.items())
    )
    lines = [
        f"Kejadian menurut tingkat keparahan (tanpa yang ditolak): {severities}.",
        f"Kejadian menurut status penanganan: {statuses or '-'}.",
    ]
    if worst:
        lines.append(f"Status wilayah terburuk dalam periode: {worst.title()}.")
    return lines


def _stage(incidents: QuerySet[Incident], end: dt.datetime) -> StageInfo:
    election = election_current()
    happened = []
    by_category = (
        incidents.exclude(status=Status.DITOLAK)
        .order_by()
        .values_list("category")
        .annotate(n=Count("id"))
        .order_by("-n", "category")
    )
    for category, n in by_category:
        happened.append(f"{str(Category(category).label)}: {number(n)} kejadian")
    if election is None:
        return StageInfo("", "", happened)
    stage = election_stage_at(election, end - dt.timedelta(microseconds=1)).current
    if stage is None or stage.start is None or stage.end is None:
        return StageInfo("", "", happened)
    return StageInfo(
        stage.name, f"{date_short(stage.start)} s.d. {date_short(stage.end)}", happened
    )


def _level_at(region_ids: list[int], end: dt.datetime) -> dict[int, str]:
    """Each region's status in force at `end`: the last change before it."""
    levels: dict[int, str] = {}
    rows = (
        StatusChange.objects.filter(region_id__in=region_ids, at__lt=end)
        .order_by("region_id", "at", "id")
        .values_list("region_id", "to_level")
    )
    for region_id, level in rows:
        levels[region_id] = level
    return levels


def _region_rows(
    user: User,
    region: Region,
    incidents: QuerySet[Incident],
    end: dt.datetime,
    previous: Report | None,
) -> list[RegionRow]:
    """Status per kab/kota (the region's children; a kab/kota itself for one)."""
    if region.level == "provinsi":
        areas = list(
            access.regions_visible(user).filter(parent=region).order_by("code")
        )
    else:
        areas = [region]
    levels = _level_at([a.id for a in areas], end)
    before = {}
    if previous is not None:
        before = {r["code"]: r["level"] for r in previous.content.get("regions", [])}
    counts: Counter[str] = Counter()
    significant: Counter[str] = Counter()
    rows = (
        incidents.exclude(status=Status.DITOLAK)
        .order_by()
        .values_list("area_code", "severity")
    )
    prefixes = {a.code_nodot: a.code for a in areas}
    length = len(areas[0].code_nodot) if areas else 0
    for area_code, severity in rows:
        code = prefixes.get(area_code[:length])
        if code is None:
            continue
        counts[code] += 1
        if severity in ("berat", "kritis"):
            significant[code] += 1
    return [
        RegionRow(
            code=a.code,
            name=region_label(a.kind, a.name, indonesian_words()),
            level=levels.get(a.id, ""),
            previous=before.get(a.code, ""),
            incidents=counts[a.code],
            significant=significant[a.code],
        )
        for a in areas
    ]


def _incident_rows(significant: list[Incident]) -> list[IncidentRow]:
    ids = [i.id for i in significant]
    agencies: dict[int, list[str]] = {}
    follow: dict[int, str] = {}
    for assignment in (
        Assignment.objects.filter(incident_id__in=ids)
        .select_related("agency")
        .prefetch_related("followups")
        .order_by("assigned_at", "id")
    ):
        agency = assignment.agency
        agencies.setdefault(assignment.incident_id, []).append(
            agency.short_name or agency.name
        )
        steps = list(assignment.followups.all())
        if steps:
            follow[assignment.incident_id] = steps[-1].action
    return [
        IncidentRow(
            ref=i.ref,
            title=i.title,
            category=str(Category(i.category).label),
            severity=str(Severity(i.severity).label),
            place=region_label(i.region.kind, i.region.name, indonesian_words())
            + (f", {i.tps.name}" if i.tps is not None else ""),
            when=f"{to_wib(i.occurred_at):%d/%m %H.%M}",
            status=str(Status(i.status).label),
            agencies=", ".join(agencies.get(i.id, [])) or "-",
            follow_up=follow.get(i.id, "-"),
        )
        for i in significant
    ]


def _follow_ups(
    user: User, region: Region, end: dt.datetime
) -> tuple[list[FollowUpRow], int]:
    """Assignments not done yet in the region: how many, and those past deadline."""
    open_qs = Assignment.objects.filter(
        incident__in=access.incidents_visible(user).filter(
            region_subtree_q(region.code, field="area_code")
        ),
        done_at__isnull=True,
    ).exclude(incident__status__in=[Status.SELESAI, Status.DITOLAK])
    overdue = (
        open_qs.filter(deadline__lt=end)
        .select_related("agency", "incident")
        .order_by("deadline", "id")[:LIST_LIMIT]
    )
    rows = [
        FollowUpRow(
            ref=a.incident.ref,
            what=a.incident.title,
            who=a.agency.short_name or a.agency.name,
            due=f"{to_wib(a.deadline):%d/%m/%Y %H.%M}",
            overdue=True,
        )
        for a in overdue
    ]
    return rows, open_qs.count()


def _action_items(user: User, region: Region, end: dt.datetime) -> list[FollowUpRow]:
    """Open action items of the region's meetings, the most overdue first."""
    today = wib_date(end)
    items = (
        access.action_items_visible(user)
        .filter(region_subtree_q(region.code, field="meeting__area_code"))
        .filter(status=ActionStatus.OPEN)
        .select_related("owner", "meeting")
        .order_by("due_on", "id")[:LIST_LIMIT]
    )
    return [
        FollowUpRow(
            ref=date_short(wib_date(item.meeting.held_at)),
            what=item.description,
            who=item.owner.short_name or item.owner.name,
            due=date_short(item.due_on),
            overdue=item.due_on < today,
        )
        for item in items
    ]


def _coverage(
    user: User, region: Region, start: dt.datetime, end: dt.datetime
) -> tuple[list[CoverageRowInfo], str]:
    election = election_current()
    if election is None:
        return [], "Belum ada pemilu yang dipantau."
    first, last = wib_date(start), wib_date(end - dt.timedelta(microseconds=1))
    if not first <= election.vote_date <= last:
        return [], (
            "Periode ini tidak mencakup hari pemungutan suara "
            f"({date_short(election.vote_date)}); laporan TPS tidak dihitung."
        )
    summary = coverage_summary(user, region, at=end, vote_date=election.vote_date)
    return [
        CoverageRowInfo(
            str(CheckinStage(s.stage).label).capitalize(), s.checked_in, s.total
        )
        for s in summary.stages
    ], ""


def _results(user: User, region: Region) -> tuple[list[ResultsRow], str]:
    election = election_current()
    contest = (
        Contest.objects.filter(election=election, kind=ContestKind.PPWP).first()
        if election is not None
        else None
    )
    if contest is None:
        return [], "Belum ada kontestasi yang dipantau."
    per_area = sheet_progress(user, contest, region)
    by_source: Counter[str] = Counter()
    for sources in per_area.values():
        by_source.update(sources)
    note = f"{contest.name}: TPS dengan lembar hasil per sumber."
    return [
        ResultsRow(source, n, region.tps_count)
        for source, n in sorted(by_source.items())
    ], note


def _chart(
    incidents: QuerySet[Incident], start: dt.datetime, end: dt.datetime
) -> tuple[list[ChartBar], str]:
    """Incidents per hour (a period of two days or less) or per day, in WIB."""
    hourly = end - start <= dt.timedelta(days=2)
    step = dt.timedelta(hours=1) if hourly else dt.timedelta(days=1)
    first = to_wib(start)
    first = (
        first.replace(minute=0, second=0, microsecond=0)
        if hourly
        else first.replace(hour=0, minute=0, second=0, microsecond=0)
    )
    counts: Counter[int] = Counter()
    for moment in incidents.exclude(status=Status.DITOLAK).values_list(
        "occurred_at", flat=True
    ):
        counts[int((moment - first) / step)] += 1
    bars = []
    slot = first
    i = 0
    while slot < end:
        label = f"{slot:%H}" if hourly else f"{slot.day}/{slot.month}"
        bars.append(ChartBar(label, counts[i]))
        slot += step
        i += 1
    return bars, "jam" if hourly else "hari"


def _map(region: Region, rows: list[RegionRow]) -> str:
    levels = {r.code: r.level for r in rows}
    names = {r.code: r.name for r in rows}
    areas = [
        drawing.Area(names[code], levels[code], json.loads(geometry))
        for code, geometry in Boundary.objects.filter(
            region__code__in=list(levels)
        ).values_list("region__code", "geometry_light")
    ]
    return drawing.status_map(sorted(areas, key=lambda a: a.name))


def default_period(kind: str, now: dt.datetime) -> tuple[dt.datetime, dt.datetime]:
    """The period a new report form starts with: the last daily window, or for the
    final report the whole election (its first stage's start to its last stage's
    end, or to now if that is sooner)."""
    start, end = windows.last_daily_window(now, settings.DESKPEMILU_REPORT_DAY_START)
    election = election_current()
    if kind != ReportKind.FINAL or election is None:
        return start, end
    starts = [s.start_date for s in election.stages.all() if s.start_date]
    ends = [s.end_date for s in election.stages.all() if s.end_date]
    first, last = min(starts, default=None), max(ends, default=None)
    if first is None or last is None:
        return start, end
    begin = dt.datetime.combine(first, dt.time(0, 0), tzinfo=WIB)
    finish = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(0, 0), tzinfo=WIB)
    return begin, min(finish, now)
