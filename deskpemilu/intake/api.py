"""Intake over HTTP for agency systems and gateways: one message or a batch of up to
1,000, with a token per client. Retries are no-ops that return the same answer: give
each message an `id`, or the request an `Idempotency-Key` header (a key sent again
with another body is refused, 422 `idempotency_key_reused`). In a batch, an item
that does not fit the message shape is refused on its own; the others go through."""

from __future__ import annotations

import json
from typing import Any

import orjson
from django.http import HttpResponse
from ninja import Header, Router, Status
from pydantic import TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from deskpemilu.core.clientaddr import client_address
from deskpemilu.core.fastjson import dumps
from deskpemilu.core.schemas import errors
from deskpemilu.intake import idempotency
from deskpemilu.intake.auth import ApiToken, ClientRequest
from deskpemilu.intake.bulk import Result, handle_one, messages_handle_batch
from deskpemilu.intake.models import Channel, InboundMessage, ParseStatus
from deskpemilu.intake.schemas import (
    MAX_BATCH,
    BatchIn,
    BatchOut,
    MessageIn,
    MessageOut,
)
from deskpemilu.intake.services import Incoming

router = Router(tags=["intake"], auth=ApiToken())
_ITEMS = TypeAdapter(list[MessageIn])
RETRY_AFTER = {
    "description": "Seconds to wait before sending the request again.",
    "schema": {"type": "integer"},
}
_KEY_HELP = "Your key for this request; a retry with the same key and body gets "
REUSED = {
    "code": "idempotency_key_reused",
    "message": "Idempotency-Key ini sudah dipakai untuk kiriman yang berbeda. "
    "Pakai kunci baru untuk kiriman baru.",
    "field": "Idempotency-Key",
}


def _incoming(
    request: ClientRequest,
    item: MessageIn,
    fallback_id: str = "",
    address: str | None = None,
) -> Incoming:
    """The item as intake takes it; `address`: the client's, read once a request."""
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
        remote_addr=address or client_address(request),
    )


def _message_out(result: Result) -> dict[str, Any]:
    return {
        "ref": result.ref,
        "id": result.id,
        "status": result.status,
        "kind": result.kind,
        "reply": result.reply,
        "duplicate": result.duplicate,
        "incident_id": result.incident_id,
    }


def _json(body: Any, status: int = 200) -> HttpResponse:
    # Built here, in the shape of BatchOut, rather than validated again by ninja
    # item by item (a thousand results on every request of a busy gateway).
    return HttpResponse(dumps(body), status=status, content_type="application/json")


@router.post(
    "/messages",
    response={200: MessageOut, 201: MessageOut, **errors(400, 401, 413, 422)},
    summary="Kirim satu pesan / send one message",
    description="201: stored and processed; 200: a retry (same `id`, or same "
    "Idempotency-Key) answered as the first time.",
)
def message_post(
    request: ClientRequest,
    payload: MessageIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=100,
        description=_KEY_HELP + "the first answer. Used as the message id when "
        "the message has none.",
    ),
):
    incoming = _incoming(request, payload, idempotency_key or "")
    result = handle_one(incoming)
    if result.duplicate and idempotency_key and not payload.id:
        if not _same_message(result.id, incoming.raw):
            return Status(422, REUSED)
    return Status(200 if result.duplicate else 201, _message_out(result))


def _same_message(message_id: int, raw: str) -> bool:
    """Whether the message stored under a key is the one sent now (NUL is stored
    as U+FFFD, so it compares so)."""
    stored = InboundMessage.objects.filter(pk=message_id).values_list("raw", flat=True)
    first = stored.first()
    return first is not None and _nul_free(json.loads(first)) == _nul_free(
        json.loads(raw)
    )


def _nul_free(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, dict):
        return {k: _nul_free(v) for k, v in value.items()}
    return value


@router.post(
    "/messages/batch",
    response={200: BatchOut, **errors(400, 401, 409, 413, 422)},
    summary="Kirim banyak pesan (<= 1000) / send a batch",
    description="One result per item, in order, each with its `index`. An item that "
    "does not fit MessageIn is refused on its own (status `refused`, with `error`) "
    "and kept raw for the desk; the others are stored and processed. A body that "
    "is not JSON answers 400, one without a `messages` list 422, over 1000 items "
    "413. With an Idempotency-Key, concurrent retries wait for the first (up to a "
    "few seconds; then 409 `idempotency_in_progress` with Retry-After) and all get "
    "its answer.",
    openapi_extra={"responses": {409: {"headers": {"Retry-After": RETRY_AFTER}}}},
)
def messages_batch(
    request: ClientRequest,
    payload: BatchIn,
    idempotency_key: str | None = Header(
        None,
        alias="Idempotency-Key",
        min_length=1,
        max_length=120,
        description=_KEY_HELP + "the first answer.",
    ),
):
    items = payload.messages
    if len(items) > MAX_BATCH:
        message = (
            f"Paling banyak {MAX_BATCH} pesan per permintaan; diterima {len(items)}. "
            "Bagi menjadi beberapa kiriman."
        )
        return Status(413, {"code": "batch_too_large", "message": message})
    if not idempotency_key:
        return _json(_batch(request, items))
    try:
        claim = idempotency.idempotency_claim(
            client_id=request.auth,
            key=idempotency_key,
            body_hash=idempotency.request_hash(items),
        )
    except idempotency.KeyReused:
        return Status(422, REUSED)
    except idempotency.InProgress:
        return _in_progress()
    if isinstance(claim, idempotency.Replay):
        return _json(claim.response, claim.status_code)
    with idempotency.idempotency_held(claim) as answer:
        answer.response = _batch(request, items)
    return _json(answer.response)


