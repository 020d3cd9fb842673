"""The health endpoint (is the app up and can it reach its database?) and the
header's "as of" form."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from deskpemilu import __version__
from deskpemilu.core import deskmode
from deskpemilu.core.dateinput import parse_moment

log = logging.getLogger(__name__)


@never_cache
def health(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any database failure means "not healthy"
        log.error("health check: database unreachable: %s", exc)
        return JsonResponse(
            {"status": "error", "database": "unreachable", "version": __version__},
            status=503,
        )
    return JsonResponse(
        {"status": "ok", "database": connection.vendor, "version": __version__}
    )


@login_required
@require_POST
def as_of_choose(request: HttpRequest) -> HttpResponse:
    """The header's "as of" form: keep the chosen moment (WIB) in the session, or
    go back to the default with `reset`; then back to the page it was sent from."""
    target = request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    if "reset" in request.POST:
        deskmode.choose_now(request, None)
        return redirect(target)
    raw = request.POST.get("as_of", "")
    moment = parse_moment(raw)
    if moment is None:
        messages.error(request, _("Not a valid time: %(raw)s") % {"raw": raw})
        return redirect(target)
    deskmode.choose_now(request, moment)
    return redirect(target)
