"""The one NinjaAPI of the project, served at /api/v1/ (docs at /api/v1/docs).

Errors answer one shape, `{"code", "message", "field"}`, with an Indonesian message;
a service's refusal (core.errors.DeskError, any app) through one handler below.
"""

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from deskpemilu import __version__
from deskpemilu.core.errors import DeskError
from deskpemilu.core.fastjson import OrjsonParser, OrjsonRenderer
from deskpemilu.core.schemas import STATUS_TEXT
from deskpemilu.incidents.api import router as incidents_router
from deskpemilu.incidents.workflow import TransitionRefused
from deskpemilu.intake.api import router as intake_router
from deskpemilu.regions.api import router as regions_router
from deskpemilu.results.api import router as results_router
from deskpemilu.situation.api import router as situation_router

DESCRIPTION = "\n".join(
    [
        "API Desk Pemilu. Semua data dibatasi oleh cakupan wilayah pengguna.",
        "",
        "Every error answers `{code, message, field}` (`message` in Indonesian):",
        *(f"- {status}: {text}" for status, text in STATUS_TEXT.items()),
        "",
        "Lists page with `limit` (1-1000) and `offset` (0-10,000,000). Writes through "
        "the session need the CSRF token (`X-CSRFToken`, as the desk's pages send).",
    ]
)
api = NinjaAPI(
    title="Desk Pemilu API",
    version=__version__,
    description=DESCRIPTION,
    urls_namespace="api",
    parser=OrjsonParser(),
    renderer=OrjsonRenderer(),
)
api.add_router("/regions", regions_router)
api.add_router("/incidents", incidents_router)
api.add_router("/intake", intake_router)
api.add_router("/situation", situation_router)
api.add_router("/results", results_router)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    field: str = "",
    **more: object,
) -> HttpResponse:
    body = {"code": code, "message": message, "field": field, **more}
    return api.create_response(request, body, status=status)


@api.exception_handler(DeskError)
def _refused(request: HttpRequest, exc: DeskError) -> HttpResponse:
    # Every app's refusal (IncidentError, SituationError, ResultsError): its own
    # status (422, a conflict 409) and body (`problems` where the error lists them).
    return api.create_response(request, exc.body(), status=exc.status)


@api.exception_handler(PermissionDenied)
def _forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    cause = exc.__cause__
    message = (
        cause.message
        if isinstance(cause, TransitionRefused)
        else "Anda tidak berhak melakukan tindakan ini."
    )
    return _error(request, 403, "forbidden", message)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "Data tidak ditemukan.")


@api.exception_handler(AuthenticationError)
def _unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "Silakan masuk terlebih dahulu.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    if status == 400:  # ninja could not parse the body
        message = "Isi permintaan tidak dapat dibaca (JSON tidak sah)."
        return _error(request, 400, "bad_request", message)
    if status == 403 and "CSRF" in str(exc):  # session auth without the CSRF token
        message = (
            "Token CSRF tidak ada atau tidak sah. Muat ulang halaman, lalu coba lagi."
        )
        return _error(request, 403, "csrf_failed", message)
    return _error(request, status, f"http_{status}", str(exc))


@api.exception_handler(ValidationError)
def _invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    # ninja's own list of problems stays under `detail` for programs.
    loc: tuple[int | str, ...] = exc.errors[0].get("loc", ()) if exc.errors else ()
    field = str(loc[-1]) if len(loc) > 1 else ""
    message = (
        f"Isian '{field}' tidak sah atau belum diisi." if field else "Isian tidak sah."
    )
    return _error(request, 422, "invalid", message, field, detail=exc.errors)


@api.exception_handler(DataError)
def _unstorable(request: HttpRequest, exc: DataError) -> HttpResponse:
    # PostgreSQL text cannot hold the NUL character; a query, path or body that
    # carries one is refused like any other bad input, not answered 500.
    if "NUL" not in str(exc):
        raise exc
    message = "Isian mengandung karakter NUL yang tidak diizinkan."
    return _error(request, 422, "invalid", message)