def _in_progress() -> HttpResponse:
    body = {
        "code": "idempotency_in_progress",
        "message": "Kiriman dengan Idempotency-Key ini masih diproses. "
        "Coba lagi sebentar lagi.",
        "field": "Idempotency-Key",
    }
    response = _json(body, 409)
    response["Retry-After"] = str(idempotency.RETRY_AFTER_SECONDS)
    return response


def _batch(request: ClientRequest, items: list[Any]) -> dict[str, Any]:
    """Store and process a batch's items: the answer, in the shape of BatchOut."""
    valid, refused = _checked(items)
    # Refused items are stored first: every inbound message is kept raw.
    refused_out = _store_refused(request, refused) if refused else []
    address = client_address(request)
    results = messages_handle_batch(
        [_incoming(request, m, address=address) for _, m in valid]
    )
    # One dict literal per result (BatchItemOut), a thousand per request.
    out: list[dict[str, Any]] = [
        {
            "ref": r.ref,
            "id": r.id,
            "status": r.status,
            "kind": r.kind,
            "reply": r.reply,
            "duplicate": r.duplicate,
            "incident_id": r.incident_id,
            "index": index,
            "error": None,
        }
        for (index, _), r in zip(valid, results, strict=True)
    ]
    if refused_out:
        out = sorted(out + refused_out, key=lambda r: r["index"])
    duplicates = sum(r.duplicate for r in results)
    return {
        "received": len(items),
        "stored": len(results) - duplicates,
        "duplicates": duplicates,
        "refused": len(refused_out),
        "results": out,
    }


def _checked(
    items: list[Any],
) -> tuple[list[tuple[int, MessageIn]], list[tuple[int, Any, ErrorDetails]]]:
    """The items that fit MessageIn (with their index) and those that do not (index,
    item, first problem). One validation of the whole list when all fit, the
    usual case; a second of the fitting ones when some do not."""
    try:
        return list(enumerate(_ITEMS.validate_python(items))), []
    except ValidationError as exc:
        problems: dict[Any, ErrorDetails] = {}
        for error in exc.errors(include_url=False, include_context=True):
            problems.setdefault(error["loc"][0], error)
    fitting = [i for i in range(len(items)) if i not in problems]
    valid = _ITEMS.validate_python([items[i] for i in fitting])
    refused = [(i, items[i], problems[i]) for i in sorted(problems)]
    return list(zip(fitting, valid, strict=True)), refused


def _item_error(problem: ErrorDetails) -> dict[str, Any]:
    """A pydantic problem as the API's error, in Indonesian."""
    loc = problem.get("loc", ())
    field = str(loc[1]) if len(loc) > 1 else ""
    kind = problem.get("type", "")
    if not field:
        return {
            "code": "not_an_object",
            "message": "Pesan harus berupa objek JSON.",
            "field": "",
        }
    if kind == "missing":
        return {
            "code": "required",
            "message": f"Isian '{field}' wajib diisi.",
            "field": field,
        }
    if kind == "string_too_long":
        most = (problem.get("ctx") or {}).get("max_length")
        return {
            "code": "too_long",
            "message": f"Isian '{field}' terlalu panjang (paling banyak {most} "
            "karakter).",
            "field": field,
        }
    return {"code": "invalid", "message": f"Isian '{field}' tidak sah.", "field": field}


def _text_of(item: Any, name: str, most: int | None = None) -> str:
    value = item.get(name) if isinstance(item, dict) else None
    text = value.replace("\x00", "\ufffd") if isinstance(value, str) else ""
    return text[:most] if most else text


def _store_refused(
    request: ClientRequest, refused: list[tuple[int, Any, ErrorDetails]]
) -> list[dict[str, Any]]:
    """Keep refused items raw (failed, with the error), as every inbound message is
    kept; their results. No provider id: the corrected item, sent again with the
    same id, must not be taken for a retry of the refused one."""
    errors_ = [_item_error(problem) for _, _, problem in refused]
    rows = [
        InboundMessage(
            channel=Channel.API,
            sender=_text_of(item, "sender", 160),
            sender_name=_text_of(item, "sender_name", 120),
            body=_text_of(item, "text"),
            raw=orjson.dumps(item).decode(),
            api_client_id=request.auth,
            remote_addr=client_address(request),
            status=ParseStatus.FAILED,
            error_code=error["code"],
            reply=error["message"],
        )
        for (_, item, _), error in zip(refused, errors_, strict=True)
    ]
    InboundMessage.objects.bulk_create(rows)
    return [
        {
            "ref": row.ref,
            "id": row.pk,
            "status": "refused",
            "kind": "",
            "reply": error["message"],
            "duplicate": False,
            "incident_id": None,
            "index": index,
            "error": error,
        }
        for (index, _, _), row, error in zip(refused, rows, errors_, strict=True)
    ]
