"""Reads of TPS vulnerability (the class of every TPS, one TPS and why) and the
deployment plan. Always inside the user's scope (accounts.access)."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count
from django.http import Http404

from deskpemilu.accounts.access import incidents_visible, tps_visible
from deskpemilu.accounts.models import Agency, AgencyKind, User
from deskpemilu.incidents.models import Incident
from deskpemilu.regions.models import TPS, Region, tps_subtree_q
from deskpemilu.situation import deployment, vulnerability
from deskpemilu.situation import status_rules as rules
from deskpemilu.situation.models import PolresPersonnel, TpsVulnerability
from deskpemilu.situation.vulnerability import INDICATOR_KEYS, Classification, TpsRules

# TPS classes -----------------------------------------------------------------


@dataclass(frozen=True)
class TpsClassRow:
    tps_id: int
    code: str
    name: str
    is_special: bool
    has_data: bool
    classification: Classification

    @property
    def tps_class(self) -> str:
        return self.classification.tps_class


def tps_rules_now() -> TpsRules:
    return TpsRules.from_settings(settings)


def _incident_counts(
    user: User, code: str, at: dt.datetime | None = None
) -> dict[int, dict[str, int]]:
    """Incidents (not rejected) per TPS and severity, for the TPS under `code`; with
    `at`, those that occurred by then."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    incidents = incidents_visible(user)
    if at is not None:
        incidents = incidents.filter(occurred_at__lte=at)
    rows = (
        incidents.filter(tps__isnull=False)
        .filter(tps_subtree_q(code, field="tps__code"))
        .exclude(status__in=rules.IGNORED_STATUSES)
        .order_by()
        .values_list("tps_id", "severity")
        .annotate(n=Count("id"))
    )
    for tps_id, severity, n in rows:
        counts[tps_id][severity] = n
    return counts


def tps_classes(
    user: User, region: Region, *, at: dt.datetime | None = None
) -> list[TpsClassRow]:
    """The class of every TPS in the region (vulnerability.classify), by TPS code;
    with `at` (a page's "as of" moment), counting the incidents that occurred by then
    (the indicators are as imported: they keep no history).

    Three queries whatever the size: the TPS, their indicators, and the number of
    incidents per TPS and severity. A TPS without indicator data is classed on its
    incidents and special location alone (`has_data` False).
    """
    code = region.code
    tps = tps_visible(user).filter(tps_subtree_q(code)).order_by("code")
    flags = {
        values[0]: [k for k, on in zip(INDICATOR_KEYS, values[1:], strict=True) if on]
        for values in TpsVulnerability.objects.filter(
            tps_subtree_q(code, field="tps__code")
        ).values_list("tps_id", *INDICATOR_KEYS)
    }
    incidents = _incident_counts(user, code, at)
    tps_rules = tps_rules_now()
    # Most TPS share the same facts (often none): classify each distinct case once.
    known: dict[tuple[Any, ...], Classification] = {}
    rows = []
    for pk, tps_code, name, special in tps.values_list(
        "id", "code", "name", "is_special"
    ):
        present = flags.get(pk, ())
        counts = incidents.get(pk)
        assessed = pk in flags
        key = (
            tuple(present),
            tuple(sorted(counts.items())) if counts else (),
            special,
            assessed,
        )
        if key not in known:
            known[key] = vulnerability.classify(
                present, counts, is_special=special, rules=tps_rules, assessed=assessed
            )
        rows.append(TpsClassRow(pk, tps_code, name, special, pk in flags, known[key]))
    return rows


def class_counts(rows: list[TpsClassRow]) -> dict[str, int]:
    counts = Counter(row.tps_class for row in rows)
    return {name: counts[name] for name in vulnerability.SHOWN_CLASSES}


@dataclass(frozen=True)
class TpsRisk:
    tps: TPS
    indicators: dict[str, bool]
    has_data: bool
    note: str
    source: str
    updated_at: dt.datetime | None
    classification: Classification
    incidents: list[Incident]


def tps_for_user_or_404(user: User, code: str) -> TPS:
    tps = (
        tps_visible(user)
        .filter(code=code.strip())
        .select_related("desa", "desa__parent", "desa__parent__parent")
        .first()
    )
    if tps is None:
        raise Http404("TPS not found")
    return tps


def tps_risk(user: User, tps: TPS) -> TpsRisk:
    """One TPS: its indicators, its class with the reasons, and its incidents."""
    record = TpsVulnerability.objects.filter(tps=tps).first()
    present = record.present() if record else []
    incidents = list(
        incidents_visible(user)
        .filter(tps=tps)
        .exclude(status__in=rules.IGNORED_STATUSES)
        .order_by("-occurred_at", "-id")
    )
    counts = Counter(incident.severity for incident in incidents)
    classification = vulnerability.classify(
        present,
        counts,
        is_special=tps.is_special,
        rules=tps_rules_now(),
        explain=True,
        assessed=record is not None,
    )
    return TpsRisk(
        tps=tps,
        indicators={key: key in present for key in INDICATOR_KEYS},
        has_data=record is not None,
        note=record.note if record else "",
        source=record.source if record else "",
        updated_at=record.updated_at if record else None,
        classification=classification,
        incidents=incidents[:50],
    )


