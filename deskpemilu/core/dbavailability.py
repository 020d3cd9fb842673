"""While the database is away: answer 503 with Retry-After instead of 500, and after
it comes back, let no request fail on a connection the old server closed.

Django reuses a database connection across requests (CONN_MAX_AGE) and, to save a
round trip per request, does not ping it first (DESKPEMILU_DB_HEALTH_CHECKS off).
A PostgreSQL server that shuts down or restarts tells each client so, or at least
closes the socket; an idle connection of ours then has something to read, which a
healthy idle connection never has (we LISTEN to nothing). Polling the socket without
waiting costs one system call and no round trip: a readable socket means the
connection is gone, and closing it makes Django open a new one for the request.
"""

from __future__ import annotations

import logging
import select
import sqlite3
import threading
import time

from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, connections
from django.db import InterfaceError as DjangoInterfaceError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.request import RawPostDataException
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

try:  # only installed with PostgreSQL support
    import psycopg
except ImportError:  # pragma: no cover - psycopg is a dependency
    # Only without psycopg installed; every use below checks for None first.
    psycopg = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
# SQLSTATE classes that mean "the server is not there or cannot serve now":
# 08 connection exception, 53 insufficient resources (e.g. too many connections),
# 57 operator intervention (shutdown, crash recovery, starting up, cancelled).
UNAVAILABLE_SQLSTATE_CLASSES = frozenset({"08", "53", "57"})
SQLITE_UNAVAILABLE = ("database is locked", "unable to open database file")
LOG_EVERY_SECONDS = 10.0

_readable = select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP


def database_unavailable(exc: BaseException) -> bool:
    """Whether an exception says the database cannot be reached or cannot serve
    now (a retry later will do), as opposed to a fault of the request or the code."""
    if isinstance(exc, DjangoInterfaceError):
        return True
    cause = exc.__cause__ if isinstance(exc, DatabaseError) else exc
    if psycopg is not None and isinstance(cause, psycopg.InterfaceError):
        return True
    if psycopg is not None and isinstance(cause, psycopg.OperationalError):
        state = cause.sqlstate
        # No SQLSTATE: psycopg itself lost or could not make the connection.
        return state is None or state[:2] in UNAVAILABLE_SQLSTATE_CLASSES
    if isinstance(cause, sqlite3.OperationalError):
        return str(cause).startswith(SQLITE_UNAVAILABLE)
    return False


def closed_by_server(wrapper: BaseDatabaseWrapper) -> bool:
    """Whether an idle PostgreSQL connection's socket has something to read (the
    server's goodbye, or the end of the stream), checked without waiting."""
    raw = wrapper.connection
    if wrapper.vendor != "postgresql" or raw is None or wrapper.in_atomic_block:
        return False
    if raw.closed or raw.broken:
        return True
    try:
        fd = raw.pgconn.socket
    except psycopg.OperationalError:  # psycopg knows the socket is gone
        return True
    poller = select.poll()
    poller.register(fd, _readable)
    return bool(poller.poll(0))


def drop_connections_closed_by_server() -> int:
    """Close this thread's connections the server has closed, so the request opens
    fresh ones instead of failing on them. Answers how many were closed."""
    dropped = 0
    for wrapper in connections.all(initialized_only=True):
        if closed_by_server(wrapper):
            wrapper.close()
            dropped += 1
    if dropped:
        log.info("database: %d connection(s) closed by the server, reopening", dropped)
    return dropped


class _RareLog:
    """One log line per LOG_EVERY_SECONDS while requests are refused, not one per
    request (the SMS endpoint alone may send a thousand a second)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0.0
        self._count = 0

    def refused(self, request: HttpRequest, exc: BaseException) -> None:
        with self._lock:
            self._count += 1
            now = time.monotonic()
            if now - self._last < LOG_EVERY_SECONDS:
                return
            count, self._count, self._last = self._count, 0, now
        log.warning(
            "database unavailable: %d request(s) answered 503 (last: %s %s: %s)",
            count,
            request.method,
            request.path,
            str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc),
        )


rare_log = _RareLog()


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503 with Retry-After, in the shape the caller reads: the API's error JSON,
    plain text for the providers' webhooks, a simple page for people. Nothing here
    touches the database (no session, no user, no context processors)."""
    _drain(request)
    message = _("The database cannot be reached right now. Please try again shortly.")
    path = request.path_info
    if path.startswith("/api/"):
        body = {"code": "database_unavailable", "message": message, "field": ""}
        response: HttpResponse = JsonResponse(body, status=503)
    elif path.startswith("/webhooks/"):
        response = HttpResponse(
            message + "\n", status=503, content_type="text/plain; charset=utf-8"
        )
    else:
        page = render_to_string("core/unavailable.html", {"message": message})
        response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


def _drain(request: HttpRequest) -> None:
    """Read what is left of the request's body (bounded by the body limit) before
    answering. A 503 sent before the client's body has arrived (the API's token is
    checked first) makes the app server close the keep-alive connection, and the
    client's next request on it breaks instead of getting its own 503: seen under
    load with a gateway sending one request after another."""
    try:
        request.body  # noqa: B018 (read for its effect)
    except (RawPostDataException, RequestDataTooBig, OSError):
        pass
