"""Reads of election-day coverage: TPS checked in per stage, the TPS not heard
from, and whom to call. Always inside the user's scope (accounts.access)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
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
from deskpemilu.regions.codes import CHILD_NODOT_LENGTH, widen
from deskpemilu.regions.models import TPS, Region, tps_subtree_q
from deskpemilu.situation import coverage_rules, statement, vulnerability
from deskpemilu.situation.selectors.tps import tps_classes

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


def _checked_in(
    stage: str, vote_date: dt.date, upto: dt.datetime | None = None
) -> Exists:
    """Whether a TPS reported `stage` or a later one on voting day (up to `upto`, the
    moment the desk is seen at, when given): a semi-join on the check-ins' (tps,
    stage) index."""
    start, end = coverage_rules.checkin_window(vote_date)
    checkins = TpsCheckin.objects.filter(
        tps=OuterRef("pk"),
        stage__in=coverage_rules.covering(stage),
        reported_at__gte=start,
        reported_at__lt=end,
    )
    if upto is not None:
        checkins = checkins.filter(reported_at__lte=upto)
    return Exists(checkins)


def _tps_in(user: User, region: Region) -> QuerySet[TPS]:
    return tps_visible(user).filter(tps_subtree_q(region.code))


def coverage_summary(
    user: User,
    region: Region,
    *,
    at: dt.datetime | None = None,
    vote_date: dt.date | None = None,
    upto: dt.datetime | None = None,
) -> Coverage:
    """For each stage: how many TPS of the region have checked in (by `upto` when
    given: the pages' "as of" moment), overall and per child region, and whether the
    stage's deadline has passed at `at` (coverage_rules).
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
        s: per_child(tps.filter(_checked_in(s, day, upto)))
        for s in coverage_rules.STAGES
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
    # "tps": posted at the TPS; "checkin": sent its last check-in; else the level of
    # the region the reporter covers ("desa", "kecamatan", "kabkota", "provinsi").
    why: str


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
    tps_class: str = ""  # vulnerability class (watchlist page; "" from the API)
    # The deadline of the first stage it has not reported (how long it is overdue).
    overdue_since: dt.datetime | None = None


def coverage_missing(
    user: User,
    region: Region,
    stage: str,
    *,
    vote_date: dt.date | None = None,
    at: dt.datetime | None = None,
) -> QuerySet[TPS]:
    """The TPS of the region that have not checked in for `stage` (nor a later
    stage) by `at` (any time when None), by code. `missing_rows` turns a page of
    them into rows with contacts; the watchlist page orders them by `watch_order`."""
    day = voting_day(vote_date)
    return (
        _tps_in(user, region)
        .filter(~_checked_in(stage, day, at))
        .select_related("desa", "desa__parent", "desa__parent__parent")
        .order_by("code")
    )


# The most urgent first: the vulnerability class (vulnerability.py), a TPS not
# assessed above kurang rawan (missing data is not low risk), then the TPS that has
# been silent longest (the earliest stage it has not reported), then the code.
URGENCY = (
    vulnerability.SANGAT_RAWAN,
    vulnerability.RAWAN,
    vulnerability.KHUSUS,
    vulnerability.NOT_ASSESSED,
    vulnerability.KURANG_RAWAN,
)


@dataclass(frozen=True)
class KecamatanCount:
    code: str  # dotted: the kecamatan's own watchlist
    name: str
    kabkota: str
    missing: int
    rawan: int  # of which sangat rawan or rawan


@dataclass(frozen=True)
class Watch:
    """The watchlist of a region for a stage at a moment: the TPS not heard from,
    most urgent first, their classes, and the count per kecamatan."""

    vote_date: dt.date
    at: dt.datetime
    deadline: dt.datetime
    order: list[int]  # TPS ids
    classes: dict[int, str]
    kecamatan: list[KecamatanCount]


def watch_order(
    user: User,
    region: Region,
    stage: str,
    *,
    at: dt.datetime,
    vote_date: dt.date | None = None,
) -> Watch:
    """The TPS of the region not heard from for `stage` by `at`, most urgent first
    (URGENCY), with the count per kecamatan. Five queries whatever the size: the
    missing TPS, their check-ins of earlier stages, and the classes (tps_classes)."""
    day = voting_day(vote_date)
    missing = list(
        coverage_missing(user, region, stage, vote_date=day, at=at).values_list(
            "id", "code"
        )
    )
    reached = _reached(region, day, at)
    classes = {row.tps_id: row.tps_class for row in tps_classes(user, region, at=at)}
    rank = {name: i for i, name in enumerate(URGENCY)}

    def urgency(item: tuple[int, str]) -> tuple[int, int, str]:
        pk, code = item
        return (rank.get(classes.get(pk, ""), len(URGENCY)), reached.get(pk, 0), code)

    missing.sort(key=urgency)
    return Watch(
        vote_date=day,
        at=at,
        deadline=coverage_rules.deadline(
            day, stage, settings.DESKPEMILU_COVERAGE_DEADLINES
        ),
        order=[pk for pk, _code in missing],
        classes={pk: classes.get(pk, "") for pk, _code in missing},
        kecamatan=_per_kecamatan(missing, classes),
    )


def _reached(region: Region, day: dt.date, at: dt.datetime) -> dict[int, int]:
    """The rank of the furthest stage each TPS of the region reported by `at`."""
    start, end = coverage_rules.checkin_window(day)
    rows = (
        TpsCheckin.objects.filter(
            tps_subtree_q(region.code, field="tps__code"),
            reported_at__gte=start,
            reported_at__lt=end,
            reported_at__lte=at,
        )
        .order_by()
        .values_list("tps_id", "stage")
        .distinct()
    )
    reached: dict[int, int] = {}
    for pk, stage in rows:
        reached[pk] = max(reached.get(pk, 0), coverage_rules.rank(stage))
    return reached


def _per_kecamatan(
    missing: list[tuple[int, str]], classes: dict[int, str]
) -> list[KecamatanCount]:
    counts: Counter[str] = Counter()
    rawan: Counter[str] = Counter()
    high = {vulnerability.SANGAT_RAWAN, vulnerability.RAWAN}
    for pk, code in missing:
        kecamatan = widen(code, "kecamatan")
        counts[kecamatan] += 1
        rawan[kecamatan] += classes.get(pk) in high
    places = Region.objects.filter(code_nodot__in=list(counts)).select_related("parent")
    rows = [
        KecamatanCount(
            code=place.code,
            name=place.name,
            kabkota=place.parent.name if place.parent else "",
            missing=counts[place.code_nodot],
            rawan=rawan[place.code_nodot],
        )
        for place in places
    ]
    rows.sort(key=lambda row: (-row.rawan, -row.missing, row.code))
    return rows


def tps_in_order(ids: list[int]) -> list[TPS]:
    """A page of the watchlist's TPS, in the order given."""
    found = TPS.objects.select_related(
        "desa", "desa__parent", "desa__parent__parent"
    ).in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]


