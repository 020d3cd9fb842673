"""Sending the queued deliveries, in the worker (`deskpemilu worker`): e-mail through
SMTP, a message (WhatsApp/Telegram, or SMS through Kannel) to a person's number
through intake's outbound queue, and a signed POST to an agency's webhook.

Each delivery due is claimed (its next attempt moved forward under a row lock, so
several workers never send it twice), tried once, and its attempt logged (time,
answer, error, duration). A failed one waits before its next attempt, growing as a
task's does (core/backoff.py, DESKPEMILU_TASK_RETRY_DELAYS), then is given up
(status failed; the admin can queue it again by hand).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import smtplib
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django.utils import timezone

from deskpemilu.core import backoff, events
from deskpemilu.intake.channels import PayloadError, normalise_phone
from deskpemilu.intake.models import Channel as IntakeChannel
from deskpemilu.intake.models import OutboundMessage
from deskpemilu.intake.outbound import sms_on
from deskpemilu.intake.senders import normal_handle
from deskpemilu.intake.tasks import outbound_send_soon
from deskpemilu.notifications import signing
from deskpemilu.notifications.models import (
    Channel,
    Delivery,
    DeliveryAttempt,
    DeliveryStatus,
)

log = logging.getLogger(__name__)
CLAIM = dt.timedelta(minutes=5)


class SendFailed(Exception):
    """An attempt that did not go through; `answer` is what the other side said."""

    def __init__(self, answer: str, detail: str, *, final: bool = False) -> None:
        super().__init__(detail)
        self.answer = answer
        self.final = final


def smtp_connection() -> BaseEmailBackend:
    """Django's SMTP backend with the DESKPEMILU_EMAIL_* settings (whatever
    EMAIL_BACKEND says: a test run's in-memory one must not swallow these)."""
    return get_connection(
        "django.core.mail.backends.smtp.EmailBackend",
        host=settings.DESKPEMILU_EMAIL_HOST,
        port=settings.DESKPEMILU_EMAIL_PORT,
        username=settings.DESKPEMILU_EMAIL_USER or None,
        password=settings.DESKPEMILU_EMAIL_PASSWORD or None,
        use_tls=settings.DESKPEMILU_EMAIL_TLS,
        timeout=settings.DESKPEMILU_EMAIL_TIMEOUT,
    )


@dataclass
class _Senders:
    """What a batch shares: one SMTP connection, opened at the first e-mail."""

    smtp: BaseEmailBackend | None = None
    outbound: list[int] = field(default_factory=list)

    def email(self, delivery: Delivery) -> str:
        if self.smtp is None:
            self.smtp = smtp_connection()
        message = EmailMessage(
            subject=delivery.subject,
            body=delivery.body,
            from_email=settings.DESKPEMILU_EMAIL_FROM,
            to=[delivery.recipient],
            connection=self.smtp,
        )
        if delivery.notification is not None:
            for name, content, mimetype in events.attachments_for(
                delivery.kind, delivery.notification.payload
            ):
                message.attach(name, content, mimetype)
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            # A broken connection is opened anew for the next e-mail.
            self.close()
            final = isinstance(exc, smtplib.SMTPRecipientsRefused)
            detail = f"{type(exc).__name__}: {exc}"
            raise SendFailed("SMTP", detail, final=final) from None
        return "250 accepted"

    def phone(self, delivery: Delivery) -> str:
        handle = normal_handle(delivery.recipient)
        if handle.startswith("tg:"):
            channel, recipient, meta = IntakeChannel.TELEGRAM, handle[3:], {}
        elif handle.isdigit():
            channel, recipient = IntakeChannel.WHATSAPP, handle
            meta = {"phone_number_id": settings.DESKPEMILU_WHATSAPP_PHONE_NUMBER_ID}
        else:
            raise SendFailed("-", f"{delivery.recipient!r}: bukan nomor", final=True)
        queued = OutboundMessage.objects.create(
            channel=channel,
            recipient=recipient,
            body=f"{delivery.subject}\n{delivery.body}"[:4000],
            meta=meta,
        )
        self.outbound.append(queued.pk)
        return f"queued as outbound {queued.pk} ({channel})"

    def sms(self, delivery: Delivery) -> str:
        """Through intake's outbound queue to Kannel (intake/outbound.py)."""
        if not sms_on():
            raise SendFailed("-", "SMS tidak aktif (DESKPEMILU_SMS_SENDSMS_URL kosong)")
        try:
            number = normalise_phone(delivery.recipient)
        except PayloadError:
            raise SendFailed(
                "-", f"{delivery.recipient!r}: bukan nomor telepon", final=True
            ) from None
        queued = OutboundMessage.objects.create(
            channel=IntakeChannel.SMS_GATEWAY, recipient=number, body=delivery.body
        )
        self.outbound.append(queued.pk)
        return f"queued as outbound {queued.pk} (sms)"

    def webhook(self, delivery: Delivery) -> str:
        assert delivery.endpoint is not None
        stamp = int(time.time())
        body = json.dumps(
            {**delivery.data, "timestamp": stamp}, separators=(",", ":")
        ).encode()
        request = urllib.request.Request(
            delivery.recipient,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json",
                "User-Agent": "deskpemilu-webhook",
                signing.TIMESTAMP_HEADER: str(stamp),
                signing.SIGNATURE_HEADER: signing.signature(
                    delivery.endpoint.secret, body
                ),
            },
        )
        timeout = settings.DESKPEMILU_NOTIFY_WEBHOOK_TIMEOUT
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                response.read(1024)
                return f"HTTP {response.status}"
        except urllib.error.HTTPError as exc:
            text = exc.read(300).decode(errors="replace")
            # The endpoint refused the request itself: sending it again will not help.
            final = 400 <= exc.code < 500 and exc.code not in (408, 429)
            raise SendFailed(f"HTTP {exc.code}", text, final=final) from None
        except (urllib.error.URLError, OSError) as exc:
            raise SendFailed("-", f"{type(exc).__name__}: {exc}") from None

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except (smtplib.SMTPException, OSError):
                pass
            self.smtp = None


