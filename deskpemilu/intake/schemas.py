"""Intake API shapes. Plain pydantic models (not ninja.Schema): a batch carries a
thousand of them, and ninja's ORM-attribute resolution is not needed here."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel as Schema
from pydantic import Field, SkipValidation

from deskpemilu.core.schemas import IsoDateTime

MAX_BATCH = 1000
MAX_ID_LENGTH = 120


class MessageIn(Schema):
    id: str | None = Field(
        None,
        max_length=MAX_ID_LENGTH,
        description="your id for the message; retries reuse it",
    )
    sender: str = Field(..., max_length=160, description="phone number or handle")
    sender_name: str = Field("", max_length=120)
    text: str = Field(
        ..., max_length=4000, description="the message, in the field code"
    )
    sent_at: IsoDateTime | None = None


class MessageOut(Schema):
    ref: str
    id: int
    status: str
    kind: str
    reply: str
    duplicate: bool
    incident_id: int | None = None


class ItemError(Schema):
    code: str = Field(..., description="e.g. `required`, `too_long`, `invalid`")
    message: str = Field(..., description="Pesan untuk pengirim (Bahasa Indonesia).")
    field: str = Field("", description="The field of the item at fault, if any.")


class BatchItemOut(MessageOut):
    index: int = Field(..., description="The item's place in `messages` (0: first).")
    status: str = Field(
        ...,
        description="parsed, failed, ignored or pending as for one message; "
        "`refused`: the item did not fit MessageIn (see `error`), kept raw only.",
    )
    error: ItemError | None = Field(None, description="Why the item was refused.")


class BatchIn(Schema):
    # The items are checked one by one in the endpoint (not here): an item that
    # does not fit MessageIn is refused on its own, and the others go through.
    messages: list[SkipValidation[MessageIn | Any]] = Field(
        ...,
        min_length=1,
        description=f"At most {MAX_BATCH} (413 beyond). Each item a MessageIn; an "
        "item that is not (a field missing, too long, of the wrong type) is refused "
        "on its own with its error, stored raw for the desk, and the rest are "
        "processed.",
    )


class BatchOut(Schema):
    received: int = Field(..., description="Items in the request.")
    stored: int = Field(..., description="New messages stored and processed.")
    duplicates: int = Field(..., description="Ids already stored: their first answer.")
    refused: int = Field(..., description="Items refused (status `refused`).")
    results: list[BatchItemOut] = Field(..., description="One per item, in order.")