def missing_rows(
    user: User,
    tps_list: list[TPS],
    stage: str,
    *,
    at: dt.datetime | None = None,
    vote_date: dt.date | None = None,
    classes: dict[int, str] | None = None,
) -> list[MissingTps]:
    """Rows of the watchlist, with who to call: the reporter posted at the TPS, the
    one who sent its last check-in, then the reporters of its desa, kecamatan, kab/
    kota and province (four at most). Check-ins count up to `at`. Phone numbers are
    masked unless the user may see personal data."""
    at = at or timezone.now()
    day = voting_day(vote_date)
    deadlines = settings.DESKPEMILU_COVERAGE_DEADLINES
    silent = at > coverage_rules.deadline(day, stage, deadlines)
    reached, senders = _page_checkins([t.pk for t in tps_list], day, at)
    contacts = _contacts(tps_list, senders, unmasked=can_see_personal_data(user))

    def overdue_since(pk: int) -> dt.datetime | None:
        first_missing = coverage_rules.STAGES[reached.get(pk, 0)]
        since = coverage_rules.deadline(day, first_missing, deadlines)
        return since if at > since else None

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
            tps_class=(classes or {}).get(tps.pk, ""),
            overdue_since=overdue_since(tps.pk),
        )
        for tps in tps_list
    ]


def _page_checkins(
    ids: list[int], day: dt.date, at: dt.datetime
) -> tuple[dict[int, int], dict[int, Reporter]]:
    """For a page of TPS: the rank of the furthest stage each reported on voting day
    by `at`, and the (active) reporter of its latest check-in."""
    start, end = coverage_rules.checkin_window(day)
    reached: dict[int, int] = {}
    senders: dict[int, Reporter] = {}
    checkins = (
        TpsCheckin.objects.filter(
            tps_id__in=ids,
            reported_at__gte=start,
            reported_at__lt=end,
            reported_at__lte=at,
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


CONTACTS_SHOWN = 4


def _covering_regions(tps: TPS) -> list[tuple[int, str]]:
    """The regions above a TPS whose reporters cover it, nearest first."""
    places: list[tuple[int, str]] = [(tps.desa_id, "desa")]
    kecamatan = tps.desa.parent
    if kecamatan is not None:
        places.append((kecamatan.pk, "kecamatan"))
        kabkota = kecamatan.parent
        if kabkota is not None:
            places.append((kabkota.pk, "kabkota"))
            if kabkota.parent_id is not None:
                places.append((kabkota.parent_id, "provinsi"))
    return places


def _contacts(
    tps_list: list[TPS], last_sender: dict[int, Reporter], *, unmasked: bool
) -> dict[int, list[Contact]]:
    ids = [t.pk for t in tps_list]
    covering = {t.pk: _covering_regions(t) for t in tps_list}
    region_ids = {pk for places in covering.values() for pk, _level in places}
    by_tps: dict[int, list[Reporter]] = defaultdict(list)
    by_region: dict[int, list[Reporter]] = defaultdict(list)
    reporters = Reporter.objects.filter(
        Q(tps_id__in=ids) | Q(region_id__in=region_ids, tps__isnull=True),
        is_active=True,
    ).order_by("name", "id")
    for reporter in reporters:
        if reporter.tps_id in covering:
            by_tps[reporter.tps_id].append(reporter)
        elif reporter.region_id is not None:
            by_region[reporter.region_id].append(reporter)

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
        for region_id, level in covering[pk]:
            chosen += [(r, level) for r in by_region[region_id]]
        seen, people = set(), []
        for reporter, why in chosen:
            if reporter.pk not in seen:
                seen.add(reporter.pk)
                people.append(contact(reporter, why))
        result[pk] = people[:CONTACTS_SHOWN]
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
