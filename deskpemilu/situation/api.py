"""Situation endpoints: region statuses for the map and their history, overrides, the
statement for the record, TPS classes and indicators, the deployment plan,
election-day coverage, and the dashboard's data (tiles and charts, the map's
incidents, changes since the last poll). Session login; everything limited to the
user's scope (out of scope answers 404, a role that may not write answers 403). A
refusal (SituationError) answers 422 through the API's one handler (deskpemilu/api.py).
"""

# No `from __future__ import annotations`: @paginate wraps the views, and ninja
# would then look the string annotations up in the pagination module.
import datetime as dt
import json
from typing import Annotated

from django.http import Http404, HttpResponse
from django.views.decorators.gzip import gzip_page
from ninja import File, Path, Query, Router, Status
from ninja.decorators import decorate_view
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.security import django_auth

from deskpemilu.accounts.access import region_for_user_or_404, regions_visible
from deskpemilu.accounts.models import Agency, AgencyKind
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.errors import ImportFailed
from deskpemilu.core.schemas import (
    MAX_ID,
    MAX_OFFSET,
    READ,
    WRITE,
    AwareIsoDateTime,
    Page,
    errors,
    file_response,
)
from deskpemilu.core.timeutil import WIB
from deskpemilu.situation import coverage_rules, selectors, services, tps_table
from deskpemilu.situation.schemas import (
    ChangeOut,
    ChangesQuery,
    ClassCountsOut,
    CoverageOut,
    CoverageQuery,
    DashboardQuery,
    ImportErrorOut,
    ImportOut,
    MissingPageOut,
    MissingQuery,
    OverrideEndIn,
    OverrideIn,
    OverrideOut,
    PersonnelIn,
    PersonnelOut,
    PlanOut,
    StatementOut,
    StatementQuery,
    StatusDetailOut,
    StatusOut,
    TpsClassOut,
    TpsClassQuery,
    TpsRiskIn,
    TpsRiskOut,
)
from deskpemilu.situation.services import SituationError

router = Router(tags=["situasi / situation"], auth=django_auth)
ERRORS = errors(*READ)
WRITES = errors(*WRITE)
OverrideId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_STATEMENT_DAYS = 400


# Region status -----------------------------------------------------------------


@router.get("/status", response={200: list[StatusOut], **ERRORS}, summary="Peta status")
def status_list(
    request: AuthedRequest,
    level: str = "",
    within: str = "",
    at: AwareIsoDateTime | None = None,
):
    """Every region's status (optionally one level, under one region), for the map;
    with `at`, as it was then (a region computed later: its history's level, without
    counts). The dashboard passes the page's "as of" moment."""
    region = region_for_user_or_404(request.user, within) if within else None
    return selectors.region_status_map(request.user, level=level, within=region, at=at)


@router.get("/status/{code}", response={200: StatusDetailOut, **ERRORS})
def status_detail(request: AuthedRequest, code: str):
    region = region_for_user_or_404(request.user, code)
    status = selectors.region_status(request.user, region)
    if status is None:
        raise Http404("not computed yet")
    return status


@router.get("/status/{code}/history", response={200: list[ChangeOut], **ERRORS})
@paginate(Page)
def status_history(request: AuthedRequest, code: str):
    region = region_for_user_or_404(request.user, code)
    return selectors.region_status_history(request.user, region)


@router.post("/status/{code}/override", response={201: OverrideOut, **WRITES})
def override_create(request: AuthedRequest, code: str, body: OverrideIn):
    """Set a region's status by hand (coordinators), with a reason and an expiry."""
    region = region_for_user_or_404(request.user, code)
    override = services.status_override_create(
        actor=request.user, region=region, **body.dict()
    )
    return Status(201, override)


@router.post("/overrides/{override_id}/end", response={200: OverrideOut, **WRITES})
def override_end(request: AuthedRequest, override_id: OverrideId, body: OverrideEndIn):
    override = selectors.override_for_user_or_404(request.user, override_id)
    return services.status_override_end(
        actor=request.user, override=override, reason=body.reason
    )


@router.get("/statement/{code}", response={200: StatementOut, **ERRORS})
def statement(request: AuthedRequest, code: str, q: Query[StatementQuery]):
    """The statement for the record for a region and a period of whole days (WIB)."""
    region = region_for_user_or_404(request.user, code)
    days = (q.date_to - q.date_from).days
    if not 0 <= days <= MAX_STATEMENT_DAYS:
        message = f"Periode harus 1 sampai {MAX_STATEMENT_DAYS} hari, urut."
        raise SituationError("bad_period", message)
    start = dt.datetime.combine(q.date_from, dt.time.min, tzinfo=WIB)
    end = dt.datetime.combine(q.date_to, dt.time.min, tzinfo=WIB) + dt.timedelta(1)
    return selectors.region_statement(request.user, region, start, end)


