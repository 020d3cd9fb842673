"""Sending queued replies through the providers' APIs (WhatsApp Cloud API, Telegram).

`outbound_send_due` takes the replies whose time has come, sends each with one HTTP
request, and records the result: sent, or a retry later with a growing delay, or
failed after MAX_ATTEMPTS. It is safe to run in several workers at once: each row is
claimed by moving its next attempt time forward inside a row lock. Each reply keeps
its own attempts (`attempts`, `last_error`, `next_attempt_at`), apart from the task
that sends it: `intake/tasks.py` queues that task when a batch queued replies, and
the worker's schedule sweeps for replies due again (`deskpemilu worker`).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import urllib.error
import urllib.request

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from deskpemilu.intake import channels
from deskpemilu.intake.models import Channel, OutboundMessage, OutboundStatus

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
CLAIM = dt.timedelta(minutes=2)
TIMEOUT_SECONDS = 15


def _request_for(message: OutboundMessage) -> tuple[str, dict, dict]:
    if message.channel == Channel.WHATSAPP:
        return channels.whatsapp_outbound(
            settings.DESKPEMILU_WHATSAPP_API_BASE,
            settings.DESKPEMILU_WHATSAPP_TOKEN,
            str(message.meta.get("phone_number_id", "")),
            message.recipient,
            message.body,
        )
    if message.channel == Channel.TELEGRAM:
        return channels.telegram_outbound(
            settings.DESKPEMILU_TELEGRAM_API_BASE,
            settings.DESKPEMILU_TELEGRAM_BOT_TOKEN,
            message.recipient,
            message.body,
        )
    raise ValueError(f"no outbound API for channel {message.channel}")


def _post(url: str, headers: dict, body: dict) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
        response.read()


def _claim(limit: int) -> list[OutboundMessage]:
    now = timezone.now()
    with transaction.atomic():
        due = list(
            OutboundMessage.objects.select_for_update(skip_locked=True)
            .filter(status=OutboundStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        OutboundMessage.objects.filter(pk__in=[m.pk for m in due]).update(
            next_attempt_at=now + CLAIM
        )
    return due


def outbound_send_due(limit: int = 100) -> tuple[int, int]:
    """Send the replies that are due. Returns (sent, not sent this time)."""
    sent = failed = 0
    for message in _claim(limit):
        try:
            _post(*_request_for(message))
        except (urllib.error.URLError, OSError, ValueError) as exc:
            failed += 1
            _retry_later(message, exc)
            continue
        sent += 1
        OutboundMessage.objects.filter(pk=message.pk).update(
            status=OutboundStatus.SENT,
            sent_at=timezone.now(),
            attempts=message.attempts + 1,
            last_error="",
        )
    return sent, failed


def outbound_send_all(batch: int = 100) -> tuple[int, int]:
    """Send every reply that is due, `batch` at a time. Returns (sent, not sent)."""
    sent = failed = 0
    while True:
        done, not_done = outbound_send_due(limit=batch)
        sent, failed = sent + done, failed + not_done
        # A failed reply waits for its next attempt, so the due ones run out.
        if done + not_done < batch:
            return sent, failed


def _retry_later(message: OutboundMessage, exc: Exception) -> None:
    attempts = message.attempts + 1
    detail = str(exc)
    if isinstance(exc, urllib.error.HTTPError):
        detail = f"HTTP {exc.code}: {exc.read()[:300].decode(errors='replace')}"
    give_up = attempts >= MAX_ATTEMPTS or (
        isinstance(exc, urllib.error.HTTPError)
        and 400 <= exc.code < 500
        and exc.code != 429
    )
    log.warning("outbound %s attempt %s failed: %s", message.pk, attempts, detail)
    OutboundMessage.objects.filter(pk=message.pk).update(
        attempts=attempts,
        last_error=detail[:1000],
        status=OutboundStatus.FAILED if give_up else OutboundStatus.QUEUED,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=30 * 2**attempts),
    )
