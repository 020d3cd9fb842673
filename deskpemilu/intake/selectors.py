"""Reads of inbound messages: the inbox, one message, what a message says about an
incident, and the public form's recent submissions. Always through the user's scope
(accounts.access.messages_visible), except the rate-limit count, which has no user.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from deskpemilu.accounts.access import incidents_visible, messages_visible
from deskpemilu.accounts.models import User
from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents.models import IncidentSource
from deskpemilu.intake import public_status
from deskpemilu.intake.models import (
    Channel,
    InboundMessage,
    MessageAttachment,
    MessageKind,
)


@dataclass(frozen=True)
class MessageFilters:
    channel: str = ""
    status: str = ""
    kind: str = ""
    date: dt.date | None = None  # the WIB day the message was received


def _links(user: User) -> Prefetch[str, QuerySet[IncidentSource], str]:
    # Only incidents the user may open: a link to an incident out of scope is noise.
    return Prefetch(
        "incident_links",
        queryset=IncidentSource.objects.filter(incident__in=incidents_visible(user))
        .select_related("incident")
        .order_by("incident_id"),
    )


def message_list(
    user: User, filters: MessageFilters, *, with_status: bool = True
) -> QuerySet[InboundMessage]:
    """Messages the user may see, filtered, newest first, ready for the inbox.

    `with_status=False` leaves the status filter out, for the counts per status.
    """
    qs = messages_visible(user)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.status and with_status:
        qs = qs.filter(status=filters.status)
    if filters.date:
        start = dt.datetime.combine(filters.date, dt.time.min, tzinfo=WIB)
        qs = qs.filter(received_at__gte=start, received_at__lt=start + dt.timedelta(1))
    # Newest first by arrival number: the key's index gives the first page at once,
    # where ordering by the time sorted every message of the scope (3.3 million
    # messages: 2.7 s per page). Ids are given as messages arrive.
    return (
        qs.select_related("region", "tps")
        .prefetch_related(_links(user))
        .order_by("-id")
    )


def message_counts(qs: QuerySet[InboundMessage]) -> dict[str, int]:
    """How many messages of a (filtered) list have each parse status."""
    rows = qs.order_by().values_list("status").annotate(n=Count("id"))
    return dict(rows.values_list("status", "n"))


def message_for_user_or_404(user: User, message_id: int) -> InboundMessage:
    """One message with its links, if the user may see it; else 404."""
    message = (
        messages_visible(user)
        .select_related("region", "tps", "reporter", "submitted_by", "api_client")
        .prefetch_related(_links(user))
        .filter(pk=message_id)
        .first()
    )
    if message is None:
        raise Http404("message not found")
    return message


def message_file_for_user_or_404(
    user: User, message_id: int, file_id: int
) -> MessageAttachment:
    """A photo sent with a message, to those who may see the message; else 404."""
    item = (
        MessageAttachment.objects.filter(
            pk=file_id,
            message_id=message_id,
            message__in=messages_visible(user).values("pk"),
        )
        .select_related("message")
        .first()
    )
    if item is None:
        raise Http404("file not found")
    return item


def message_incident_initial(message: InboundMessage) -> dict[str, Any]:
    """What a new incident from this message starts with: the field-code report's
    place, category, severity and text; the public form's kab/kota (or the place
    code it named), category, time and description; else the text."""
    parsed = message.parsed if isinstance(message.parsed, dict) else {}
    text = parsed.get("text") or parsed.get("description") or message.body
    try:
        occurred_at = dt.datetime.fromisoformat(parsed.get("occurred_at") or "")
    except (TypeError, ValueError):
        occurred_at = None
    if occurred_at is not None and occurred_at.tzinfo is None:
        occurred_at = None
    place = parsed.get("place_code") or parsed.get("kabkota") or ""
    if not place and message.region is not None:
        place = message.tps.code if message.tps is not None else message.region.code
    return {
        "place_code": place,
        "category": parsed.get("category", "")
        if message.kind == MessageKind.INCIDENT
        else "",
        "severity": parsed.get("severity", ""),
        "title": text[:80],
        "description": text,
        "occurred_at": (occurred_at or message.sent_at or message.received_at)
        .astimezone(WIB)
        .replace(second=0, microsecond=0),
    }


def public_submissions_recent(remote_addr: str | None, seconds: int) -> int:
    """Public-form messages from this address in the last `seconds` (one query on
    the partial index of the public form's messages)."""
    since = timezone.now() - dt.timedelta(seconds=seconds)
    return InboundMessage.objects.filter(
        channel=Channel.PUBLIC, remote_addr=remote_addr, received_at__gte=since
    ).count()


# A citizen's report, looked up by its number and check code -------------------------


@dataclass(frozen=True)
class PublicReportState:
    ref: str
    received_at: dt.datetime
    state: str  # public_status.RECEIVED, HANDLING, HANDLED, NOT_PURSUED
    label: str


_STATUS_ORDER = ("ditolak", "baru", "terverifikasi", "ditangani", "selesai")


def public_report_state(ref: str, code: str) -> PublicReportState | None:
    """Where a public-form report stands, or None when the number is not a public
    report's or the check code does not match it (the same answer for both)."""
    ref = ref.strip().upper()
    if not public_status.code_matches(ref, code):
        return None
    digits = ref.removeprefix("M")
    if not digits.isdigit():
        return None
    message = (
        InboundMessage.objects.filter(pk=int(digits), channel=Channel.PUBLIC)
        .only("pk", "received_at", "status")
        .first()
    )
    if message is None:
        return None
    statuses = IncidentSource.objects.filter(message_id=message.pk).values_list(
        "incident__status", flat=True
    )
    incident_status = max(statuses, key=_STATUS_ORDER.index, default=None)
    state = public_status.state_of(message.status, incident_status)
    return PublicReportState(
        ref=message.ref,
        received_at=message.received_at,
        state=state,
        label=str(public_status.LABELS[state]),
    )
