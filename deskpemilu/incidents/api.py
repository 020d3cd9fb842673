"""Incident endpoints of the API: the list, one incident, its workflow, assignments.

Errors answer `{"code", "message", "field"}` (handlers in deskpemilu/api.py):
IncidentError 422, Conflict 409, not allowed 403, out of scope or absent 404.
"""

# No `from __future__ import annotations`: @paginate wraps the views, and ninja
# would then look the string annotations up in the pagination module.
from typing import Annotated

from ninja import Path, Query, Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from deskpemilu.accounts.access import incident_for_user_or_404
from deskpemilu.accounts.models import Agency
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.schemas import MAX_ID, READ, WRITE, Page, errors
from deskpemilu.incidents import selectors, services
from deskpemilu.incidents.schemas import (
    AssignIn,
    AssignmentOut,
    CountsOut,
    EscalateIn,
    FollowUpIn,
    FollowUpOut,
    IncidentDetailOut,
    IncidentIn,
    IncidentOut,
    IncidentPatch,
    IncidentQuery,
    MergeIn,
    OverdueOut,
    TransitionIn,
)
from deskpemilu.incidents.services import IncidentError
from deskpemilu.regions.codes import is_tps_code, normalise_region_code
from deskpemilu.regions.models import TPS, Region

# Session login for the desk's pages; token auth for partner systems goes here later.
AUTH = [django_auth]
ERRORS = errors(*READ)
WRITES = errors(*WRITE, 409)
# Ids in the path: 1 .. the largest bigint (422 beyond, never a database error).
IncidentId = Annotated[int, Path(..., ge=1, le=MAX_ID)]
AssignmentId = Annotated[int, Path(..., ge=1, le=MAX_ID)]

router = Router(tags=["kejadian / incidents"], auth=AUTH)


# Input lookups: unknown codes are the caller's mistake (422), said in Indonesian.


def _region(code: str) -> Region:
    normal = normalise_region_code(code)
    region = Region.objects.filter(code=normal).first() if normal else None
    if region is None:
        raise IncidentError(
            "unknown_region", f"Kode wilayah '{code}' tidak dikenal.", "region"
        )
    return region


def _tps(code: str) -> TPS:
    code = code.strip()
    tps = TPS.objects.select_related("desa").filter(code=code).first()
    if tps is None or not is_tps_code(code):
        raise IncidentError(
            "unknown_tps", f"TPS dengan kode '{code}' tidak ada.", "tps"
        )
    return tps


def _agency_ids(ids: list[int], codes: list[str], field: str) -> list[int]:
    found = dict(Agency.objects.filter(code__in=codes).values_list("code", "pk"))
    if missing := sorted(set(codes) - set(found)):
        raise IncidentError(
            "bad_agency", f"Instansi tidak dikenal: {', '.join(missing)}.", field
        )
    return [*ids, *found.values()]


def _filters(query: IncidentQuery) -> selectors.IncidentFilters:
    agency = query.agency.strip()
    if agency.isdigit():
        return query.to_filters(int(agency))
    return query.to_filters(_agency_ids([], [agency], "agency")[0] if agency else None)


def _place_changes(changes: dict) -> dict:
    """Codes in a PATCH body to objects; a new TPS alone moves the incident there."""
    if "region" in changes:
        changes["region"] = _region(changes["region"])
    if changes.get("tps"):
        changes["tps"] = _tps(changes["tps"])
        changes.setdefault("region", changes["tps"].desa)
    return changes


# Reads --------------------------------------------------------------------------


@router.get(
    "", response={200: list[IncidentOut], **ERRORS}, summary="Daftar kejadian / list"
)
@paginate(Page)
def incident_list(request: AuthedRequest, filters: Query[IncidentQuery]):
    return selectors.incident_list(request.user, _filters(filters))


@router.get(
    "/counts", response={200: CountsOut, **ERRORS}, summary="Jumlah kejadian / counts"
)
def incident_counts(request: AuthedRequest, filters: Query[IncidentQuery]):
    qs = selectors.incident_list(request.user, _filters(filters))
    counts = selectors.incident_counts(qs)
    return {"total": sum(counts["status"].values()), **counts}


@router.get(
    "/overdue",
    response={200: list[OverdueOut], **ERRORS},
    summary="Penugasan lewat tenggat / overdue assignments",
)
@paginate(Page)
def overdue_list(request: AuthedRequest):
    return selectors.overdue_assignments(request.user)


