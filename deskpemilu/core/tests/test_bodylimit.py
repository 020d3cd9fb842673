"""Request bodies (core.bodylimit): chunked bodies handed on with their length by the
WSGI door (the application behind it here reads its body the way Django does,
CONTENT_LENGTH bytes, no more), and a declared length over the limit of its kind
answered 413 by the first middleware, through the real desk. The whole chain with
granian is in intake/tests/test_live_intake.py."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from typing import Any

import pytest
from django.test import Client

from deskpemilu.core.bodylimit import BodyLimit

LIMIT = 1000


class Stream(io.RawIOBase):
    """A request body as granian hands it on: read(n) gives what has arrived,
    at most n bytes, and b"" at the end."""

    def __init__(self, data: bytes, piece: int = 300) -> None:
        self.data, self.piece, self.at = data, piece, 0

    def read(self, size: int = -1) -> bytes:
        size = self.piece if size < 0 else min(size, self.piece)
        chunk = self.data[self.at : self.at + size]
        self.at += len(chunk)
        return chunk


def seen_by_django(environ: dict[str, Any], start_response) -> Iterable[bytes]:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"length": length, "body": body.decode("latin-1")}).encode()]


def call(
    path: str,
    body: bytes,
    *,
    chunked: bool,
    content_type: str = "",
) -> tuple:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": path,
        "CONTENT_TYPE": content_type,
        "wsgi.input": Stream(body),
    }
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        environ["CONTENT_LENGTH"] = str(len(body))
    started: list = []
    door = BodyLimit(seen_by_django)
    answer = b"".join(door(environ, lambda s, h: started.extend([s, h])))
    status, headers = started
    return int(status.split()[0]), dict(headers), answer


@pytest.fixture(autouse=True)
def limit(settings):
    settings.DESKPEMILU_MAX_BODY_BYTES = LIMIT
    settings.DESKPEMILU_MAX_UPLOAD_BYTES = LIMIT * 3


def declared(path: str, body: bytes, content_type: str) -> tuple:
    """A request with its length through the real desk (the middleware answers)."""
    response = Client().generic("POST", path, body, content_type=content_type)
    return response.status_code, response["Content-Type"], response.content


@pytest.mark.parametrize("size", [0, 1, 299, 300, 301, LIMIT])
def test_a_chunked_body_reaches_the_application_whole_with_its_length(size):
    body = bytes(range(256)) * 4
    status, _, answer = call("/webhooks/sms", body[:size], chunked=True)
    assert status == 200
    assert json.loads(answer) == {"length": size, "body": body[:size].decode("latin-1")}


def test_an_api_body_over_the_limit_is_a_json_413_chunked_or_not():
    path, body = "/api/v1/intake/messages", b"x" * (LIMIT + 1)
    chunked = call(path, body, chunked=True, content_type="application/json")
    length = declared(path, body, "application/json")
    for status, kind, answer in (
        (chunked[0], chunked[1]["Content-Type"], chunked[2]),
        length,
    ):
        assert (status, kind) == (413, "application/json")
        assert json.loads(answer) == {
            "code": "payload_too_large",
            "message": f"Isi permintaan terlalu besar; paling banyak {LIMIT} bita.",
            "field": "",
        }


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "content_type", "kind"),
    [
        ("/api/v1/intake/messages/batch", "text/plain", "application/json"),
        ("/webhooks/telegram", "application/json", "application/json"),
        ("/webhooks/whatsapp", "application/json; charset=utf-8", "application/json"),
        ("/webhooks/sms", "application/x-www-form-urlencoded", "text/plain"),
        ("/webhooks/twilio", "application/x-www-form-urlencoded", "text/plain"),
        ("/lapor/", "application/x-www-form-urlencoded", "text/plain"),
    ],
)
def test_the_413_speaks_the_endpoints_kind(path, content_type, kind):
    status, answer_kind, answer = declared(path, b"x" * (LIMIT + 1), content_type)
    assert status == 413 and answer_kind.startswith(kind)
    assert str(LIMIT) in answer.decode()


def test_a_multipart_upload_has_the_upload_limit_not_the_body_limit():
    kind = "multipart/form-data; boundary=x"
    ceiling = LIMIT * 3
    status, _, answer = call(
        "/pesan/unggah/", b"u" * ceiling, chunked=True, content_type=kind
    )
    assert status == 200 and json.loads(answer)["length"] == ceiling
    status, _, answer = call(
        "/pesan/unggah/", b"u" * (ceiling + 1), chunked=True, content_type=kind
    )
    assert status == 413 and "batas unggahan" in answer.decode()
    status, kind_back, answer = declared("/pesan/unggah/", b"u" * (ceiling + 1), kind)
    assert status == 413 and "batas unggahan" in answer.decode()
    api = declared("/api/v1/situation/tps-rawan/import", b"u" * (ceiling + 1), kind)
    assert api[0] == 413 and json.loads(api[2])["field"] == "file"


def test_a_get_without_a_body_is_passed_on_untouched() -> None:
    environ = {"REQUEST_METHOD": "GET", "PATH_INFO": "/", "wsgi.input": Stream(b"")}
    started: list = []
    answer = b"".join(
        BodyLimit(seen_by_django)(environ, lambda s, h: started.append(s))
    )
    assert started == ["200 OK"] and json.loads(answer)["length"] == 0
    assert "CONTENT_LENGTH" not in environ
