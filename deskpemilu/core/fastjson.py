"""JSON in and out of the API with orjson (a batch of 1,000 intake messages is read
and answered on every request of a busy gateway; the standard library's encoder
and decoder cost several times more).

The output is the same as ninja's own renderer: times, Decimals and lazy
translations go through Django's encoder (`OPT_PASSTHROUGH_DATETIME`), so a time
reads "2024-02-14T07:05:00.123+07:00" either way.
"""

from __future__ import annotations

from typing import Any

import orjson
from django.http import HttpRequest
from ninja.parser import Parser
from ninja.renderers import BaseRenderer
from ninja.responses import NinjaJSONEncoder

_fallback = NinjaJSONEncoder().default
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_NON_STR_KEYS


def dumps(data: Any) -> bytes:
    return orjson.dumps(data, default=_fallback, option=OPTIONS)


class OrjsonParser(Parser):
    """Request bodies read with orjson (invalid JSON still answers 400)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return orjson.loads(request.body)


class OrjsonRenderer(BaseRenderer):
    media_type = "application/json"

    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return dumps(data)
