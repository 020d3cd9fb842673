"""Reads of election-day coverage: TPS checked in per stage, the TPS not heard
from, and whom to call. Always inside the user's scope (accounts.access)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.http import Http404
from django.utils import timezone

from deskpemilu.accounts.access import can_see_personal_data, tps_visible
from deskpemilu.accounts.models import User
from deskpemilu.elections.selectors import election_current
from deskpemilu.intake.models import Reporter, TpsCheckin
from deskpemilu.regions.codes import CHILD_NODOT_LENGTH
from deskpemilu.regions.models import TPS, Region, tps_subtree_q
from deskpemilu.situation import coverage_rules, statement

# Election-day coverage -----------------------------------------------------------


@dataclass(frozen=True)
class StageCoverage:
    stage: str
    deadline: dt.datetime
    past_deadline: bool
    total: int
    checked_in: int

    @property
    def missing(self) -> int:
        return self.total - self.checked_in

    @property
    def silent(self) -> int:
        return self.missing if self.past_deadline else 0


@dataclass(frozen=True)
class CoverageRow:
    code: str
    name: str
    stages: list[StageCoverage]


@dataclass(frozen=True)
class Coverage:
    region: Region
    vote_date: dt.date
    at: dt.datetime
    stages: list[StageCoverage]
    rows: list[CoverageRow]  # per child region (per TPS for a desa)


def voting_day(day: dt.date | None = None) -> dt.date:
    """The day asked for, else the voting day of the election being watched."""
    if day is not None:
        return day
    election = election_current()
    if election is None:
        raise Http404("no election")
    return election.vote_date


def _checked_in(stage: str, vote_date: dt.date) -> Exists:
    """Whether a TPS reported `stage` or a later one on voting day: a semi-join on
    the check-ins' (tps, stage) index."""
    start, end = coverage_rules.checkin_window(vote_date)
    return Exists(
        TpsCheckin.objects.filter(
            tps=OuterRef("pk"),
            stage__in=coverage_rules.covering(stage),
            reported_at__gte=start,
            reported_at__lt=end,
        )
    )


def _tps_in(user: User, region: Region) -> QuerySet[TPS]:
    return tps_visible(user).filter(tps_subtree_q(region.code))


def coverage_summary(
    user: User,
    region: Region,
    *,
    at: dt.datetime | None = None,
    vote_date: dt.date | None = None,
) -> Coverage:
    """For each stage: how many TPS of the region have checked in, overall and per
    child region, and whether the stage's deadline has passed (coverage_rules).
    One query for the TPS per child and one per stage, each grouping the TPS by the
    child's code prefix."""
    at = at or timezone.now()
    day = voting_day(vote_date)
    deadlines = settings.DESKPEMILU_COVERAGE_DEADLINES
    prefix = CHILD_NODOT_LENGTH[region.level]

    def per_child(qs: QuerySet[TPS]) -> dict[str, int]:
        grouped = (
            qs.annotate(child=Substr("code", 1, prefix))
            .order_by()
            .values("child")
            .annotate(n=Count("id"))
        )
        return {row["child"]: row["n"] for row in grouped}

    tps = _tps_in(user, region)
    totals = per_child(tps)
    done = {
        s: per_child(tps.filter(_checked_in(s, day))) for s in coverage_rules.STAGES
    }

    def stages(key: str | None) -> list[StageCoverage]:
        def count(values: dict[str, int]) -> int:
            return sum(values.values()) if key is None else values.get(key, 0)

        return [
            StageCoverage(
                stage=s,
                deadline=coverage_rules.deadline(day, s, deadlines),
                past_deadline=at > coverage_rules.deadline(day, s, deadlines),
                total=count(totals),
                checked_in=count(done[s]),
            )
            for s in coverage_rules.STAGES
        ]

    names = _child_names(region, list(totals))
    rows = [CoverageRow(c, names.get(c, ""), stages(c)) for c in sorted(totals)]
    return Coverage(region, day, at, stages(None), rows)


def _child_names(region: Region, codes: list[str]) -> dict[str, str]:
    if region.level == "desa":
        return dict(TPS.objects.filter(code__in=codes).values_list("code", "name"))
    return dict(Region.objects.filter(parent=region).values_list("code_nodot", "name"))


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    role: str
    why: str  # "tps": posted at the TPS; "checkin": sent its last check-in; "desa"


@dataclass(frozen=True)
class MissingTps:
    code: str
    name: str
    desa: str
    kecamatan: str
    kabkota: str
    reached: str  # the furthest stage it reported ("" for none)
    silent: bool
    contacts: list[Contact]


def coverage_missing(
    user: User,
    region: Region,
    stage: str,
    *,
    vote_date: dt.date | None = None,
) -> QuerySet[TPS]:
    """The TPS of the region that have not checked in for `stage` (nor a later
    stage), by code. `missing_rows` turns a page of them into rows with contacts."""
    day = voting_day(vote_date)
    return (
        _tps_in(user, region)
        .filter(~_checked_in(stage, day))
        .select_related("desa", "desa__parent", "desa__parent__parent")
        .order_by("code")
    )


