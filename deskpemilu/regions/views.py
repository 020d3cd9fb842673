"""Pages of the region tree: one page per region, under the card of the election's
current stage (`stage_context`, which the desk's home page uses too)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from deskpemilu.accounts.access import region_for_user_or_404
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.dateinput import parse_day
from deskpemilu.core.deskmode import as_of
from deskpemilu.core.timeutil import WIB
from deskpemilu.elections.selectors import election_current, election_stage_at
from deskpemilu.regions import selectors
from deskpemilu.regions.models import Region


def _moment(request: HttpRequest) -> tuple[dt.datetime, dt.date | None]:
    """The desk's moment (as_of: the header's choice, the demo's or drill's clock,
    else now), or noon WIB of the day asked for with ?tanggal= (dd/mm/yyyy or ISO)."""
    day = parse_day(request.GET.get("tanggal"))
    if day is None:
        return timezone.localtime(as_of(request), WIB), None
    return dt.datetime.combine(day, dt.time(12), tzinfo=WIB), day


def stage_context(request: HttpRequest) -> dict[str, object]:
    """The election, its stage now (or at noon of ?tanggal=) and the day asked for:
    the context of the stage card (regions/_stage.html)."""
    election = election_current()
    moment, asked = _moment(request)
    status = election_stage_at(election, moment) if election else None
    return {"election": election, "stage": status, "asked_day": asked}


def _region_context(request: AuthedRequest, region: Region) -> dict[str, object]:
    user = request.user
    context: dict[str, object] = {
        "region": region,
        "crumbs": selectors.region_breadcrumbs(user, region),
        "children": list(selectors.region_children(user, region)),
    }
    if region.level == "desa":
        context["tps_list"] = list(selectors.region_tps(user, region))
    return context


@login_required
def region_detail(request: AuthedRequest, code: str) -> HttpResponse:
    region = region_for_user_or_404(request.user, code)
    context = stage_context(request) | _region_context(request, region)
    return render(request, "regions/region_detail.html", context)


@login_required
def place_search(request: AuthedRequest) -> HttpResponse:
    """The places in the user's scope whose name matches what is being typed, as the
    <option>s of a form's <datalist> (htmx swaps them in): ?q= (or the field's own
    name, region or tps); with tps=, the TPS of the matching desa."""
    params = request.GET
    text = params.get("q") or params.get("region") or params.get("tps") or ""
    places = selectors.search_places(request.user, text, tps="tps" in params)
    return render(request, "regions/_place_options.html", {"places": places})
