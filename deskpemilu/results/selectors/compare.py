"""The desk's recap (areas.recap_table: rebuilt from the desk values, with the
decisions) against the official recap, level by level, each difference with what
lies behind it."""

from __future__ import annotations

from dataclasses import dataclass, field

from deskpemilu.accounts.models import User
from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import TPS, Region
from deskpemilu.results import recap
from deskpemilu.results.areas import in_area, recap_table
from deskpemilu.results.models import (
    Decision,
    FlagStatus,
    OfficialRecap,
    ResultSheet,
    SheetFlag,
)
from deskpemilu.results.selectors.common import area_of
from deskpemilu.results.spec import FIELDS

BEHIND_LIMIT = 50


@dataclass
class Behind:
    """What lies behind an area's difference: its TPS without a sheet, with open
    flags, with a decision, and its sub-areas whose official figures differ too."""

    missing_count: int = 0
    missing_sample: list[str] = field(default_factory=list)
    flagged: dict[str, list[str]] = field(default_factory=dict)
    decided: list[str] = field(default_factory=list)
    areas: list[str] = field(default_factory=list)


@dataclass
class AreaResult:
    comparison: recap.AreaComparison
    name: str
    behind: Behind


def recap_compare(user: User, contest: Contest, region: Region) -> list[AreaResult]:
    """The desk recap against the official recap of every area of a region the
    user can see (404 otherwise), each difference with the TPS behind it."""
    prefix = area_of(user, region)
    table = recap_table(contest, prefix)
    official = {
        o.area_code: {name: getattr(o, name) for name in FIELDS}
        | {f"suara_{i + 1}": v for i, v in enumerate(o.votes)}
        for o in OfficialRecap.objects.filter(
            contest=contest, area_code__startswith=prefix
        )
    }
    regions = {
        r.code_nodot: r for r in Region.objects.filter(code_nodot__in=list(official))
    }
    totals = {c: r.tps_count for c, r in regions.items()}
    if "" in official:
        totals[""] = TPS.objects.count()
    results = []
    comparisons = recap.compare(table, official, totals)
    differing = {c.code for c in comparisons if c.differences}
    for comp in comparisons:
        place = regions.get(comp.code)
        behind = _behind(contest, comp, differing) if comp.differences else Behind()
        name = place.name if place else "Nasional"
        results.append(AreaResult(comp, name, behind))
    return results


def _behind(
    contest: Contest, comp: recap.AreaComparison, differing: set[str]
) -> Behind:
    code = comp.code
    area = in_area(code)
    behind = Behind(missing_count=max(comp.tps_total - comp.tps_with_sheet, 0))
    if behind.missing_count:
        with_sheet = ResultSheet.objects.filter(area, contest=contest, is_primary=True)
        behind.missing_sample = list(
            TPS.objects.filter(in_area(code, "code"))
            .exclude(code__in=with_sheet.values("tps_code"))
            .order_by("code")
            .values_list("code", flat=True)[:BEHIND_LIMIT]
        )
    flags = (
        SheetFlag.objects.filter(area, contest=contest, status=FlagStatus.OPEN)
        .order_by("tps_code", "check_name")
        .values_list("tps_code", "check_name")
    )
    for tps_code, check in flags:
        if tps_code in behind.flagged or len(behind.flagged) < BEHIND_LIMIT:
            checks = behind.flagged.setdefault(tps_code, [])
            if check not in checks:
                checks.append(check)
    fields = [d.field for d in comp.differences]
    behind.decided = list(
        Decision.objects.filter(
            area, contest=contest, superseded_at__isnull=True, field__in=fields
        )
        .order_by("tps_code")
        .values_list("tps_code", flat=True)
        .distinct()[:BEHIND_LIMIT]
    )
    behind.areas = sorted(
        c for c in differing if c != code and c.startswith(code) and len(c) > len(code)
    )
    return behind
