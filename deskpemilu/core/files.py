"""Serving a file someone uploaded (a follow-up's photo, a citizen's photo): as the
kind its bytes were checked as, never sniffed, in a sandbox, so nothing in it runs as
part of the desk's pages."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def serve_checked(
    file: FieldFile, content_type: str, token: str, *, as_attachment: bool = False
) -> FileResponse:
    """The stored file under a name of our own (the token and the stored extension)."""
    stored = file.name or ""
    response = FileResponse(
        file.open("rb"),
        content_type=content_type,
        as_attachment=as_attachment,
        filename=f"{token}{stored[stored.rfind('.') :]}",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response