# TPS vulnerability -----------------------------------------------------------------


@router.get("/tps-classes/{code}", response={200: list[TpsClassOut], **ERRORS})
@paginate(Page)
def tps_class_list(request: AuthedRequest, code: str, q: Query[TpsClassQuery]):
    """The class of every TPS in a region, by TPS code."""
    region = region_for_user_or_404(request.user, code)
    rows = selectors.tps_classes(request.user, region)
    return [r for r in rows if r.tps_class == q.tps_class] if q.tps_class else rows


@router.get("/tps-classes/{code}/counts", response={200: ClassCountsOut, **ERRORS})
def tps_class_counts(request: AuthedRequest, code: str):
    region = region_for_user_or_404(request.user, code)
    rows = selectors.tps_classes(request.user, region)
    return {
        "region_code": region.code,
        "total": len(rows),
        "counts": selectors.class_counts(rows),
        "with_data": sum(1 for r in rows if r.has_data),
    }


@router.get("/tps/{tps_code}", response={200: TpsRiskOut, **ERRORS})
def tps_risk(request: AuthedRequest, tps_code: str):
    """One TPS: its indicators, its class and why."""
    tps = selectors.tps_for_user_or_404(request.user, tps_code)
    return selectors.tps_risk(request.user, tps)


@router.put("/tps/{tps_code}", response={200: TpsRiskOut, **WRITES})
def tps_risk_update(request: AuthedRequest, tps_code: str, body: TpsRiskIn):
    tps = selectors.tps_for_user_or_404(request.user, tps_code)
    services.tps_vulnerability_update(
        actor=request.user, tps=tps, indicators=body.indicators, note=body.note
    )
    return selectors.tps_risk(request.user, tps)


