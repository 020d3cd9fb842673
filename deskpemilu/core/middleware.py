"""The desk's own middleware: the language choice, and the answer while the database
is away.

Language: Bahasa Indonesia unless the user picked English.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show
English to most desk PCs; the desk wants Indonesian first, so only the explicit choice
(the language cookie set by the switch in the page header) counts.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from deskpemilu.core import dbavailability

_SUPPORTED = {code for code, _ in settings.LANGUAGES}


class LanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in _SUPPORTED else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DatabaseAvailabilityMiddleware:
    """First in MIDDLEWARE. Before the request: drop connections the database server
    has closed (no round trip, see core/dbavailability.py). A view that fails
    because the database is away (the pages, the API's ninja views, the webhooks; the
    session and the user are read lazily, inside the view) answers 503 with
    Retry-After instead of 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        dbavailability.drop_connections_closed_by_server()
        return self.get_response(request)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not dbavailability.database_unavailable(exception):
            return None
        dbavailability.rare_log.refused(request, exception)
        return dbavailability.unavailable_response(request)


class ContentSecurityPolicyMiddleware:
    """The desk's Content-Security-Policy (settings.CONTENT_SECURITY_POLICY, a dict
    of directives) on every answer. The header is written once, at start-up: a
    library that rebuilt it for each response cost a fifth of the time of the
    cheapest request (docs/decisions.md, "Security headers")."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = "; ".join(
            " ".join([name, *values])
            for name, values in settings.CONTENT_SECURITY_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.header
        return response
