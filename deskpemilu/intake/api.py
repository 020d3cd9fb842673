"""Intake over HTTP for agency systems and gateways: one message or a batch of up to
1,000, with a token per client. Retries are no-ops that return the same answer: give
each message an `id`, or the request an `Idempotency-Key` header."""

from __future__ import annotations

import orjson
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from deskpemilu.core.fastjson import dumps
from deskpemilu.intake.auth import ApiToken
from deskpemilu.intake.bulk import Result, handle_one, messages_handle_batch
from deskpemilu.intake.models import Channel, IdempotencyRecord
from deskpemilu.intake.schemas import (
    MAX_BATCH,
    BatchIn,
    BatchOut,
    Error,
    MessageIn,
    MessageOut,
)
from deskpemilu.intake.services import Incoming

router = Router(tags=["intake"], auth=ApiToken())


def _incoming(request: HttpRequest, item: MessageIn, fallback_id: str = "") -> Incoming:
    own_id = item.id or fallback_id
    raw = {
        "id": item.id,
        "sender": item.sender,
        "sender_name": item.sender_name,
        "text": item.text,
        "sent_at": item.sent_at,
    }
    return Incoming(
        channel=Channel.API,
        body=item.text,
        raw=orjson.dumps(raw).decode(),
        sender=item.sender.strip(),
        sender_name=item.sender_name,
        # Namespaced by client, so two agencies' ids never collide.
        provider_id=f"{request.auth}:{own_id}" if own_id else "",
        sent_at=item.sent_at,
        api_client_id=request.auth,
        remote_addr=request.META.get("REMOTE_ADDR"),
    )


def _batch_out(result: Result) -> dict:
    return {
        "ref": result.ref,
        "id": result.id,
        "status": result.status,
        "kind": result.kind,
        "reply": result.reply,
        "duplicate": result.duplicate,
        "incident_id": result.incident_id,
    }


@router.post(
    "/messages",
    response={200: MessageOut, 201: MessageOut},
    summary="Kirim satu pesan / send one message",
)
def message_post(request: HttpRequest, payload: MessageIn):
    key = request.headers.get("Idempotency-Key", "")[:100]
    result = handle_one(_incoming(request, payload, key))
    return Status(200 if result.duplicate else 201, _batch_out(result))


@router.post(
    "/messages/batch",
    response={200: BatchOut, 413: Error},
    summary="Kirim banyak pesan (<= 1000) / send a batch",
)
def messages_batch(request: HttpRequest, payload: BatchIn):
    if len(payload.messages) > MAX_BATCH:
        return Status(
            413,
            {
                "code": "batch_too_large",
                "message": f"Paling banyak {MAX_BATCH} pesan per permintaan; "
                f"diterima {len(payload.messages)}. Bagi menjadi beberapa kiriman.",
            },
        )
    key = request.headers.get("Idempotency-Key", "")[:120]
    if key:
        done = IdempotencyRecord.objects.filter(client_id=request.auth, key=key).first()
        if done is not None:
            return Status(done.status_code, done.response)
    results = messages_handle_batch([_incoming(request, m) for m in payload.messages])
    body = {
        "received": len(results),
        "stored": sum(not r.duplicate for r in results),
        "duplicates": sum(r.duplicate for r in results),
        "results": [_batch_out(r) for r in results],
    }
    if key:
        try:
            with transaction.atomic():
                IdempotencyRecord.objects.create(
                    client_id=request.auth, key=key, status_code=200, response=body
                )
        except IntegrityError:
            pass  # a concurrent retry recorded it; both answers describe one batch
    # Built here, in the shape of BatchOut, rather than validated again by ninja
    # item by item (a thousand results on every request of a busy gateway).
    return HttpResponse(dumps(body), content_type="application/json")