@router.get(
    "/tps-rawan/template.csv",
    summary="Templat CSV indikator TPS rawan",
    response={200: None, **errors(401)},
    openapi_extra=file_response("text/csv", "CSV template"),
)
def tps_rawan_template_csv(request: AuthedRequest):
    response = HttpResponse(tps_table.template_csv(), content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="templat_tps_rawan.csv"'
    return response


@router.get(
    "/tps-rawan/template.xlsx",
    summary="Templat XLSX indikator TPS rawan",
    response={200: None, **errors(401)},
    openapi_extra=file_response(XLSX, "XLSX template"),
)
def tps_rawan_template_xlsx(request: AuthedRequest):
    response = HttpResponse(tps_table.template_xlsx(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="templat_tps_rawan.xlsx"'
    return response


@router.post(
    "/tps-rawan/import",
    response={200: ImportOut, **WRITES, 422: ImportErrorOut},
    summary="Impor indikator TPS rawan (CSV/XLSX)",
)
def tps_rawan_import(request: AuthedRequest, file: File[UploadedFile]):
    data = file.read(tps_table.MAX_BYTES + 1)
    try:
        return services.tps_rawan_import(
            name=file.name or "unggahan", data=data, actor=request.user
        )
    except ImportFailed as exc:
        problems = [str(p) for p in exc.problems[:200]]
        message = f"Impor dibatalkan: {len(exc.problems)} masalah ditemukan."
        body = {"code": "import_failed", "message": message, "problems": problems}
        return Status(422, body)


# Deployment -----------------------------------------------------------------


@router.get("/deployment/{code}", response={200: PlanOut, **ERRORS})
def deployment_plan(request: AuthedRequest, code: str):
    """Police and Linmas needed per kecamatan (kab/kota) or per kab/kota (province),
    against the personnel each Polres reported."""
    region = region_for_user_or_404(request.user, code)
    if region.level not in ("kabkota", "provinsi"):
        message = "Rencana pengamanan disusun per kab/kota atau provinsi."
        raise SituationError("bad_level", message, "code")
    return selectors.deployment_plan(request.user, region)


@router.put("/personnel/{agency_code}", response={200: PersonnelOut, **WRITES})
def personnel_set(request: AuthedRequest, agency_code: str, body: PersonnelIn):
    """The police and Linmas a Polres can deploy (its liaison or desk staff)."""
    agency = (
        Agency.objects.filter(
            code=agency_code,
            kind=AgencyKind.POLRI,
            region__in=regions_visible(request.user),
        )
        .select_related("region")
        .first()
    )
    if agency is None:
        raise Http404("agency not found")
    return services.polres_personnel_set(
        actor=request.user, agency=agency, **body.dict()
    )


# Coverage -----------------------------------------------------------------


@router.get("/coverage/{code}", response={200: CoverageOut, **ERRORS})
def coverage(request: AuthedRequest, code: str, q: Query[CoverageQuery]):
    """Per stage of voting day: TPS checked in, missing and silent, per child region."""
    region = region_for_user_or_404(request.user, code)
    return selectors.coverage_summary(request.user, region, at=q.at, vote_date=q.day)


@router.get("/coverage/{code}/missing", response={200: MissingPageOut, **ERRORS})
def coverage_missing(
    request: AuthedRequest,
    code: str,
    q: Query[MissingQuery],
    limit: int = Query(100, ge=1, le=500),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
):
    """The TPS not yet heard from for a stage, with the person to call; `silent`
    once the stage's deadline has passed (the watchlist)."""
    region = region_for_user_or_404(request.user, code)
    if q.stage not in coverage_rules.STAGES:
        message = "Tahap harus buka, tutup, hitung atau kirim."
        raise SituationError("bad_stage", message, "stage")
    qs = selectors.coverage_missing(request.user, region, q.stage, vote_date=q.day)
    page = list(qs[offset : offset + limit])
    rows = selectors.missing_rows(request.user, page, q.stage, at=q.at, vote_date=q.day)
    return {"count": qs.count(), "items": rows}


# Dashboard -----------------------------------------------------------------
# Plain JSON written straight from the selectors' dicts (2,000 map points would cost
# more to validate than to read), gzip-compressed.


def _json(data: dict) -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    response = HttpResponse(body, content_type="application/json")
    response["Cache-Control"] = "private, no-cache"
    return response


def _period(q: DashboardQuery) -> selectors.Period:
    return selectors.dashboard_period(
        date_from=q.date_from, date_to=q.date_to, stage_id=q.stage
    )


@router.get(
    "/dashboard/{code}",
    response={200: dict, **ERRORS},
    url_name="dashboard_summary",
    summary="Dasbor: ubin dan grafik / tiles and charts",
)
@decorate_view(gzip_page)
def dashboard_summary(
    request: AuthedRequest,
    code: str,
    q: Query[DashboardQuery],
    at: AwareIsoDateTime | None = None,
):
    """Counts by severity and status, overdue follow-ups, voting-day coverage, the
    region's status, incidents per day and category, and the children's counts, for
    a period (default: the last 7 days) and optionally a stage; with `at`, the
    statuses as they were then (the dashboard passes the page's chosen moment)."""
    region = region_for_user_or_404(request.user, code)
    return _json(selectors.dashboard_summary(request.user, region, _period(q), at=at))


@router.get(
    "/dashboard/{code}/incidents",
    response={200: dict, **ERRORS},
    url_name="dashboard_points",
    summary="Dasbor: kejadian di peta / incidents on the map",
)
@decorate_view(gzip_page)
def dashboard_points(request: AuthedRequest, code: str, q: Query[DashboardQuery]):
    """The latest 2,000 incidents of the period (rejected ones left out) as rows
    [id, lat, lng, severity, status, category, exact]: indexes into the severities
    (ringan..kritis), statuses (baru, terverifikasi, ditangani, selesai, ditolak) and
    categories in their documented order; `exact` 0 means the region's centre."""
    region = region_for_user_or_404(request.user, code)
    return _json(selectors.dashboard_points(request.user, region, _period(q)))


@router.get(
    "/dashboard/{code}/changes",
    response={200: dict, **ERRORS},
    url_name="dashboard_changes",
    summary="Dasbor: perubahan sejak / changes since",
)
def dashboard_changes(
    request: AuthedRequest,
    code: str,
    q: Query[ChangesQuery],
    at: AwareIsoDateTime | None = None,
):
    """Polled every few seconds by the dashboard: marks to send back next time, the
    incidents reported in the region since the `incident` mark, whether anything
    changed since the `event` mark, and when status and counts were recomputed (with
    `at`, the page's chosen moment, as the summary does)."""
    region = region_for_user_or_404(request.user, code)
    return _json(
        selectors.dashboard_changes(
            request.user, region, event_after=q.event, incident_after=q.incident, at=at
        )
    )
