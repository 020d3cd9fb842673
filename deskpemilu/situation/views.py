"""Pages of the situation: the dashboard (the desk's home after login), one region's
situation with its status history and the coordinators' override, and the public
page (no login).

Views read the request, ask access/selectors/services and render. Out of scope is
404 (access.region_for_user_or_404), a role that may not set a status is 403 (the
service raises it), a refused value re-renders the form with the reason (422).
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskpemilu.accounts import access
from deskpemilu.accounts.models import Agency, AgencyKind, User
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core import panels
from deskpemilu.core.dateinput import parse_day
from deskpemilu.core.deskmode import as_of, chosen_now
from deskpemilu.core.errors import ImportFailed, show_error
from deskpemilu.core.timeutil import WIB, wib_date
from deskpemilu.incidents.selectors import IncidentFilters, incident_list
from deskpemilu.incidents.taxonomy import Category, Severity, Status
from deskpemilu.regions.models import Boundary, Region, region_subtree_q
from deskpemilu.regions.selectors import region_breadcrumbs
from deskpemilu.situation import coverage_rules, selectors, services, tps_table
from deskpemilu.situation import status_rules as rules
from deskpemilu.situation.forms import EndOverrideForm, OverrideForm
from deskpemilu.situation.models import Level, RegionStatus
from deskpemilu.situation.services import SituationError
from deskpemilu.situation.vulnerability import CLASS_LABELS, SHOWN_CLASSES

CODE = "__code__"
POLL_SECONDS = 5
HISTORY_PER_PAGE = 20
TPS_PER_PAGE = 50
TPS_LEVELS = ("kabkota", "kecamatan", "desa")  # the province's 33,324 TPS: too many
LEVEL_COLOURS = {
    "aman": "#2e9e4f",
    "waspada": "#f2c12e",
    "siaga": "#f08a24",
    "rawan": "#d62828",
}
UNKNOWN_COLOUR = "#aab2bf"


def _date(raw: str | None) -> dt.date | None:
    return parse_day(raw)


def _int(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() else None


def _labels() -> dict:
    """Translated names for the dashboard's script (codes travel in the JSON)."""
    return {
        "levels": dict(Level.choices),
        "severities": dict(Severity.choices),
        "statuses": dict(Status.choices),
        "categories": dict(Category.choices),
        "stages": coverage_rules.STAGE_LABELS,
        "region_levels": {
            "provinsi": _("Province"),
            "kabkota": _("Regency/City"),
            "kecamatan": _("District (kecamatan)"),
            "desa": _("Village (desa/kelurahan)"),
        },
    }


def _texts() -> dict:
    return {
        "centre": _("placed at the centre of its region (no GPS point)"),
        "truncated": _("Map: the latest %s incidents of the period"),
        "points": _("%s incidents on the map"),
        "not_computed": _("not computed yet"),
        "status_at": _("status as of %s WIB"),
        "counted_at": _("counts as of %s WIB"),
        "failed": _("Could not update"),
        "checked": _("Live: last checked %s"),
    }


def _boot(summary: dict, marks: dict, chosen: dt.datetime | None = None) -> dict:
    """What the dashboard's script starts from: the first summary, the marks for
    its first poll, the endpoints (with __code__ for the region), colours, labels.
    A moment chosen in the header travels in the status endpoints' URLs (`at`), so
    the map and the region table keep showing that moment as they refresh."""
    api = reverse("api:api-root")
    at = f"?{urlencode({'at': chosen.isoformat()})}" if chosen else ""
    return {
        "summary": summary,
        "marks": {"event": marks["event"], "incident": marks["incident"]},
        "text": _texts(),
        "poll_seconds": POLL_SECONDS,
        "point_limit": selectors.dashboard.POINT_LIMIT,
        "colours": LEVEL_COLOURS | {"": UNKNOWN_COLOUR},
        "labels": _labels(),
        "order": {
            "severities": list(rules.SEVERITIES),
            "statuses": list(selectors.dashboard.STATUS_INDEX),
            "categories": list(Category.values),
        },
        "urls": {
            "summary": reverse("api:dashboard_summary", args=[CODE]) + at,
            "points": reverse("api:dashboard_points", args=[CODE]),
            "changes": reverse("api:dashboard_changes", args=[CODE]) + at,
            "status": f"{api}situation/status{at}",
            "boundaries": reverse("api:region_boundaries", args=[CODE]),
            "region": reverse("situation:region", args=[CODE]),
            "incident": reverse("incidents:detail", args=[1]).replace(
                "/1/", f"/{CODE}/"
            ),
            "incidents": reverse("incidents:list"),
            "incident_api": f"{api}incidents/{CODE}",
        },
    }


