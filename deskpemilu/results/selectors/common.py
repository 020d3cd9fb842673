"""Shared pieces of the results reads: the code-range filters and the SQL for a vote
column, the contest the desk is watching, the user's places, one sheet's value and the
labels of the fields."""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from deskpemilu.accounts import access
from deskpemilu.core.db import postgres
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import next_prefix, nodot
from deskpemilu.regions.models import Region
from deskpemilu.results.models import ResultSheet
from deskpemilu.results.spec import FIELDS


def _range_sql(prefix: str) -> tuple[str, list[str]]:
    if not prefix:
        return "", []
    return " AND tps_code >= %s AND tps_code < %s", [prefix, next_prefix(prefix)]


def in_area(code: str, field: str = "tps_code") -> Q:
    """A range on an undotted code column: everything under `code` ("" = all)."""
    if not code:
        return Q()
    return Q(**{f"{field}__gte": code, f"{field}__lt": next_prefix(code)})


def _vote_sql(i: int) -> str:
    return f"CAST(votes ->> {i} AS INTEGER)" if postgres() else f"(votes ->> {i})"


def _sheet_value(sheet: ResultSheet | None, name: str) -> int | None:
    if sheet is None:
        return None
    if name in FIELDS:
        return getattr(sheet, name)
    n = int(name.removeprefix("suara_"))
    return sheet.votes[n - 1] if n <= len(sheet.votes) else None


# Pages and API: the contest, the user's places, desk values, progress, queue ---------


def contest_current(kind: str = "") -> Contest:
    """The contest of this kind (default the presidential race) of the election the
    desk is watching; 404 when there is none."""
    qs = Contest.objects.filter(kind=kind or "ppwp").order_by("-election__vote_date")
    contest = qs.prefetch_related("candidates").first()
    if contest is None:
        raise Http404("contest not found")
    return contest


def candidate_labels(contest: Contest) -> list[str]:
    """ "01 Anies-Muhaimin" ... by ballot number (index n-1), as the pages show them."""
    by_number = {c.number: c.short_name or c.name for c in contest.candidates.all()}
    k = max(by_number, default=0)
    return [f"{n:02d} {by_number.get(n, '')}".strip() for n in range(1, k + 1)]


def scope_prefixes(user) -> list[str]:
    """The undotted code prefixes of the user's scope ("" = everything)."""
    acc = access.access_for(user)
    if acc.everything:
        return [""]
    return [nodot(c) for c in acc.scope_codes]


def home_region(user, code: str = "") -> Region:
    """The region a results page opens at: the one asked for (404 if the user may
    not see it), else the user's first scope."""
    if code:
        return access.region_for_user_or_404(user, code)
    roots = sorted(access.scope_roots(user), key=lambda r: r.code)
    if not roots:
        raise Http404("no region in scope")
    return roots[0]


def field_labels(contest: Contest) -> dict[str, str]:
    labels = {n: str(ResultSheet._meta.get_field(n).verbose_name) for n in FIELDS}
    for i, label in enumerate(candidate_labels(contest)):
        labels[f"suara_{i + 1}"] = label
    return labels


def field_choices(contest: Contest) -> list[tuple[str, str]]:
    """(field, "field: label") of every field a decision may keep."""
    return [(n, f"{n}: {label}") for n, label in field_labels(contest).items()]
