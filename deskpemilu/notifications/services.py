"""Writes for notifications: an event's rows (a Notification per person, a Delivery
per outside channel and per agency webhook), reading the bell, a person's choices,
and sending failed deliveries again.

An event's receiver only writes rows and queues the sending task: nothing here
talks to an SMTP server, a provider or an agency's endpoint, so an unreachable one
never slows or fails the request that caused the event (sending.py, in the worker).
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.models import Membership, Role, User
from deskpemilu.core.timeutil import to_wib, wib_date
from deskpemilu.intake.outbound import sms_on
from deskpemilu.notifications import kinds
from deskpemilu.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Digest,
    Kind,
    Notification,
    Preference,
    WebhookEndpoint,
)
from deskpemilu.notifications.tasks import deliveries_send_soon
from deskpemilu.notifications.telling import Told, describe
from deskpemilu.regions.codes import ancestors

log = logging.getLogger(__name__)


def event_fan_out(
    sender: object, *, kind: str, payload: dict[str, Any], **_: Any
) -> None:
    """The receiver of core.events.announced (connected in apps.py)."""
    notifications_create(kind=kind, payload=payload)


def notifications_create(*, kind: str, payload: dict[str, Any]) -> int:
    """The rows of one event: a Notification for each person it concerns who wants
    it on some channel, a Delivery for each of their outside channels and each
    agency webhook that hears it; the sending task queued on commit. Returns the
    number of deliveries."""
    told = describe(kind, payload)
    if told is None:
        return 0
    with transaction.atomic():
        deliveries = _person_rows(kind, payload, told)
        deliveries += _webhook_rows(kind, payload, told)
        Delivery.objects.bulk_create(deliveries)
        if deliveries:
            deliveries_send_soon()
    return len(deliveries)


def _roles_of(told: Told) -> dict[int, set[str]]:
    """The people the event concerns, with their roles there."""
    seats = Membership.objects.filter(is_active=True, user__is_active=True)
    if told.agency_id is not None:
        seats = seats.filter(agency_id=told.agency_id)
    else:
        codes = [*ancestors(told.region_code), told.region_code]
        seats = seats.filter(region__code__in=codes).exclude(role=Role.LIAISON)
    roles: dict[int, set[str]] = defaultdict(set)
    for user_id, role in seats.values_list("user_id", "role"):
        roles[user_id].add(role)
    return roles


def _person_rows(kind: str, payload: dict[str, Any], told: Told) -> list[Delivery]:
    roles = _roles_of(told)
    if not roles:
        return []
    chosen: dict[int, dict[tuple[str, str], bool]] = defaultdict(dict)
    for user_id, c_kind, channel, enabled in Preference.objects.filter(
        user_id__in=roles, kind=kind
    ).values_list("user_id", "kind", "channel", "enabled"):
        chosen[user_id][(c_kind, channel)] = enabled
    digest = set(
        Digest.objects.filter(user_id__in=roles).values_list("user_id", flat=True)
    )
    contacts = {
        pk: (email, phone)
        for pk, email, phone in User.objects.filter(pk__in=roles).values_list(
            "pk", "email", "phone"
        )
    }
    email_on = bool(settings.DESKPEMILU_EMAIL_HOST)
    sms_is_on = sms_on()
    now = timezone.now()
    rows: list[tuple[Notification, list[str]]] = []
    for user_id, user_roles in sorted(roles.items()):
        wants = {
            channel
            for channel in kinds.PERSONAL_CHANNELS
            if kinds.wanted(user_roles, kind, channel, chosen[user_id])
        }
        email, phone = contacts[user_id]
        outside = []
        if Channel.EMAIL in wants and email and email_on and user_id not in digest:
            outside.append(Channel.EMAIL.value)
        if Channel.PHONE in wants and phone:
            outside.append(Channel.PHONE.value)
        if Channel.SMS in wants and phone and sms_is_on:
            outside.append(Channel.SMS.value)
        in_digest = Channel.EMAIL in wants and bool(email) and user_id in digest
        if Channel.DESK not in wants and not outside and not in_digest:
            continue
        note = Notification(
            user_id=user_id,
            kind=kind,
            title=told.title,
            body=told.body,
            url=told.url,
            payload=payload,
            created_at=now,
            # Not wanted in the bell: kept for the digest and the deliveries, read.
            read_at=None if Channel.DESK in wants else now,
            digest=in_digest,
        )
        rows.append((note, outside))
    Notification.objects.bulk_create([note for note, _ in rows])
    deliveries = []
    sms = told.sms() if sms_is_on else ""
    for note, outside in rows:
        email, phone = contacts[note.user_id]
        for channel in outside:
            deliveries.append(
                Delivery(
                    kind=kind,
                    channel=channel,
                    notification=note,
                    recipient=email if channel == Channel.EMAIL else phone,
                    subject=told.title,
                    body=sms if channel == Channel.SMS else told.text_with_link(),
                    created_at=now,
                    next_attempt_at=now,
                )
            )
    return deliveries


def _webhook_rows(kind: str, payload: dict[str, Any], told: Told) -> list[Delivery]:
    endpoints = WebhookEndpoint.objects.filter(active=True)
    if told.agency_id is not None:
        endpoints = endpoints.filter(agency_id=told.agency_id)
    else:
        codes = [*ancestors(told.region_code), told.region_code]
        endpoints = endpoints.filter(agency__region__code__in=codes)
    now = timezone.now()
    event_id = uuid.uuid4().hex
    data = {
        "id": event_id,
        "event": kind,
        "created_at": now.isoformat(),
        "title": told.title,
        "text": told.body,
        "url": told.absolute_url(),
        "data": payload,
    }
    return [
        Delivery(
            kind=kind,
            channel=Channel.WEBHOOK,
            endpoint=endpoint,
            recipient=endpoint.url,
            subject=told.title,
            data=data,
            created_at=now,
            next_attempt_at=now,
        )
        for endpoint in endpoints
        if endpoint.hears(kind)
    ]


# The bell ------------------------------------------------------------------------


def notifications_mark_read(*, actor: User, ids: Iterable[int] | None = None) -> int:
    """Mark the actor's notifications read: those of `ids`, or every unread one.
    Another person's ids are left alone (the bell is one's own)."""
    unread = access.notifications_visible(actor).filter(read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())


# A person's choices ----------------------------------------------------------------


def preferences_save(
    *,
    actor: User,
    cells: set[tuple[str, str]],
    daily_digest: bool,
    channels: tuple[str, ...] = kinds.PERSONAL_CHANNELS,
) -> None:
    """Keep the actor's grid: every (event, channel) cell of `channels` (the
    columns the grid offered) on when in `cells`, else off; the choices on other
    channels (SMS while it is off) are kept. And the daily digest on or off."""
    with transaction.atomic():
        Preference.objects.filter(user=actor, channel__in=channels).delete()
        Preference.objects.bulk_create(
            Preference(
                user=actor,
                kind=kind,
                channel=channel,
                enabled=(kind, channel) in cells,
            )
            for kind in kinds.KINDS
            for channel in channels
        )
        if daily_digest:
            Digest.objects.get_or_create(user=actor)
        else:
            Digest.objects.filter(user=actor).delete()


# Deliveries by hand ------------------------------------------------------------------


def deliveries_retry(*, actor: User, deliveries: QuerySet[Delivery]) -> int:
    """Queue failed deliveries again, due now; the worker tries each once more (and
    again with the usual waits while attempts remain). Administrators only."""
    if not access.can_retry_deliveries(actor):
        raise PermissionDenied("may not retry deliveries")
    with transaction.atomic():
        count = deliveries.filter(status=DeliveryStatus.FAILED).update(
            status=DeliveryStatus.QUEUED, next_attempt_at=timezone.now()
        )
        if count:
            deliveries_send_soon()
    return count


# The daily digest -------------------------------------------------------------------


def digests_queue(*, now: dt.datetime) -> int:
    """From DESKPEMILU_NOTIFY_DIGEST_HOUR (WIB) on, queue one e-mail per person who
    takes the digest and has not had today's: their notifications since the last
    one. Returns the number of e-mails queued."""
    if to_wib(now).hour < settings.DESKPEMILU_NOTIFY_DIGEST_HOUR:
        return 0
    today = wib_date(now)
    queued = 0
    pending = Digest.objects.exclude(last_sent_on=today).values_list("pk", flat=True)
    for digest_id in list(pending):
        with transaction.atomic():
            digest = (
                Digest.objects.select_for_update()
                .select_related("user")
                .filter(pk=digest_id)
                .exclude(last_sent_on=today)
                .first()
            )
            if digest is None:  # another worker sent it
                continue
            notes = list(
                Notification.objects.filter(
                    user_id=digest.user_id,
                    digest=True,
                    created_at__gt=digest.covered_until,
                    created_at__lte=now,
                ).order_by("created_at", "id")
            )
            if notes and digest.user.email and settings.DESKPEMILU_EMAIL_HOST:
                Delivery.objects.create(
                    kind=Kind.DIGEST,
                    channel=Channel.EMAIL,
                    recipient=digest.user.email,
                    subject=(
                        f"Ringkasan notifikasi Desk Pemilu {today:%d-%m-%Y} "
                        f"({len(notes)})"
                    ),
                    body=_digest_text(notes),
                )
                queued += 1
            Digest.objects.filter(pk=digest.pk).update(
                covered_until=now, last_sent_on=today
            )
    if queued:
        deliveries_send_soon()
    return queued


def _digest_text(notes: list[Notification]) -> str:
    base = settings.DESKPEMILU_NOTIFY_BASE_URL.rstrip("/")
    lines = [f"{len(notes)} notifikasi sejak ringkasan terakhir:", ""]
    for note in notes:
        lines.append(f"- {to_wib(note.created_at):%d-%m %H:%M} {note.title}")
        if note.body:
            lines.append(f"  {note.body}")
        if note.url:
            lines.append(f"  {base}{note.url}")
    return "\n".join(lines)
