"""Intake API shapes. Plain pydantic models (not ninja.Schema): a batch carries a
thousand of them, and ninja's ORM-attribute resolution is not needed here."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel as Schema
from pydantic import Field

MAX_BATCH = 1000


class MessageIn(Schema):
    id: str | None = Field(
        None, max_length=120, description="your id for the message; retries reuse it"
    )
    sender: str = Field(..., max_length=160, description="phone number or handle")
    sender_name: str = Field("", max_length=120)
    text: str = Field(
        ..., max_length=4000, description="the message, in the field code"
    )
    sent_at: dt.datetime | None = None


class MessageOut(Schema):
    ref: str
    id: int
    status: str
    kind: str
    reply: str
    duplicate: bool
    incident_id: int | None = None


class BatchIn(Schema):
    messages: list[MessageIn] = Field(..., min_length=1)


class BatchOut(Schema):
    received: int
    stored: int
    duplicates: int
    results: list[MessageOut]


class Error(Schema):
    code: str
    message: str
