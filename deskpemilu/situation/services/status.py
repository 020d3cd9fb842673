"""Writes of region status: recomputing every region, coordinators' overrides.

The status of all ~1,716 regions is computed from one aggregate query over the
incidents (GROUP BY area_code, the decayed weight summed in SQL with the numbers of
status_rules), then rolled up the tree in Python; never incident by incident.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import (
    BigIntegerField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Field,
    FloatField,
    IntegerField,
    Max,
    Q,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import CombinedExpression
from django.db.models.functions import Substr
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.core.events import announce
from deskpemilu.core.timeutil import to_wib
from deskpemilu.incidents.models import Incident
from deskpemilu.regions.codes import NODOT_LENGTH, depth_of, parent_code, widen
from deskpemilu.regions.models import Region
from deskpemilu.situation import statement, wording
from deskpemilu.situation import status_rules as rules
from deskpemilu.situation.errors import SituationError
from deskpemilu.situation.models import (
    Level,
    RegionStatus,
    StatusChange,
    StatusOverride,
)
from deskpemilu.situation.status_rules import (
    Evidence,
    Outcome,
    Place,
    StatusRules,
    Totals,
)


def status_rules_now() -> StatusRules:
    return StatusRules.from_settings(settings)


# Region status -----------------------------------------------------------------


@dataclass(frozen=True)
class RecomputeReport:
    regions: int
    changed: int
    seconds: float
    at: dt.datetime

    def __str__(self) -> str:
        return (
            f"Status {self.regions} wilayah dihitung dalam {self.seconds:.2f} detik "
            f"(per {to_wib(self.at):%Y-%m-%d %H:%M} WIB); {self.changed} perubahan "
            "dicatat di riwayat."
        )


@dataclass(frozen=True)
class _Tree:
    places: list[Place]
    ids: dict[str, int]  # dotted code -> region id
    nodot: dict[str, str]  # dotted code -> undotted
    dotted: dict[str, str]  # undotted -> dotted
    names: dict[str, str] = field(default_factory=dict)  # dotted code -> name

    @classmethod
    def load(cls) -> _Tree:
        rows = list(
            Region.objects.values_list("id", "code", "code_nodot", "level", "name")
        )
        return cls(
            places=[
                Place(code, level, parent_code(code)) for _, code, _, level, _ in rows
            ],
            ids={code: pk for pk, code, _, _, _ in rows},
            nodot={code: nodot for _, code, nodot, _, _ in rows},
            dotted={nodot: code for _, code, nodot, _, _ in rows},
            names={code: name for _, code, _, _, name in rows},
        )


@dataclass
class _Forced:
    """A history entry that must be written whatever the level does."""

    source: str
    reason: str
    at: dt.datetime
    override: StatusOverride | None = None
    actor: User | None = None
    why: dict[str, Any] = field(default_factory=dict)


@dataclass
class _State:
    own_scores: dict[str, float]
    totals: dict[str, Totals]  # subtree counts
    window_start: dt.datetime
    computed_at: dt.datetime
    forced: dict[str, _Forced] = field(default_factory=dict)
    # Own scores over the verified incidents only, for the public level.
    public_scores: dict[str, float] = field(default_factory=dict)


def _weight_sql(at: dt.datetime, status: StatusRules) -> CombinedExpression:
    """The weight of an incident (status_rules.incident_weight) as a SQL expression:
    three CASEs multiplied, so SUM() gives the decayed score per group."""

    def case(*whens: When) -> Case:
        return Case(*whens, default=Value(0.0), output_field=FloatField())

    severity = case(
        *(
            When(severity=name, then=Value(float(weight)))
            for name, weight in status.severity_weights.items()
        )
    )
    factor = case(
        When(status__in=rules.OPEN_STATUSES, then=Value(float(status.open_factor))),
        When(status__in=rules.CLOSED_STATUSES, then=Value(float(status.closed_factor))),
    )
    decay = _by_age_step(
        at, status, [factor for _, factor in rules.decay_steps(status)], 0.0
    )
    return severity * factor * decay


def _by_age_step(
    at: dt.datetime, status: StatusRules, values: list[Any], default: Any
) -> Case:
    """A value per age step of an incident at `at` (status_rules.decay_steps,
    youngest first); `default` outside the steps."""
    field: Field[Any, Any] = (
        FloatField() if isinstance(default, float) else IntegerField()
    )
    return Case(
        *(
            When(occurred_at__gte=at - dt.timedelta(hours=oldest), then=Value(value))
            for (oldest, _), value in zip(
                rules.decay_steps(status), values, strict=True
            )
        ),
        default=Value(default),
        output_field=field,
    )


def _own_scores(
    tree: _Tree, at: dt.datetime, status: StatusRules
) -> tuple[dict[str, float], dict[str, Totals], dict[str, float]]:
    """Own score, counts and own score over the verified incidents (for the public
    level) of every region, from one GROUP BY area_code query."""
    start = at - dt.timedelta(hours=status.window_hours)
    significant = Q(severity__in=tuple(settings.DESKPEMILU_STATEMENT_SIGNIFICANT))
    if categories := tuple(settings.DESKPEMILU_STATEMENT_SIGNIFICANT_CATEGORIES):
        # Only when set: the category is not in the covering index.
        significant |= Q(category__in=categories)
    groups = (
        Incident.objects.filter(occurred_at__gte=start, occurred_at__lte=at)
        .exclude(status__in=rules.IGNORED_STATUSES)
        .order_by()
        .values("area_code")
        .annotate(
            score=Sum(_weight_sql(at, status)),
            public=Sum(
                _weight_sql(at, status),
                filter=Q(status__in=statement.VERIFIED_STATUSES),
            ),
            incidents=Count("id"),
            open=Count("id", filter=Q(status__in=rules.OPEN_STATUSES)),
            significant=Count("id", filter=significant),
        )
        .values_list("area_code", "score", "incidents", "open", "significant", "public")
    )
    scores: dict[str, float] = {}
    public: dict[str, float] = {}
    own: dict[str, Totals] = {}
    for area, score, incidents, open_, significant_, public_score in groups:
        code = tree.dotted.get(area) or tree.dotted.get(widen(area, "desa"))
        if code is None:
            continue
        scores[code] = scores.get(code, 0.0) + (score or 0.0)
        public[code] = public.get(code, 0.0) + (public_score or 0.0)
        own.setdefault(code, Totals()).add(Totals(incidents, open_, significant_))
    return scores, rules.subtree_totals(tree.places, own), public


def _lock() -> None:
    """Serialise status writes (recompute, overrides) on PostgreSQL; SQLite's
    IMMEDIATE transactions already do."""
    list(
        RegionStatus.objects.select_for_update()
        .filter(region_level="provinsi")
        .values_list("id", flat=True)
    )


def _expire_overrides(at: dt.datetime) -> dict[str, _Forced]:
    forced = {}
    due = (
        StatusOverride.objects.select_for_update(of=("self",))
        .filter(ended_at__isnull=True, expires_at__lte=at)
        .select_related("region")
    )
    for override in due:
        override.ended_at = override.expires_at
        override.end_kind = StatusOverride.EndKind.EXPIRED
        override.save(update_fields=["ended_at", "end_kind"])
        forced[override.region.code] = _Forced(
            StatusChange.Source.OVERRIDE_END,
            f"Penetapan status {override.level} berakhir "
            f"({to_wib(override.expires_at):%Y-%m-%d %H:%M} WIB).",
            override.expires_at,
            override,
            why={
                "kind": wording.OVERRIDE_EXPIRED,
                "level": override.level,
                "until": override.expires_at.isoformat(),
            },
        )
    return forced


def status_recompute(*, at: dt.datetime | None = None) -> RecomputeReport:
    """Recompute the status of every region from the incidents of the window ending
    at `at` (default now); end overrides that expired; write a history entry for
    every region whose effective level changed."""
    started = time.perf_counter()
    at = at or timezone.now()
    status = status_rules_now()
    tree = _Tree.load()
    scores, totals, public = _own_scores(tree, at, status)
    state = _State(scores, totals, at - dt.timedelta(hours=status.window_hours), at)
    state.public_scores = public
    with transaction.atomic():
        _lock()
        state.forced = _expire_overrides(at)
        changed = _roll_and_store(tree, state, at, status)
    return RecomputeReport(len(tree.places), changed, time.perf_counter() - started, at)


def _stored_state(tree: _Tree) -> _State | None:
    """The scores and counts of the last recompute, to roll up again without
    reading the incidents (after an override)."""
    rows = list(
        RegionStatus.objects.values_list(
            "region_id",
            "own_score",
            "incident_count",
            "open_count",
            "significant_count",
            "window_start",
            "computed_at",
            "public_own_score",
        )
    )
    if not rows:
        return None
    codes = {pk: code for code, pk in tree.ids.items()}
    state = _State({}, {}, rows[0][5], rows[0][6])
    for region_id, own, incidents, open_, significant, _, _, public in rows:
        code = codes.get(region_id)
        if code is not None:
            state.own_scores[code] = own
            state.public_scores[code] = public
            state.totals[code] = Totals(incidents, open_, significant)
    return state


def _active_overrides(at: dt.datetime) -> dict[str, StatusOverride]:
    active = StatusOverride.objects.filter(
        ended_at__isnull=True, expires_at__gt=at
    ).select_related("region")
    return {o.region.code: o for o in active.order_by("created_at", "id")}


def _roll_and_store(
    tree: _Tree, state: _State, at: dt.datetime, status: StatusRules
) -> int:
    overrides = _active_overrides(at)
    forced_levels = {code: rules.level_index(o.level) for code, o in overrides.items()}
    outcomes = rules.rollup(tree.places, state.own_scores, forced_levels, status)
    public = rules.rollup(tree.places, state.public_scores, forced_levels, status)
    evidence = _evidence(tree, state, outcomes, status)
    previous = dict(RegionStatus.objects.values_list("region_id", "level"))
    rows, history = [], []
    for code, outcome in outcomes.items():
        region_id = tree.ids[code]
        override = overrides.get(code)
        row = _status_row(
            tree, state, code, outcome, override, status, evidence.get(code)
        )
        row.public_level = public[code].level_name
        row.public_own_score = round(public[code].own_score, 6)
        rows.append(row)
        before = previous.get(region_id, "")
        entry = state.forced.get(code)
        if entry is None and before == row.level:
            continue
        entry = entry or _Forced(
            StatusChange.Source.COMPUTED, row.reason, at, why=row.why
        )
        history.append(
            StatusChange(
                region_id=region_id,
                at=entry.at,
                from_level=before,
                to_level=row.level,
                source=entry.source,
                reason=entry.reason,
                why=entry.why,
                score=round(outcome.score, 3),
                override=entry.override,
                actor=entry.actor,
            )
        )
    RegionStatus.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["region"],
        update_fields=[f for f in _STATUS_FIELDS if f != "region"],
        batch_size=500,
    )
    StatusChange.objects.bulk_create(history, batch_size=500)
    _announce_alerts(tree, history)
    return len(history)


# A region turning siaga or rawan is told down to the kecamatan; a desa's own turn
# shows in its kecamatan's.
ALERT_LEVELS = frozenset({Level.SIAGA, Level.RAWAN})
ALERT_REGION_LEVELS = frozenset({"provinsi", "kabkota", "kecamatan"})


def _announce_alerts(tree: _Tree, history: list[StatusChange]) -> None:
    codes = {pk: code for code, pk in tree.ids.items()}
    for change in history:
        code = codes[change.region_id]
        if (
            change.to_level in ALERT_LEVELS
            and change.from_level != change.to_level
            and _level_of(code) in ALERT_REGION_LEVELS
        ):
            announce(
                "region_alert",
                region_code=code,
                level=change.to_level,
                from_level=change.from_level,
            )


def _evidence(
    tree: _Tree, state: _State, outcomes: dict[str, Outcome], status: StatusRules
) -> dict[str, Evidence]:
    """What the words of each region above aman name (status_rules.explain): the
    children at the worst level by name, and for a region made so by its own
    incidents (rule direct) those incidents counted and the heaviest named. One
    query over the incidents of those regions only, in the window of `state`."""
    children: dict[str, list[str]] = {}
    for place in tree.places:
        if place.parent is not None:
            children.setdefault(place.parent, []).append(place.code)
    result: dict[str, Evidence] = {}
    # Two lists, not one OR per region: at a million incidents hundreds of regions
    # are made so directly, and SQLite refuses an expression 1,000 deep.
    own_areas: list[str] = []
    own_desa: list[str] = []
    for code, outcome in outcomes.items():
        if outcome.computed == rules.AMAN:
            continue
        if outcome.rule == rules.DIRECT:
            nodot = tree.nodot[code]
            # A desa's own incidents include those at its TPS (longer codes).
            (own_desa if _level_of(code) == "desa" else own_areas).append(nodot)
        elif outcome.rule in (rules.SPREAD, rules.WORST_CHILD):
            worst = sorted(
                c
                for c in children.get(code, ())
                if c in outcomes and outcomes[c].level == outcome.worst_child
            )
            result[code] = Evidence(worst_children=tuple(tree.names[c] for c in worst))
    if not (own_areas or own_desa):
        return result
    # Counted in SQL: at a million incidents these regions hold hundreds of
    # thousands, and Python weighing each one cost seconds.
    holder = Case(
        When(area_code__in=own_areas, then=F("area_code")),
        default=Substr("area_code", 1, NODOT_LENGTH["desa"]),
        output_field=CharField(),
    )
    incidents = (
        Incident.objects.annotate(
            desa_code=Substr("area_code", 1, NODOT_LENGTH["desa"]), holder=holder
        )
        .filter(
            Q(area_code__in=own_areas) | Q(desa_code__in=own_desa),
            occurred_at__gte=state.window_start,
            occurred_at__lte=state.computed_at,
        )
        .exclude(status__in=rules.IGNORED_STATUSES)
    )
    # One GROUP BY per region, severity and status. Within a group the weight
    # (status_rules.incident_weight) falls with the age step, so its heaviest
    # incident, the newest among equals, is the one with the largest
    # (youngest step, id): MAX() of both packed into one integer.
    steps = len(rules.decay_steps(status))
    step = _by_age_step(state.computed_at, status, list(range(steps)), -1)
    packed = ExpressionWrapper(
        (Value(steps) - step) * Value(_ID_SPAN, output_field=BigIntegerField())
        + F("id"),
        output_field=BigIntegerField(),
    )
    groups = (
        incidents.order_by()
        .values("holder", "severity", "status")
        .annotate(n=Count("id"), best=Max(packed))
        .values_list("holder", "severity", "status", "n", "best")
    )
    counts: dict[str, tuple[Counter[str], Counter[str]]] = {}
    heaviest: dict[str, tuple[float, int]] = {}
    for area, severity, state_, n, best in groups:
        holder_code = tree.dotted.get(area)
        if holder_code is None:
            continue
        if holder_code not in counts:
            counts[holder_code] = (Counter(), Counter())
        opened, closed = counts[holder_code]
        (opened if state_ in rules.OPEN_STATUSES else closed)[severity] += n
        i, newest = steps - best // _ID_SPAN, best % _ID_SPAN
        weight = rules.step_weight(severity, state_, i if i >= 0 else None, status)
        heaviest[holder_code] = max(
            heaviest.get(holder_code, (-1.0, 0)), (weight, newest)
        )
    named = {
        pk: (title, f"TPS {tps:03d} {where}" if tps else where)
        for pk, title, tps, where in Incident.objects.filter(
            pk__in=[pk for _, pk in heaviest.values()]
        ).values_list("pk", "title", "tps__number", "region__name")
    }
    for code, (opened, closed) in counts.items():
        title, where = named[heaviest[code][1]]
        result[code] = Evidence(dict(opened), dict(closed), title, where)
    return result


# Incident ids stay below 2**40 (a trillion), so an age step fits above them.
_ID_SPAN = 2**40

_STATUS_FIELDS = (
    "region",
    "area_code",
    "region_level",
    "level",
    "computed_level",
    "rule",
    "reason",
    "why",
    "score",
    "own_score",
    "incident_count",
    "open_count",
    "significant_count",
    "override",
    "window_start",
    "computed_at",
    "public_level",
    "public_own_score",
)


def _status_row(
    tree: _Tree,
    state: _State,
    code: str,
    outcome: Outcome,
    override: StatusOverride | None,
    status: StatusRules,
    evidence: Evidence | None = None,
) -> RegionStatus:
    totals = state.totals.get(code) or Totals()
    why = rules.why(outcome, status, evidence)
    reason = wording.say_indonesian(why)
    if override is not None:
        reason = f"Ditetapkan koordinator: {override.reason}"
        why = {"kind": wording.OVERRIDDEN, "reason": override.reason}
    return RegionStatus(
        region_id=tree.ids[code],
        area_code=tree.nodot[code],
        region_level=_level_of(code),
        level=outcome.level_name,
        computed_level=outcome.computed_name,
        rule=outcome.rule,
        reason=reason[:300],
        why=why,
        score=round(outcome.score, 4),
        own_score=round(outcome.own_score, 6),
        incident_count=totals.incidents,
        open_count=totals.open,
        significant_count=totals.significant,
        override=override,
        window_start=state.window_start,
        computed_at=state.computed_at,
    )


def _level_of(code: str) -> str:
    return rules.REGION_LEVELS[depth_of(code)]


# Overrides -----------------------------------------------------------------


def _check_override(level: str, reason: str, expires_at: dt.datetime) -> str:
    if level not in Level.values:
        raise SituationError(
            "bad_level", "Status harus aman, waspada, siaga atau rawan.", "level"
        )
    reason = (reason or "").strip()
    if not reason:
        raise SituationError("reason_required", "Alasan wajib diisi.", "reason")
    if timezone.is_naive(expires_at):
        raise SituationError(
            "naive_time", "Waktu berakhir perlu zona waktu.", "expires_at"
        )
    now = timezone.now()
    longest = dt.timedelta(days=settings.DESKPEMILU_STATUS_OVERRIDE_MAX_DAYS)
    if expires_at <= now:
        raise SituationError(
            "expiry_past", "Waktu berakhir harus di masa depan.", "expires_at"
        )
    if expires_at > now + longest:
        raise SituationError(
            "expiry_too_far",
            f"Penetapan status paling lama {longest.days} hari.",
            "expires_at",
        )
    return reason[:2000]


def _reroll(at: dt.datetime, forced: dict[str, _Forced]) -> None:
    """Roll the tree up again from the stored scores (first time: from incidents)."""
    status = status_rules_now()
    tree = _Tree.load()
    state = _stored_state(tree)
    if state is None:
        scores, totals, public = _own_scores(tree, at, status)
        state = _State(scores, totals, at - dt.timedelta(hours=status.window_hours), at)
        state.public_scores = public
    state.forced = forced
    _roll_and_store(tree, state, at, status)


def status_override_create(
    *,
    actor: User,
    region: Region,
    level: str,
    reason: str,
    expires_at: dt.datetime,
) -> StatusOverride:
    """Set a region's status by hand until `expires_at`, replacing any override in
    force there; recorded in the region's history (even at the same level)."""
    if not access.can_override_status(actor, region):
        raise PermissionDenied("only a coordinator may set a region's status")
    reason = _check_override(level, reason, expires_at)
    with transaction.atomic():
        _lock()
        now = timezone.now()
        forced = _expire_overrides(now)
        StatusOverride.objects.filter(region=region, ended_at__isnull=True).update(
            ended_at=now, ended_by=actor, end_kind=StatusOverride.EndKind.REPLACED
        )
        override = StatusOverride.objects.create(
            region=region,
            level=level,
            reason=reason,
            expires_at=expires_at,
            created_by=actor,
        )
        label = rules.LEVEL_LABELS[level]
        local = to_wib(expires_at)
        day = statement.date_text(local.date(), wording.indonesian_words())
        until = f"{day} {local:%H.%M} WIB"
        forced[region.code] = _Forced(
            StatusChange.Source.OVERRIDE,
            f"Ditetapkan {label} sampai {until}: {reason}",
            now,
            override,
            actor,
            why={
                "kind": wording.OVERRIDE_SET,
                "level": level,
                "until": expires_at.isoformat(),
                "reason": reason,
            },
        )
        _reroll(now, forced)
    return override


