"""Request bodies: one size limit for each kind, and chunked bodies read like any
other. The one place that decides a body is too large.

* A body over ``DESKPEMILU_MAX_BODY_BYTES`` (a file upload, ``multipart/form-data``:
  over ``DESKPEMILU_MAX_UPLOAD_BYTES``) is answered 413 from its declared length,
  before anything reads it (:class:`BodyLimitMiddleware`, first of the middleware:
  Django's CSRF check would read a whole upload before the view), in the endpoint's
  own kind (:func:`too_large`): JSON ``{"code": "payload_too_large", "message",
  "field"}`` under ``/api/`` and for JSON requests (the WhatsApp and Telegram
  webhooks), plain text otherwise (the SMS gateway, Twilio, the upload pages'
  scripts). Django alone would raise ``RequestDataTooBig`` for it, an HTML 400, and
  keep an upload of any size. Each import also checks its own, smaller limits.
* A body sent with ``Transfer-Encoding: chunked`` has no ``Content-Length``. granian
  hands it on de-chunked as a stream without ``CONTENT_LENGTH``, and Django reads
  ``CONTENT_LENGTH`` bytes only: every endpoint saw an empty body. :class:`BodyLimit`
  (WSGI, deskpemilu/wsgi.py) reads it at most to its limit plus one byte (more is a
  413), kept on disk past the body limit, and hands it on with its length. The same
  holds for any POST, PUT or PATCH without a length (HTTP/2).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse

_READ = 64 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _wants_json(path: str, content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return path.startswith("/api/") or kind == JSON or kind.endswith("+json")


def limit_for(path: str, content_type: str) -> int:
    """The most bytes a request body to `path` of this type may have: a file upload
    (multipart) has the upload limit, except to a provider's webhook."""
    if content_type.lower().startswith("multipart/") and not path.startswith(
        "/webhooks/"
    ):
        return settings.DESKPEMILU_MAX_UPLOAD_BYTES
    return settings.DESKPEMILU_MAX_BODY_BYTES


def too_large(path: str, content_type: str, limit: int) -> tuple[str, bytes]:
    """The 413 answer for a request to ``path`` with that ``Content-Type``:
    ``(content type, body)``."""
    if limit != settings.DESKPEMILU_MAX_BODY_BYTES:  # the upload limit
        field = "file"
        message = (
            f"Berkas terlalu besar; batas unggahan {limit // (1024 * 1024)} MB. "
            "Bagi menjadi beberapa berkas."
        )
    else:
        field = ""
        message = f"Isi permintaan terlalu besar; paling banyak {limit} bita."
    if _wants_json(path, content_type):
        body = {"code": "payload_too_large", "message": message, "field": field}
        return JSON, orjson.dumps(body)
    return TEXT, f"{message} / Payload too large.\n".encode()


def _declared(value: str | None) -> int:
    value = (value or "").strip()
    return int(value) if value.isdigit() else 0


class BodyLimitMiddleware:
    """Django middleware: 413 for a declared length over the limit of its kind."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        content_type = request.META.get("CONTENT_TYPE", "")
        limit = limit_for(request.path_info, content_type)
        if _declared(request.META.get("CONTENT_LENGTH")) > limit:
            kind, body = too_large(request.path_info, content_type, limit)
            return HttpResponse(body, status=413, content_type=kind)
        return self.get_response(request)


class BodyLimit:
    """WSGI middleware: a body without a length read and handed on with it (see the
    module); declared lengths are checked by :class:`BodyLimitMiddleware`."""

    def __init__(self, app: WSGIApp) -> None:
        self.app = app

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        if (environ.get("CONTENT_LENGTH") or "").strip():
            return self.app(environ, start_response)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and environ.get("REQUEST_METHOD") not in _BODY_METHODS:
            return self.app(environ, start_response)
        ceiling = limit_for(environ.get("PATH_INFO", ""), _content_type(environ))
        spool_over = settings.DESKPEMILU_MAX_BODY_BYTES
        body, size = _read(environ["wsgi.input"], ceiling, spool_over=spool_over)
        if size > ceiling:
            body.close()
            return _refuse(environ, start_response, ceiling)
        environ["wsgi.input"] = body
        environ["CONTENT_LENGTH"] = str(size)
        return self.app(environ, start_response)


def _content_type(environ: dict[str, Any]) -> str:
    return environ.get("CONTENT_TYPE") or ""


def _read(stream: Any, ceiling: int, spool_over: int) -> tuple[Any, int]:
    """At most ``ceiling + 1`` bytes of ``stream``, in memory up to ``spool_over``
    bytes and on disk past it; the file is rewound."""
    body: Any = BytesIO()
    size = 0
    while size <= ceiling:
        chunk = stream.read(min(_READ, ceiling + 1 - size))
        if not chunk:
            break
        size += len(chunk)
        if size > spool_over and isinstance(body, BytesIO):
            spooled = tempfile.TemporaryFile()
            spooled.write(body.getbuffer())
            body = spooled
        body.write(chunk)
    body.seek(0)
    return body, size


def _refuse(
    environ: dict[str, Any], start_response: StartResponse, limit: int
) -> Iterable[bytes]:
    kind, body = too_large(environ.get("PATH_INFO", ""), _content_type(environ), limit)
    # The unread body is the server's to drain or drop (WSGI forbids Connection).
    headers = [("Content-Type", kind), ("Content-Length", str(len(body)))]
    start_response("413 Content Too Large", headers)
    return [body]
