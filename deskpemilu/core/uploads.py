"""The size of an uploaded file, checked before anything reads it.

Django keeps a file upload of any size (to a temporary file past
FILE_UPLOAD_MAX_MEMORY_SIZE), and the CSRF check reads the form, files included,
before a view runs; DATA_UPLOAD_MAX_MEMORY_SIZE counts only the form's other fields.
So a multipart request longer than DESKPEMILU_MAX_UPLOAD_BYTES is refused here,
from its Content-Length, before its body is read. Each import has a smaller limit of
its own (its rows), checked by its page.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse


def max_upload_bytes() -> int:
    return settings.DESKPEMILU_MAX_UPLOAD_BYTES


def too_large_message(limit: int) -> str:
    return (
        f"Berkas terlalu besar; batas unggahan {limit // (1024 * 1024)} MB. "
        "Bagi menjadi beberapa berkas."
    )


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class UploadLimitMiddleware:
    """413 for a multipart body over DESKPEMILU_MAX_UPLOAD_BYTES (JSON under /api/)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = max_upload_bytes()
        if (
            request.META.get("CONTENT_TYPE", "").startswith("multipart/")
            and declared_length(request) > limit
        ):
            message = too_large_message(limit)
            if request.path.startswith("/api/"):
                body = {"code": "too_large", "message": message, "field": "file"}
                return JsonResponse(body, status=413)
            return HttpResponse(
                message + "\n", status=413, content_type="text/plain; charset=utf-8"
            )
        return self.get_response(request)