def status_override_end(
    *, actor: User, override: StatusOverride, reason: str = ""
) -> StatusOverride:
    """Lift an override before it expires; the computed level applies again."""
    region = override.region
    if not access.can_override_status(actor, region):
        raise PermissionDenied("only a coordinator may lift a region's status")
    with transaction.atomic():
        _lock()
        override = StatusOverride.objects.select_for_update().get(pk=override.pk)
        if override.ended_at is not None:
            raise SituationError(
                "override_ended", "Penetapan status ini sudah berakhir.", ""
            )
        now = timezone.now()
        override.ended_at, override.ended_by = now, actor
        override.end_kind = StatusOverride.EndKind.LIFTED
        override.end_reason = (reason or "").strip()[:2000]
        override.save(update_fields=["ended_at", "ended_by", "end_kind", "end_reason"])
        forced = _expire_overrides(now)
        text = f"Penetapan status {override.level} dicabut"
        forced[region.code] = _Forced(
            StatusChange.Source.OVERRIDE_END,
            f"{text}: {override.end_reason}" if override.end_reason else f"{text}.",
            now,
            override,
            actor,
            why={
                "kind": wording.OVERRIDE_LIFTED,
                "level": override.level,
                "reason": override.end_reason,
            },
        )
        _reroll(now, forced)
    return override