def missing_rows(
    user: User,
    tps_list: list[TPS],
    stage: str,
    *,
    at: dt.datetime | None = None,
    vote_date: dt.date | None = None,
) -> list[MissingTps]:
    """Rows of the watchlist, with who to call: the reporter posted at the TPS, the
    one who sent its last check-in, then the reporters of its desa (three at most).
    Phone numbers are masked unless the user may see personal data."""
    at = at or timezone.now()
    day = voting_day(vote_date)
    silent = at > coverage_rules.deadline(
        day, stage, settings.DESKPEMILU_COVERAGE_DEADLINES
    )
    reached, senders = _page_checkins([t.pk for t in tps_list], day)
    contacts = _contacts(tps_list, senders, unmasked=can_see_personal_data(user))
    return [
        MissingTps(
            code=tps.code,
            name=tps.name,
            desa=tps.desa.name,
            kecamatan=tps.desa.parent.name if tps.desa.parent else "",
            kabkota=(
                tps.desa.parent.parent.name
                if tps.desa.parent and tps.desa.parent.parent
                else ""
            ),
            reached=(
                coverage_rules.STAGES[reached[tps.pk] - 1] if tps.pk in reached else ""
            ),
            silent=silent,
            contacts=contacts.get(tps.pk, []),
        )
        for tps in tps_list
    ]


def _page_checkins(
    ids: list[int], day: dt.date
) -> tuple[dict[int, int], dict[int, Reporter]]:
    """For a page of TPS: the rank of the furthest stage each reported on voting day,
    and the (active) reporter of its latest check-in."""
    start, end = coverage_rules.checkin_window(day)
    reached: dict[int, int] = {}
    senders: dict[int, Reporter] = {}
    checkins = (
        TpsCheckin.objects.filter(
            tps_id__in=ids, reported_at__gte=start, reported_at__lt=end
        )
        .select_related("reporter")
        .order_by("tps_id", "-reported_at", "-id")
    )
    for checkin in checkins:
        rank = coverage_rules.rank(checkin.stage)
        reached[checkin.tps_id] = max(reached.get(checkin.tps_id, 0), rank)
        reporter = checkin.reporter
        if reporter is not None and reporter.is_active:
            senders.setdefault(checkin.tps_id, reporter)
    return reached, senders


def _contacts(
    tps_list: list[TPS], last_sender: dict[int, Reporter], *, unmasked: bool
) -> dict[int, list[Contact]]:
    ids = [t.pk for t in tps_list]
    desa_of = {t.pk: t.desa_id for t in tps_list}
    by_tps: dict[int, list[Reporter]] = defaultdict(list)
    by_desa: dict[int, list[Reporter]] = defaultdict(list)
    reporters = Reporter.objects.filter(
        Q(tps_id__in=ids) | Q(region_id__in=set(desa_of.values()), tps__isnull=True),
        is_active=True,
    ).order_by("name", "id")
    for reporter in reporters:
        if reporter.tps_id in desa_of:
            by_tps[reporter.tps_id].append(reporter)
        elif reporter.region_id is not None:
            by_desa[reporter.region_id].append(reporter)

    def contact(reporter: Reporter, why: str) -> Contact:
        phone = (
            reporter.phone if unmasked else coverage_rules.mask_phone(reporter.phone)
        )
        return Contact(reporter.name, phone, reporter.role, why)

    result: dict[int, list[Contact]] = {}
    for pk in ids:
        chosen: list[tuple[Reporter, str]] = [(r, "tps") for r in by_tps[pk]]
        if pk in last_sender:
            chosen.append((last_sender[pk], "checkin"))
        chosen += [(r, "desa") for r in by_desa[desa_of[pk]]]
        seen, people = set(), []
        for reporter, why in chosen:
            if reporter.pk not in seen:
                seen.add(reporter.pk)
                people.append(contact(reporter, why))
        result[pk] = people[:3]
    return result


# Coverage of a period, for the statement --------------------------------------------


def period_coverage(
    user: User | None, region: Region, start: dt.datetime, end: dt.datetime
) -> statement.CoverageFacts:
    """How many TPS of the region (and regions one level below it) sent a check-in
    within [start, end), when the period meets the check-in window of the election
    being watched (statement.py rule 7); `user` None counts every TPS. Two queries,
    each grouping the TPS by the child's code prefix."""
    election = election_current()
    if election is None:
        return statement.CoverageFacts(required=False)
    window_start, window_end = coverage_rules.checkin_window(election.vote_date)
    low, high = max(start, window_start), min(end, window_end)
    if low >= high:
        return statement.CoverageFacts(required=False)
    prefix = CHILD_NODOT_LENGTH[region.level]
    tps = (TPS.objects.all() if user is None else tps_visible(user)).filter(
        tps_subtree_q(region.code)
    )
    reported = Exists(
        TpsCheckin.objects.filter(
            tps=OuterRef("pk"), reported_at__gte=low, reported_at__lt=high
        )
    )

    def per_child(qs: QuerySet[TPS]) -> dict[str, int]:
        grouped = (
            qs.annotate(child=Substr("code", 1, prefix))
            .order_by()
            .values("child")
            .annotate(n=Count("id"))
        )
        return {row["child"]: row["n"] for row in grouped}

    totals, done = per_child(tps), per_child(tps.filter(reported))
    below_tps = region.level == "desa"  # a desa's children are its TPS
    return statement.CoverageFacts(
        required=True,
        tps_total=sum(totals.values()),
        tps_reported=sum(done.values()),
        regions_total=0 if below_tps else len(totals),
        regions_reported=0 if below_tps else len(done),
    )