def _display(summary: dict) -> dict:
    """The summary's codes with their labels, for the first render of the page (the
    script renders later updates from the same JSON)."""
    labels = _labels()
    status = summary["status"]
    coverage = summary["coverage"] or {"stages": []}
    return {
        "level_label": labels["levels"].get(status["level"]) if status else None,
        "severity_rows": [
            (key, labels["severities"][key], n)
            for key, n in summary["by_severity"].items()
        ],
        "status_rows": [
            (key, labels["statuses"][key], n) for key, n in summary["by_status"].items()
        ],
        "coverage_rows": [
            (i, row, labels["stages"][row["stage"]])
            for i, row in enumerate(coverage["stages"])
        ],
        "coverage_day": parse_day(coverage.get("vote_date")),
        "legend": [
            (key, labels["levels"][key], colour)
            for key, colour in LEVEL_COLOURS.items()
        ],
        "children_rows": [
            child | {"label": labels["levels"].get(child["status"] or "", "—")}
            for child in summary["children"]
        ],
    }


def dashboard_page(request: AuthedRequest, extra: dict | None = None) -> HttpResponse:
    """The dashboard of the user's scope (or the region asked for with ?wilayah=):
    the map coloured by status, tiles, charts, filters by stage and period."""
    user = request.user
    roots = access.scope_roots(user)
    context = dict(extra or {}) | {"roots": roots}
    if not roots:
        return render(request, "situation/dashboard.html", context)
    code = request.GET.get("wilayah", "")
    region = access.region_for_user_or_404(user, code) if code else roots[0]
    period = selectors.dashboard_period(
        date_from=_date(request.GET.get("date_from")),
        date_to=_date(request.GET.get("date_to")),
        stage_id=_int(request.GET.get("stage")),
        today=wib_date(as_of(request)),
    )
    # Statuses follow a moment a person chose; the desk's own clock (a drill's, the
    # demo's) is the stored statuses' own, computed at it.
    chosen = chosen_now(request)
    summary = selectors.dashboard_summary(user, region, period, at=chosen)
    context |= {
        "region": region,
        "summary": summary,
        "period": period,
        # The stage card's election (the home page's), not looked up again.
        "stages": selectors.stage_choices(context.get("election")),
        "boot": _boot(summary, selectors.dashboard_marks(), chosen),
        "status_as_of": chosen,
        "new_reports": [
            row | {"severity_label": Severity(row["severity"]).label}
            for row in selectors.dashboard_new(user, region)
        ],
        "show": _display(summary),
    }
    context |= panels.extras("dashboard", user=user, region=region, now=as_of(request))
    return render(request, "situation/dashboard.html", context)


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    """/situasi/ is the home page's dashboard."""
    query = request.META.get("QUERY_STRING", "")
    return redirect(reverse("home") + (f"?{query}" if query else ""))


# One region -------------------------------------------------------------------------


def _statement_period(request: HttpRequest) -> tuple[dt.date, dt.date]:
    today = wib_date(as_of(request))
    first = _date(request.GET.get("dari")) or today
    last = _date(request.GET.get("sampai")) or first
    if last < first:
        first, last = last, first
    return first, min(last, first + dt.timedelta(days=400))


