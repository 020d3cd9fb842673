"""Sending queued messages through the providers' APIs (WhatsApp Cloud API,
Telegram) and SMS through Kannel's sendsms interface (channel ``sms_gateway``;
channels/kannel.py has the request and what Kannel's answers mean).

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
from deskpemilu.intake.channels import kannel
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


def sms_on() -> bool:
    """Whether SMS can be sent: Kannel's sendsms URL is set."""
    return bool(settings.DESKPEMILU_SMS_SENDSMS_URL)


def sms_text(text: str, keep: str = "") -> str:
    """`text` and `keep` (a link, kept whole) cut to the SMS the desk sends at most
    (DESKPEMILU_SMS_MAX_PARTS)."""
    return kannel.sms_fit(text, settings.DESKPEMILU_SMS_MAX_PARTS, keep)


def _sendsms_url(message: OutboundMessage) -> str:
    if not sms_on():
        raise ValueError("SMS is off: DESKPEMILU_SMS_SENDSMS_URL is empty")
    return kannel.kannel_sendsms(
        settings.DESKPEMILU_SMS_SENDSMS_URL,
        username=settings.DESKPEMILU_SMS_SENDSMS_USER,
        password=settings.DESKPEMILU_SMS_SENDSMS_PASSWORD,
        sender=settings.DESKPEMILU_SMS_FROM,
        to=message.recipient,
        text=sms_text(message.body),
    )


def _send(message: OutboundMessage) -> str:
    """One attempt; the provider's answer, or an exception."""
    if message.channel == Channel.SMS_GATEWAY:
        return _get(_sendsms_url(message))
    _post(*_request_for(message))
    return ""


def _get(url: str) -> str:
    # The URL carries Kannel's password: it is never logged; urllib's errors do
    # not repeat it.
    with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:
        return response.read(300).decode(errors="replace").strip()


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
            answer = _send(message)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            failed += 1
            _retry_later(message, exc)
            continue
        sent += 1
        if answer:
            log.info("outbound %s sent: %s", message.pk, answer)
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
        isinstance(exc, urllib.error.HTTPError) and _refused(message, exc.code)
    )
    log.warning("outbound %s attempt %s failed: %s", message.pk, attempts, detail)
    OutboundMessage.objects.filter(pk=message.pk).update(
        attempts=attempts,
        last_error=detail[:1000],
        status=OutboundStatus.FAILED if give_up else OutboundStatus.QUEUED,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=30 * 2**attempts),
    )


def _refused(message: OutboundMessage, status: int) -> bool:
    """The provider refused the request itself: sending it again will not help."""
    if message.channel == Channel.SMS_GATEWAY:
        return kannel.kannel_gives_up(status)
    return 400 <= status < 500 and status != 429
