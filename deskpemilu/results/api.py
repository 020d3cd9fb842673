"""Results endpoints of the API: sheets in (one or a list), the sheets of a TPS, the
flag queue, decisions, the recap against the official figures, progress, screens.

Errors answer `{"code", "message", "field"}` (handlers in deskpemilu/api.py); a
refused write (ResultsError) adds `problems`, one per thing wrong in a refused list
of sheets, and writes nothing.
"""

# No `from __future__ import annotations`: @paginate wraps the views, and ninja
# would then look the string annotations up in the pagination module.
from typing import Annotated

from ninja import Path, Query, Router, Status
from ninja.pagination import paginate
from ninja.security import django_auth

from deskpemilu.accounts import access
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.errors import ImportFailed
from deskpemilu.core.schemas import MAX_ID, READ, WRITE, Page, errors
from deskpemilu.results import screens, selectors, services
from deskpemilu.results.schemas import (
    AreaCompareOut,
    DecisionIn,
    DecisionOut,
    FlagCloseIn,
    FlagOut,
    FlagQuery,
    ProgressOut,
    RefusedOut,
    ScreenOut,
    SheetIn,
    SheetOut,
    SubmitOut,
)
from deskpemilu.results.services import ResultsError

AUTH = [django_auth]
ERRORS = errors(*READ)
# A refused write says every problem (RefusedOut).
WRITES = {**errors(*WRITE), 422: RefusedOut}
FlagId = Annotated[int, Path(..., ge=1, le=MAX_ID)]

router = Router(tags=["hasil / results"], auth=AUTH)


# Sheets ---------------------------------------------------------------------------


@router.post(
    "/sheets",
    response={201: SubmitOut, **WRITES},
    summary="Kirim lembar C.Hasil / submit one sheet or a list",
    description="All or nothing: any problem in any sheet refuses the whole list "
    "(422, with every problem). Re-sending the same numbers changes nothing.",
)
def sheets_submit(
    request: AuthedRequest,
    payload: SheetIn | list[SheetIn],
    source: str = "desk",
    contest: str = "",
):
    items = payload if isinstance(payload, list) else [payload]
    try:
        report = services.sheets_submit(
            actor=request.user,
            contest=selectors.contest_current(contest),
            rows=[item.row() for item in items],
            source=source,
            channel="api",
        )
    except ImportFailed as failed:
        raise ResultsError(
            "invalid_sheets",
            "Lembar ditolak, tidak ada yang disimpan.",
            problems=failed.problems,
        ) from failed
    return Status(201, report)


@router.get(
    "/tps/{kode_tps}/sheets",
    response={200: list[SheetOut], **ERRORS},
    summary="Lembar sebuah TPS / every source of one TPS",
)
def tps_sheets(request: AuthedRequest, kode_tps: str, contest: str = ""):
    data = selectors.tps_results(
        request.user, selectors.contest_current(contest), kode_tps
    )
    return data.sheets


# Flags and decisions ----------------------------------------------------------------


@router.get(
    "/flags",
    response={200: list[FlagOut], **ERRORS},
    summary="Antrean tanda / the flag queue",
)
@paginate(Page)
def flag_list(request: AuthedRequest, filters: Query[FlagQuery]):
    status = "" if filters.status == "all" else filters.status
    if filters.region:  # out of scope or unknown: 404, not an empty queue
        access.region_for_user_or_404(request.user, filters.region)
    return selectors.flag_queue(
        request.user,
        selectors.contest_current(filters.contest),
        check=filters.check,
        region=filters.region,
        status=status,
    )


@router.post(
    "/flags/{flag_id}/close",
    response={200: FlagOut, **WRITES},
    summary="Tutup tanda / resolve or dismiss a flag",
)
def flag_close(request: AuthedRequest, flag_id: FlagId, payload: FlagCloseIn):
    return services.flag_close(actor=request.user, flag_id=flag_id, **payload.dict())


@router.post(
    "/decisions",
    response={201: DecisionOut, **WRITES},
    summary="Catat keputusan / keep a value for one field of one TPS",
)
def decision_create(request: AuthedRequest, payload: DecisionIn, contest: str = ""):
    decision = services.decision_record(
        actor=request.user,
        contest=selectors.contest_current(contest),
        tps_code=payload.kode_tps.strip(),
        field_name=payload.field,
        value=payload.value,
        reason=payload.reason,
        chosen_source=payload.chosen_source,
    )
    return Status(201, decision)


# Recap, progress, screens -----------------------------------------------------------


@router.get(
    "/recap/{region_code}",
    response={200: list[AreaCompareOut], **ERRORS},
    summary="Rekap desk vs resmi / desk recap against the official figures",
)
def recap(request: AuthedRequest, region_code: str, contest: str = ""):
    region = access.region_for_user_or_404(request.user, region_code)
    results = selectors.recap_compare(
        request.user, selectors.contest_current(contest), region
    )
    return [
        {
            **vars(r.comparison),
            "name": r.name,
            "complete": r.comparison.complete,
            "differences": [
                {**vars(d), "difference": d.difference}
                for d in r.comparison.differences
            ],
            "behind": vars(r.behind),
        }
        for r in results
    ]


@router.get(
    "/progress",
    response={200: ProgressOut, **ERRORS},
    url_name="results_progress",
    summary="Kemajuan lembar / TPS with a sheet per area",
    description="The region (default: the user's first scope) and each of its "
    "children: TPS with a sheet, per source, and the desk's winner and margin.",
)
def progress(request: AuthedRequest, region: str = "", contest: str = ""):
    place = selectors.home_region(request.user, region)
    total, children = selectors.region_progress(
        request.user, selectors.contest_current(contest), place
    )
    out = [_progress(a) for a in children]
    return {"region": _progress(total), "areas": out}


def _progress(area: selectors.AreaProgress) -> dict[str, object]:
    return {**vars(area), "share": area.share}


@router.get(
    "/screens",
    response={200: list[ScreenOut], **ERRORS},
    summary="Layar statistik / statistical screens of a region (not proof)",
)
def screen_list(request: AuthedRequest, region: str = "", contest: str = ""):
    place = selectors.home_region(request.user, region)
    desk = selectors.desk_sheets(
        request.user, selectors.contest_current(contest), place
    )
    return [r.as_dict() for r in screens.run_all(desk.sheets).values()]