def _tps_page(request: AuthedRequest, region: Region) -> dict | None:
    if region.level not in TPS_LEVELS:
        return None
    rows = selectors.tps_classes(request.user, region, at=as_of(request))
    wanted = request.GET.get("kelas", "")
    shown = [r for r in rows if r.tps_class == wanted] if wanted else rows
    counts = selectors.class_counts(rows)
    return {
        "counts": [(key, CLASS_LABELS[key], n) for key, n in counts.items()],
        "total": len(rows),
        "with_data": sum(1 for r in rows if r.has_data),
        "wanted": wanted,
        "page": Paginator(shown, TPS_PER_PAGE).get_page(request.GET.get("tps")),
    }


def _coverage(request: AuthedRequest, region: Region) -> selectors.Coverage | None:
    try:
        moment = as_of(request)
        return selectors.coverage_summary(request.user, region, at=moment, upto=moment)
    except Http404:  # no election loaded yet
        return None


def _region_context(request: AuthedRequest, region: Region) -> dict:
    user = request.user
    first, last = _statement_period(request)
    start = dt.datetime.combine(first, dt.time.min, tzinfo=WIB)
    end = dt.datetime.combine(last, dt.time.min, tzinfo=WIB) + dt.timedelta(days=1)
    # Said of what the desk knew at its "as of" moment: a period running past it
    # ends there.
    moment = as_of(request)
    until = moment if start < moment < end else None
    history = selectors.region_status_history(user, region)
    status = selectors.region_status(user, region)
    return {
        "region": region,
        "crumbs": region_breadcrumbs(user, region),
        "status": status,
        "then": _status_then(request, region, status),
        "history": Paginator(history, HISTORY_PER_PAGE).get_page(
            request.GET.get("riwayat")
        ),
        "can_override": access.can_override_status(user, region),
        "statement": selectors.region_statement(user, region, start, until or end),
        "statement_from": first,
        "statement_to": last,
        "statement_until": until,
        "incidents": list(
            incident_list(user, IncidentFilters(region=region.code))[:10]
        ),
        "tps": _tps_page(request, region),
        "coverage": _coverage(request, region),
        "colours": LEVEL_COLOURS,
    }


def _status_then(
    request: AuthedRequest, region: Region, status: RegionStatus | None
) -> selectors.StatusThen | None:
    """The region's status at the moment chosen in the header, from its history,
    when the stored one was computed after it (None: the stored one is shown)."""
    chosen = chosen_now(request)
    if chosen is None or selectors.stored_is_current(
        status.computed_at if status else None, chosen
    ):
        return None
    return selectors.statuses_then(Region.objects.filter(pk=region.pk), chosen)[
        region.pk
    ]


def _current_level(request: AuthedRequest, region: Region) -> str | None:
    status = selectors.region_status(request.user, region)
    return status.level if status else None


def _default_override(current: str | None) -> OverrideForm:
    until = timezone.localtime(timezone.now() + dt.timedelta(hours=24), WIB)
    return OverrideForm(
        initial={"expires_at": until.replace(second=0, microsecond=0)},
        current=current,
    )


def _render_region(
    request: AuthedRequest,
    region: Region,
    *,
    form: OverrideForm | None = None,
    status: int = 200,
) -> HttpResponse:
    context = _region_context(request, region)
    status_row = context["status"]
    current = status_row.level if status_row else None
    context |= {
        "form": form or _default_override(current),
        "end_form": EndOverrideForm(),
    }
    context |= panels.extras("region_page", user=request.user, region=region)
    return render(request, "situation/region.html", context, status=status)


@login_required
def region_situation(request: AuthedRequest, code: str) -> HttpResponse:
    region = access.region_for_user_or_404(request.user, code)
    return _render_region(request, region)


@login_required
@require_POST
def override_create(request: AuthedRequest, code: str) -> HttpResponse:
    region = access.region_for_user_or_404(request.user, code)
    if not access.can_override_status(request.user, region):
        raise PermissionDenied("only a coordinator may set a region's status")
    form = OverrideForm(request.POST, current=_current_level(request, region))
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.status_override_create(
                actor=request.user,
                region=region,
                level=data["level"],
                reason=data["reason"],
                expires_at=data["expires_at"],
            )
        except SituationError as error:
            show_error(form, error)
        else:
            return redirect("situation:region", code=region.code)
    return _render_region(request, region, form=form, status=422)


