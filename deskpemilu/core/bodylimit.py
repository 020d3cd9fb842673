"""Request bodies at the WSGI door, before Django: one size limit, and chunked bodies
read like any other.

* A body over ``DESKPEMILU_MAX_BODY_BYTES`` is answered 413, in the endpoint's own
  kind (:func:`too_large`): JSON ``{"code": "payload_too_large", "message",
  "field"}`` under ``/api/`` and for JSON requests (the WhatsApp and Telegram
  webhooks), plain text otherwise (the SMS gateway, Twilio). Django alone would
  raise ``RequestDataTooBig`` for it, an HTML 400.
* A body sent with ``Transfer-Encoding: chunked`` has no ``Content-Length``. granian
  hands it on de-chunked as a stream without ``CONTENT_LENGTH``, and Django reads
  ``CONTENT_LENGTH`` bytes only: every endpoint saw an empty body. It is read here,
  at most the limit plus one byte (more is a 413), and handed on with its length.
  The same holds for any POST, PUT or PATCH without a length (HTTP/2).
* ``multipart/form-data`` (the upload pages) is not held to the body limit: a file
  may be larger, and each upload checks its own file's size. A chunked multipart
  body, which browsers never send but scripts may, is read up to
  :data:`MULTIPART_MAX_BYTES` (kept on disk past the body limit) so that it can be
  handed on with its length; a larger one is answered 413.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable
from io import BytesIO
from typing import Any

import orjson
from django.conf import settings
from django.http import HttpRequest, HttpResponse

MULTIPART_MAX_BYTES = 64 * 1024 * 1024
"""Ceiling of a chunked multipart body (the upload pages' own limits are lower)."""

_READ = 64 * 1024
_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})
TEXT = "text/plain; charset=utf-8"
JSON = "application/json"

StartResponse = Callable[..., Any]
WSGIApp = Callable[[dict[str, Any], StartResponse], Iterable[bytes]]


def _wants_json(path: str, content_type: str) -> bool:
    kind = content_type.split(";", 1)[0].strip().lower()
    return path.startswith("/api/") or kind == JSON or kind.endswith("+json")


def too_large(path: str, content_type: str, limit: int) -> tuple[str, bytes]:
    """The 413 answer for a request to ``path`` with that ``Content-Type``:
    ``(content type, body)``."""
    message = f"Isi permintaan terlalu besar; paling banyak {limit} bita."
    if _wants_json(path, content_type):
        body = {"code": "payload_too_large", "message": message, "field": ""}
        return JSON, orjson.dumps(body)
    return TEXT, f"{message} / Payload too large.\n".encode()


def too_large_response(request: HttpRequest) -> HttpResponse | None:
    """The 413 answer for a Django request whose declared length is over the
    limit, else None (for views also served without :class:`BodyLimit`)."""
    limit = settings.DESKPEMILU_MAX_BODY_BYTES
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= limit:
        return None
    kind, body = too_large(request.path_info, request.content_type or "", limit)
    return HttpResponse(body, status=413, content_type=kind)


class BodyLimit:
    """WSGI middleware: the size limit and chunked bodies (see the module)."""

    def __init__(self, app: WSGIApp, multipart_max: int = MULTIPART_MAX_BYTES) -> None:
        self.app = app
        self.multipart_max = multipart_max

    def __call__(
        self, environ: dict[str, Any], start_response: StartResponse
    ) -> Iterable[bytes]:
        limit = settings.DESKPEMILU_MAX_BODY_BYTES
        multipart = _content_type(environ).lower().startswith("multipart/")
        declared = (environ.get("CONTENT_LENGTH") or "").strip()
        if declared:
            if declared.isdigit() and int(declared) > limit and not multipart:
                return _refuse(environ, start_response, limit)
            return self.app(environ, start_response)
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if not chunked and environ.get("REQUEST_METHOD") not in _BODY_METHODS:
            return self.app(environ, start_response)
        ceiling = self.multipart_max if multipart else limit
        body, size = _read(environ["wsgi.input"], ceiling, spool_over=limit)
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
