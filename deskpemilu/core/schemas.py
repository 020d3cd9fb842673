"""Shapes every part of the API shares: the error body, the statuses an operation
can answer besides its own, bounded pagination, and bounded numbers.

Every integer that reaches SQL is bounded here: a number past what the database
holds (PostgreSQL's bigint, SQLite's 64-bit integer) would otherwise fail in the
database and answer 500; bounded, it answers 422 like any other bad input.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from ninja import Field, Schema
from ninja.pagination import LimitOffsetPagination
from pydantic import AfterValidator, AwareDatetime, BeforeValidator

# Ids are BigAutoField: 1 .. 2**63 - 1 in both databases.
MAX_ID = 2**63 - 1
# Counts stored in PositiveIntegerField / IntegerField columns (PostgreSQL integer).
MAX_COUNT = 2**31 - 1
MAX_LIMIT = 1000
# Far past any list the desk holds, far below what the databases refuse.
MAX_OFFSET = 10_000_000

Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Count = Annotated[int, Field(ge=0, le=MAX_COUNT)]


class ErrorOut(Schema):
    """The one error body of the API (ninja's validation errors add `detail`)."""

    code: str = Field(..., description="Stable machine code, e.g. `not_found`.")
    message: str = Field(..., description="Pesan untuk pengguna (Bahasa Indonesia).")
    field: str = Field("", description="The input field at fault, if any.")


# What each error status means (in the API's description; the body is ErrorOut).
STATUS_TEXT = {
    400: "Isi permintaan tidak dapat dibaca (bukan JSON yang sah) / unreadable body",
    401: "Belum masuk atau token tidak sah / not signed in, or a bad token",
    403: "Tidak berhak, atau token CSRF tidak ada / not allowed, or no CSRF token",
    404: "Tidak ada, atau di luar cakupan wilayah / absent, or out of scope",
    409: "Bentrok dengan keadaan sekarang / conflicts with the current state",
    413: "Isi permintaan terlalu besar / body too large",
    422: "Isian tidak sah / invalid input",
}


def errors(*codes: int, body: type[Schema] = ErrorOut) -> dict[int, type[Schema]]:
    """The error statuses of an operation, for `response={200: ..., **errors(...)}`.

    400 and 413 belong to every operation that reads a body: the server answers
    them before the operation runs (unreadable JSON; a body over the size limit)."""
    return {code: body for code in codes}


def file_response(
    media_type: str, description: str, schema: dict[str, Any] | None = None
) -> dict[str, Any]:
    """`openapi_extra` of an operation whose 200 is not `application/json` (a file,
    GeoJSON)."""
    content = {media_type: {"schema": schema or {"type": "string"}}}
    return {"responses": {200: {"description": description, "content": content}}}


READ = (401, 404, 422)  # a read of the user's scope
WRITE = (400, 401, 403, 404, 413, 422)  # a write with a JSON body


class Page(LimitOffsetPagination):
    """ninja's limit/offset pagination with both numbers bounded (422 beyond)."""

    class Input(Schema):
        limit: int = Field(100, ge=1, le=MAX_LIMIT, description="At most 1000.")
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Dates and times the desk can mean: far ones would also reach times that WIB
# cannot write in RFC 3339 (before 1924 Jakarta's offset had seconds: +07:07:12)
# or that overflow when moved to UTC.
EARLIEST, LATEST = dt.date(2000, 1, 1), dt.date(2099, 12, 31)


def _iso_date(value: Any) -> Any:
    """Only `YYYY-MM-DD`: pydantic would also read a number as a Unix time."""
    if isinstance(value, str) and not _DATE.fullmatch(value):
        raise ValueError("date must be YYYY-MM-DD")
    if isinstance(value, (int, float)):
        raise ValueError("date must be YYYY-MM-DD")
    return value


def _iso_moment(value: Any) -> Any:
    """A date-time as text (or a datetime): pydantic would read a number as a Unix
    time, which the schema does not say."""
    if isinstance(value, (int, float)):
        raise ValueError("date-time must be ISO 8601 text")
    return value


def _in_range(value: dt.date) -> dt.date:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST} and {LATEST}")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date), AfterValidator(_in_range)]
IsoDateTime = Annotated[
    dt.datetime, BeforeValidator(_iso_moment), AfterValidator(_in_range)
]
AwareIsoDateTime = Annotated[
    AwareDatetime, BeforeValidator(_iso_moment), AfterValidator(_in_range)
]