@login_required
@require_POST
def override_end(request: AuthedRequest, override_id: int) -> HttpResponse:
    override = selectors.override_for_user_or_404(request.user, override_id)
    form = EndOverrideForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        services.status_override_end(
            actor=request.user, override=override, reason=reason
        )
    except SituationError:
        pass  # already ended: the page shows it
    return redirect("situation:region", code=override.region.code)


# Public ---------------------------------------------------------------------------


def _kabkota_outlines() -> dict:
    """The light outlines of the kab/kota as GeoJSON (public: no scope needed)."""
    rows = (
        Boundary.objects.filter(region__level="kabkota")
        .order_by("region__code")
        .values_list("region__code", "region__name", "geometry_light")
    )
    features = [
        {
            "type": "Feature",
            "properties": {"kode": code, "nama": name},
            "geometry": json.loads(geometry),
        }
        for code, name, geometry in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def public_status(request: HttpRequest) -> HttpResponse:
    """The province's and each kab/kota's status and the verified incidents of the
    last 7 days by category, for anyone, with the public report form a click away.
    The period ends on the day of the desk's "as of" moment (its demo or drill
    clock, or a moment a signed-in person chose), the statement at the moment."""
    situation = selectors.public_situation(at=as_of(request))
    levels = {row["code"]: row["level"] or "" for row in situation.kabkota}
    names = dict(Level.choices)
    context = {
        "situation": situation,
        "statement": situation.statement,
        "kabkota": [
            row | {"label": names.get(row["level"] or "", "—")}
            for row in situation.kabkota
        ],
        "legend": [(k, names[k], colour) for k, colour in LEVEL_COLOURS.items()],
        "map_data": {
            "levels": levels,
            "colours": LEVEL_COLOURS | {"": UNKNOWN_COLOUR},
            "labels": dict(Level.choices),
        },
        "outlines": _kabkota_outlines(),
    }
    return render(request, "situation/public.html", context)


# Deployment plan and TPS rawan ------------------------------------------------------


PLAN_LEVELS = ("kabkota", "provinsi")


def _polres_choices(user: User, region: Region) -> list[Agency]:
    """The Polres the user may see, in this region (the same lookup as the API's)."""
    return list(
        Agency.objects.filter(
            kind=AgencyKind.POLRI,
            region__in=access.regions_visible(user),
        )
        .filter(region_subtree_q(region.code, field="region__code_nodot"))
        .select_related("region")
        .order_by("code")
    )


def _plan_rows(plan: selectors.Plan) -> list[tuple[selectors.PlanRow, list[int]]]:
    classes = list(SHOWN_CLASSES)
    return [(row, [row.counts[c] for c in classes]) for row in [*plan.rows, plan.total]]


@login_required
def deployment_page(request: AuthedRequest, code: str) -> HttpResponse:
    """The deployment plan of a kab/kota (per kecamatan) or the province (per kab/
    kota), and the Polres personnel form (selectors/services as the API)."""
    user = request.user
    region = access.region_for_user_or_404(user, code)
    if region.level not in PLAN_LEVELS:
        raise Http404("a deployment plan is for a kab/kota or the province")
    agencies = _polres_choices(user, region)
    error = ""
    status = 200
    if request.method == "POST":
        if not access.can_write(user):
            raise PermissionDenied("read-only role")
        agency = next(
            (a for a in agencies if a.code == request.POST.get("agency", "")), None
        )
        if agency is None:
            raise Http404("agency not found")
        try:
            police = int(request.POST.get("police", ""))
            linmas = int(request.POST.get("linmas", ""))
        except ValueError:
            error = _("Enter whole numbers for police and Linmas.")
        else:
            try:
                services.polres_personnel_set(
                    actor=user,
                    agency=agency,
                    police=police,
                    linmas=linmas,
                    note=request.POST.get("note", ""),
                )
            except SituationError as exc:
                error = exc.message
            else:
                return redirect("situation:deployment", code=region.code)
        status = 422
    plan = selectors.deployment_plan(user, region, at=as_of(request))
    context = {
        "region": region,
        "plan": plan,
        "rows": _plan_rows(plan),
        "classes": [(c, CLASS_LABELS[c]) for c in SHOWN_CLASSES],
        "agencies": agencies,
        "can_write": access.can_write(user),
        "error": error,
        "classes_as_of": chosen_now(request),
    }
    return render(request, "situation/deployment.html", context, status=status)


@login_required
def tps_rawan_template(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse(tps_table.template_csv(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="templat_tps_rawan.csv"'
    return response


@login_required
def tps_rawan_page(request: AuthedRequest, code: str) -> HttpResponse:
    """Upload the TPS-rawan indicators (the API's import service) and list the TPS
    of the region with their class and why."""
    user = request.user
    region = access.region_for_user_or_404(user, code)
    report = None
    problems: list = []
    error = ""
    status = 200
    if request.method == "POST":
        if not access.can_write(user):
            raise PermissionDenied("read-only role")
        upload = request.FILES.get("file")
        if upload is None:
            error = _("Choose a CSV or XLSX file.")
            status = 422
        else:
            data = upload.read(tps_table.MAX_BYTES + 1)
            try:
                report = services.tps_rawan_import(
                    name=upload.name or "unggahan", data=data, actor=user
                )
            except ImportFailed as exc:
                problems = exc.problems[:200]
                error = _("Import refused: nothing was changed.")
                status = 422
    rows = selectors.tps_classes(user, region, at=as_of(request))
    context = {
        "region": region,
        "report": report,
        "problems": problems,
        "problem_count": len(problems),
        "error": error,
        "can_write": access.can_write(user),
        "total": len(rows),
        "with_data": sum(1 for r in rows if r.has_data),
        "page": Paginator(rows, TPS_PER_PAGE).get_page(request.GET.get("halaman")),
    }
    return render(request, "situation/tps_rawan.html", context, status=status)


def _watch_day(request: HttpRequest) -> tuple[dt.date | None, dt.date | None]:
    """The voting day the watchlist counts: the one chosen on the page (?hari=, a
    rehearsal on another day), else the election's (None); and the day of the desk's
    "as of" moment, offered as a choice when it is another day."""
    return _date(request.GET.get("hari")), wib_date(as_of(request))


@login_required
def watchlist(request: AuthedRequest, code: str) -> HttpResponse:
    """Election-day watchlist: the TPS not yet heard from for a stage by the desk's
    "as of" moment, most urgent first (vulnerability class, then how long silent),
    the count per kecamatan, and whom to call (phones masked unless the user may see
    personal data)."""
    region = access.region_for_user_or_404(request.user, code)
    stage = request.GET.get("tahap", coverage_rules.STAGES[0])
    if stage not in coverage_rules.STAGES:
        raise Http404("unknown stage")
    chosen_day, as_of_day = _watch_day(request)
    at = as_of(request)
    watch = selectors.watch_order(
        request.user, region, stage, at=at, vote_date=chosen_day
    )
    page = Paginator(watch.order, 50).get_page(request.GET.get("hal"))
    tps_list = selectors.tps_in_order(list(page.object_list))
    rows = selectors.missing_rows(
        request.user,
        tps_list,
        stage,
        at=at,
        vote_date=watch.vote_date,
        classes=watch.classes,
    )
    context = {
        "region": region,
        "stage": stage,
        "stages": [(s, coverage_rules.STAGE_LABELS[s]) for s in coverage_rules.STAGES],
        "stage_label": coverage_rules.STAGE_LABELS[stage],
        "page": page,
        "rows": rows,
        "watch": watch,
        "day_chosen": chosen_day is not None,
        "as_of_day": as_of_day if as_of_day != watch.vote_date else None,
        "class_labels": CLASS_LABELS,
        "past_deadline": at > watch.deadline,
        "query": urlencode(
            {"tahap": stage} | ({"hari": chosen_day.isoformat()} if chosen_day else {})
        ),
    }
    context |= panels.extras(
        "watchlist", user=request.user, region=region, tps_list=tps_list
    )
    return render(request, "situation/watchlist.html", context)