# Deployment plan -----------------------------------------------------------------


@dataclass
class PlanRow:
    """One kecamatan (in a kab/kota plan) or one kab/kota (in the province's)."""

    code: str
    name: str
    counts: dict[str, int]
    need: deployment.Need
    police_available: int | None = None
    linmas_available: int | None = None
    agency: str = ""

    @property
    def police_shortfall(self) -> int | None:
        return deployment.shortfall(self.need.police_min, self.police_available)

    @property
    def linmas_shortfall(self) -> int | None:
        return deployment.shortfall(self.need.linmas, self.linmas_available)


@dataclass
class Plan:
    region: Region
    rows: list[PlanRow]
    total: PlanRow
    personnel: PolresPersonnel | None = None
    pattern: dict[str, str] = field(default_factory=dict)
    # (class, class label, pattern): the pattern said in words on the page.
    patterns: list[tuple[str, str, deployment.Pattern]] = field(default_factory=list)


def _polres_by_kabkota() -> dict[str, tuple[Agency, PolresPersonnel | None]]:
    """The Polres of each kab/kota (by its area), with the personnel it reported."""
    result: dict[str, tuple[Agency, PolresPersonnel | None]] = {}
    agencies = (
        Agency.objects.filter(kind=AgencyKind.POLRI, region__level="kabkota")
        .prefetch_related("jurisdiction")
        .select_related("personnel")
        .order_by("code")
    )
    for agency in agencies:
        personnel = getattr(agency, "personnel", None)
        for area in agency.jurisdiction.all():
            if area.level == "kabkota":
                result.setdefault(area.code, (agency, personnel))
    return result


def deployment_plan(
    user: User, region: Region, *, at: dt.datetime | None = None
) -> Plan:
    """Police and Linmas needed in a kab/kota (per kecamatan) or the province (per
    kab/kota) under the deployment pattern, against the personnel each Polres
    reported, with the shortfall (deployment.py); the TPS classes as of `at`."""
    if region.level not in ("kabkota", "provinsi"):
        raise ValueError("a deployment plan is for a kab/kota or the province")
    pattern = settings.DESKPEMILU_DEPLOYMENT_PATTERN
    child_len = 6 if region.level == "kabkota" else 4
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for tps_row in tps_classes(user, region, at=at):
        counts[tps_row.code[:child_len]][tps_row.tps_class] += 1
    children = Region.objects.filter(parent=region).order_by("code")
    polres = _polres_by_kabkota()
    rows = []
    for child in children:
        by_class = {c: counts[child.code_nodot][c] for c in vulnerability.SHOWN_CLASSES}
        row = PlanRow(
            child.code, child.name, by_class, deployment.need_for(by_class, pattern)
        )
        if region.level == "provinsi" and child.code in polres:
            agency, personnel = polres[child.code]
            row.agency = str(agency)
            if personnel is not None:
                row.police_available = personnel.police
                row.linmas_available = personnel.linmas
        rows.append(row)
    total = PlanRow(region.code, region.name, _sum_counts(rows), _sum_need(rows))
    plan = Plan(
        region,
        rows,
        total,
        pattern={k: p.text() for k, p in pattern.items()},
        patterns=[(k, vulnerability.CLASS_LABELS[k], p) for k, p in pattern.items()],
    )
    if region.level == "kabkota":
        _share_personnel(plan, polres.get(region.code))
    else:
        known = [r for r in rows if r.police_available is not None]
        if known:
            total.police_available = sum(r.police_available or 0 for r in known)
            total.linmas_available = sum(r.linmas_available or 0 for r in known)
    return plan


def _sum_counts(rows: list[PlanRow]) -> dict[str, int]:
    return {c: sum(r.counts[c] for r in rows) for c in vulnerability.SHOWN_CLASSES}


def _sum_need(rows: list[PlanRow]) -> deployment.Need:
    total = deployment.Need()
    for row in rows:
        total += row.need
    return total


def _share_personnel(
    plan: Plan, polres: tuple[Agency, PolresPersonnel | None] | None
) -> None:
    """A kab/kota plan: the Polres total, shared over the kecamatan by need."""
    if polres is None:
        return
    agency, personnel = polres
    plan.total.agency = str(agency)
    plan.personnel = personnel
    if personnel is None:
        return
    plan.total.police_available = personnel.police
    plan.total.linmas_available = personnel.linmas
    police = deployment.allocate(
        personnel.police, {r.code: r.need.police_min for r in plan.rows}
    )
    linmas = deployment.allocate(
        personnel.linmas, {r.code: r.need.linmas for r in plan.rows}
    )
    for row in plan.rows:
        row.police_available = police[row.code]
        row.linmas_available = linmas[row.code]
        row.agency = str(agency)
