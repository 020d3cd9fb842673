"""The page a locked-out login gets (django-axes calls `locked_out`, see settings)."""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    """Too many failed logins for this account or address: the desk's page, 429,
    with how long to wait (also in Retry-After) and who can unlock it."""
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    context = {"minutes": max(1, math.ceil(seconds / 60))}
    response = render(
        request,
        "accounts/locked.html",
        context,
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = str(seconds)
    return response
