"""The desk's own middleware: the language choice, and the answer while the database
is away.

Language: Bahasa Indonesia unless the user picked English.

Django's LocaleMiddleware also follows the browser's Accept-Language, which would show
English to most desk PCs; the desk wants Indonesian first, so only the explicit choice
(the language cookie set by the switch in the page header) counts.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from django.conf import settings
from django.core.signals import got_request_exception
from django.dispatch import receiver
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
    has closed (no round trip, see core/dbavailability.py). After: a request that
    failed because the database is away answers 503 with Retry-After, whether the
    error came from a view (process_exception, also the API's and the webhooks'
    views) or from a middleware further in (marked by `_note_failure`)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        dbavailability.drop_connections_closed_by_server()
        response = self.get_response(request)
        failure = getattr(request, _FAILURE, None)
        if response.status_code == 500 and failure is not None:
            dbavailability.rare_log.refused(request, failure)
            return dbavailability.unavailable_response(request)
        return response

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponse | None:
        if not dbavailability.database_unavailable(exception):
            return None
        dbavailability.rare_log.refused(request, exception)
        return dbavailability.unavailable_response(request)


_FAILURE = "_deskpemilu_database_failure"


@receiver(got_request_exception)
def _note_failure(sender: object, request: HttpRequest | None = None, **kwargs) -> None:
    """Django turns an exception outside the view into a 500 and tells this signal
    first, inside its `except`: remember a database failure for the middleware."""
    exception = sys.exception()
    if request is not None and exception is not None:
        if dbavailability.database_unavailable(exception):
            setattr(request, _FAILURE, exception)
