"""Idempotency-Key for the intake API: one answer per key, however many retries
arrive at once.

The key is claimed before the request is processed: a row "in progress" with the
hash of the request body, inserted and committed on its own (the unique index on
(client, key) lets one request win). The winner processes the request and, in the
same transaction as its messages, stores its answer ("done"). A request that finds
the key claimed:
- with another body: refused (KeyReused -> 422 `idempotency_key_reused`);
- done: gets the stored answer (Replay);
- still in progress: polls until it is done, at most WAIT_SECONDS, then gives up
  (InProgress -> 409 `idempotency_in_progress` with Retry-After). If the claim
  disappears meanwhile (the first attempt failed and released it), it claims the
  key itself and runs.
A claim left in progress for STALE_AFTER (its process died mid-request; requests
are far shorter) is taken over by the next retry.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson
from django.db import IntegrityError, transaction
from django.utils import timezone

from deskpemilu.intake.models import IdempotencyRecord

State = IdempotencyRecord.State
WAIT_SECONDS = 5.0
RETRY_AFTER_SECONDS = 1
STALE_AFTER = dt.timedelta(minutes=10)
_POLL_FIRST, _POLL_MOST = 0.02, 0.2


@dataclass(frozen=True)
class Replay:
    """The answer given before to the same request."""

    status_code: int
    response: Any


class KeyReused(Exception):
    """The key was used before with another request body."""


class InProgress(Exception):
    """Another request with this key is still being processed."""


def request_hash(data: Any) -> str:
    """SHA-256 of the request's JSON, keys sorted: a retry that serialises the same
    body in another key order or spacing is still the same request."""
    return hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS)).hexdigest()


def idempotency_claim(
    *, client_id: int, key: str, body_hash: str, wait: float | None = None
) -> IdempotencyRecord | Replay:
    """Claim `key` for this request, or the answer given to it before.

    Returns the claimed record (process the request, then `idempotency_held`
    stores the answer) or a Replay. Raises KeyReused or InProgress."""
    deadline = time.monotonic() + (WAIT_SECONDS if wait is None else wait)
    pause = _POLL_FIRST
    while True:
        claimed = _insert(client_id, key, body_hash)
        if claimed is not None:
            return claimed
        found = IdempotencyRecord.objects.filter(client_id=client_id, key=key).first()
        if found is not None:
            if found.request_hash and found.request_hash != body_hash:
                raise KeyReused(key)
            if found.state == State.DONE:
                return Replay(found.status_code or 200, found.response)
            if _take_over_stale(found):
                return found
        if time.monotonic() >= deadline:
            raise InProgress(key)
        time.sleep(pause)
        pause = min(pause * 2, _POLL_MOST)


def _insert(client_id: int, key: str, body_hash: str) -> IdempotencyRecord | None:
    try:
        # Its own transaction, committed at once, so concurrent requests see it.
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                client_id=client_id,
                key=key,
                request_hash=body_hash,
                state=State.IN_PROGRESS,
            )
    except IntegrityError:
        return None


def _take_over_stale(found: IdempotencyRecord) -> bool:
    """A claim in progress for longer than STALE_AFTER: take it over (one request
    wins the update)."""
    now = timezone.now()
    if found.created_at > now - STALE_AFTER:
        return False
    taken = IdempotencyRecord.objects.filter(
        pk=found.pk, state=State.IN_PROGRESS, created_at=found.created_at
    ).update(created_at=now)
    return taken == 1


@contextmanager
def idempotency_held(record: IdempotencyRecord) -> Iterator[IdempotencyAnswer]:
    """Process a claimed request inside this block; its writes and the answer set
    on the yielded object commit together. If the block fails, the claim is
    released, so a retry can run."""
    answer = IdempotencyAnswer()
    try:
        with transaction.atomic():
            yield answer
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                state=State.DONE,
                status_code=answer.status_code,
                response=answer.response,
            )
    except BaseException:
        IdempotencyRecord.objects.filter(pk=record.pk, state=State.IN_PROGRESS).delete()
        raise


@dataclass
class IdempotencyAnswer:
    """The answer to keep for a claimed key."""

    status_code: int = 200
    response: Any = None
