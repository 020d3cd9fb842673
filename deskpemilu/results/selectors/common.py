"""Shared pieces of the results reads: the contest the desk is watching, the user's
places, and the labels of the fields."""

from __future__ import annotations

from typing import Any, cast

from django.db.models import Field
from django.http import Http404

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import Region
from deskpemilu.results.models import ResultSheet
from deskpemilu.results.spec import FIELDS


def area_of(user: User, region: Region) -> str:
    """The area (undotted code) of a region the user may see; 404 otherwise. Every
    read of a region's results starts here, whoever looked the region up."""
    if not access.access_for(user).sees_code(region.code):
        raise Http404("region not found")
    return region.code_nodot


# Pages and API: the contest, the user's places, the labels --------------------------


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


def home_region(user: User, code: str = "") -> Region:
    """The region a results page opens at: the one asked for (404 if the user may
    not see it), else the user's first scope."""
    if code:
        return access.region_for_user_or_404(user, code)
    roots = sorted(access.scope_roots(user), key=lambda r: r.code)
    if not roots:
        raise Http404("no region in scope")
    return roots[0]


def field_labels(contest: Contest) -> dict[str, str]:
    meta = ResultSheet._meta
    # FIELDS are the sheet's own columns, never a relation.
    labels = {
        n: str(cast("Field[Any, Any]", meta.get_field(n)).verbose_name) for n in FIELDS
    }
    for i, label in enumerate(candidate_labels(contest)):
        labels[f"suara_{i + 1}"] = label
    return labels


def field_choices(contest: Contest) -> list[tuple[str, str]]:
    """(field, label) of every field a decision may keep."""
    return list(field_labels(contest).items())