@router.get(
    "/{incident_id}",
    response={200: IncidentDetailOut, **ERRORS},
    summary="Satu kejadian / one incident",
)
def incident_get(request: AuthedRequest, incident_id: IncidentId):
    return selectors.incident_detail(request.user, incident_id)


@router.get(
    "/{incident_id}/duplicates",
    response={200: list[IncidentOut], **ERRORS},
    summary="Kemungkinan duplikat / likely duplicates",
)
def incident_duplicates(request: AuthedRequest, incident_id: IncidentId):
    incident = incident_for_user_or_404(request.user, incident_id)
    return selectors.duplicate_candidates(request.user, incident)


# Writes -------------------------------------------------------------------------


@router.post(
    "", response={201: IncidentDetailOut, **WRITES}, summary="Catat kejadian / create"
)
def incident_create(request: AuthedRequest, payload: IncidentIn):
    data = payload.dict(exclude={"region", "tps"})
    incident = services.incident_create(
        actor=request.user,
        region=_region(payload.region) if payload.region else None,
        tps=_tps(payload.tps) if payload.tps else None,
        channel="api",
        **data,
    )
    return Status(201, selectors.incident_detail(request.user, incident.pk))


@router.patch(
    "/{incident_id}",
    response={200: IncidentDetailOut, **WRITES},
    summary="Ubah kejadian / edit",
)
def incident_update(
    request: AuthedRequest, incident_id: IncidentId, payload: IncidentPatch
):
    changes = payload.dict(exclude_unset=True)
    version = changes.pop("version")
    services.incident_update(
        actor=request.user,
        incident_id=incident_id,
        version=version,
        changes=_place_changes(changes),
    )
    return selectors.incident_detail(request.user, incident_id)


@router.post(
    "/{incident_id}/transition",
    response={200: IncidentDetailOut, **WRITES},
    summary="Ubah status / move in the workflow",
)
def incident_transition(
    request: AuthedRequest, incident_id: IncidentId, payload: TransitionIn
):
    services.incident_transition(
        actor=request.user, incident_id=incident_id, **payload.dict()
    )
    return selectors.incident_detail(request.user, incident_id)


@router.post(
    "/{incident_id}/assignments",
    response={201: list[AssignmentOut], **WRITES},
    summary="Tugaskan instansi / assign agencies",
    description="Answers the assignments made now (an agency already assigned is "
    "left as it was).",
)
def incident_assign(request: AuthedRequest, incident_id: IncidentId, payload: AssignIn):
    ids = _agency_ids(payload.agency_ids, payload.agency_codes, "agency_codes")
    created = services.incident_assign(
        actor=request.user,
        incident_id=incident_id,
        agency_ids=ids,
        deadline=payload.deadline,
        note=payload.note,
        version=payload.version,
    )
    return Status(201, created)


@router.post(
    "/{incident_id}/merge",
    response={200: IncidentDetailOut, **WRITES},
    summary="Gabungkan duplikat / merge a duplicate into this incident",
)
def incident_merge(request: AuthedRequest, incident_id: IncidentId, payload: MergeIn):
    services.incident_merge(
        actor=request.user, primary_id=incident_id, duplicate_id=payload.duplicate_id
    )
    return selectors.incident_detail(request.user, incident_id)


@router.post(
    "/assignments/{assignment_id}/acknowledge",
    response={200: AssignmentOut, **WRITES},
    summary="Terima penugasan / acknowledge",
)
def assignment_acknowledge(request: AuthedRequest, assignment_id: AssignmentId):
    return services.assignment_acknowledge(
        actor=request.user, assignment_id=assignment_id
    )


@router.post(
    "/assignments/{assignment_id}/followups",
    response={201: FollowUpOut, **WRITES},
    summary="Catat tindak lanjut / record a follow-up",
)
def followup_record(
    request: AuthedRequest, assignment_id: AssignmentId, payload: FollowUpIn
):
    followup = services.followup_record(
        actor=request.user, assignment_id=assignment_id, **payload.dict()
    )
    return Status(201, followup)


@router.post(
    "/assignments/{assignment_id}/escalate",
    response={201: AssignmentOut, **WRITES},
    summary="Eskalasi ke instansi induk / escalate to the parent agency",
)
def assignment_escalate(
    request: AuthedRequest, assignment_id: AssignmentId, payload: EscalateIn
):
    upper = services.incident_escalate(
        actor=request.user, assignment_id=assignment_id, note=payload.note
    )
    return Status(201, upper)