def _claim(limit: int) -> list[Delivery]:
    now = timezone.now()
    with transaction.atomic():
        due = list(
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(status=DeliveryStatus.QUEUED, next_attempt_at__lte=now)
            .order_by("next_attempt_at", "id")[:limit]
        )
        Delivery.objects.filter(pk__in=[d.pk for d in due]).update(
            next_attempt_at=now + CLAIM
        )
    return due


def deliveries_send_due(limit: int = 200) -> tuple[int, int]:
    """Send the deliveries that are due, once each. Returns (sent, not sent)."""
    sent = failed = 0
    senders = _Senders()
    try:
        for delivery in _claim(limit):
            if _attempt(senders, delivery):
                sent += 1
            else:
                failed += 1
    finally:
        senders.close()
    if senders.outbound:
        outbound_send_soon()
    return sent, failed


def _attempt(senders: _Senders, delivery: Delivery) -> bool:
    started = timezone.now()
    clock = time.perf_counter()
    send = {
        Channel.EMAIL: senders.email,
        Channel.PHONE: senders.phone,
        Channel.SMS: senders.sms,
        Channel.WEBHOOK: senders.webhook,
    }[Channel(delivery.channel)]
    try:
        answer = send(delivery)
    except SendFailed as exc:
        _log(delivery, started, clock, False, exc.answer, str(exc))
        _retry_later(delivery, str(exc), final=exc.final)
        return False
    _log(delivery, started, clock, True, answer, "")
    Delivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT,
        sent_at=timezone.now(),
        attempts=delivery.attempts + 1,
        last_error="",
    )
    return True


def _log(
    delivery: Delivery,
    started: dt.datetime,
    clock: float,
    ok: bool,
    answer: str,
    error: str,
) -> None:
    DeliveryAttempt.objects.create(
        delivery=delivery,
        started_at=started,
        duration_ms=round((time.perf_counter() - clock) * 1000),
        ok=ok,
        status=answer[:100],
        error=error[:2000],
    )


def _retry_later(delivery: Delivery, error: str, *, final: bool) -> None:
    attempts = delivery.attempts + 1
    wait = (
        None
        if final
        else backoff.delay_after(attempts, settings.DESKPEMILU_TASK_RETRY_DELAYS)
    )
    log.warning(
        "delivery %s (%s) attempt %d failed: %s",
        delivery.pk,
        delivery.channel,
        attempts,
        error,
    )
    Delivery.objects.filter(pk=delivery.pk).update(
        attempts=attempts,
        last_error=error[:2000],
        status=DeliveryStatus.FAILED if wait is None else DeliveryStatus.QUEUED,
        next_attempt_at=timezone.now() + dt.timedelta(seconds=wait or 0),
    )
