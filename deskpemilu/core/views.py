"""The health endpoint: is the app up and can it reach its database?"""

from __future__ import annotations

import logging

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

from deskpemilu import __version__

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
