"""Reads of notifications: a person's own bell and their choices."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.intake.outbound import sms_on
from deskpemilu.notifications import kinds
from deskpemilu.notifications.models import Digest, Kind, Notification, Preference

PAGE = 50


def unread_count(user: User) -> int:
    """How many of the user's notifications are unread (the bell's number)."""
    return access.notifications_visible(user).filter(read_at__isnull=True).count()


def notifications_of(user: User) -> QuerySet[Notification]:
    """The user's notifications, newest first."""
    return access.notifications_visible(user).order_by("-created_at", "-id")


@dataclass(frozen=True)
class GridRow:
    kind: str
    label: str
    cells: list[tuple[str, bool]]  # (channel, on)


@dataclass(frozen=True)
class Choices:
    rows: list[GridRow]
    daily_digest: bool
    has_email: bool
    has_phone: bool
    sms_off: bool  # the desk sends no SMS (DESKPEMILU_SMS_SENDSMS_URL is empty)


def offered_channels() -> tuple[str, ...]:
    """The grid's columns: a person's channels, SMS only while the desk sends it."""
    if sms_on():
        return kinds.PERSONAL_CHANNELS
    return tuple(c for c in kinds.PERSONAL_CHANNELS if c != kinds.SMS)


def preferences_of(user: User) -> Choices:
    """The user's grid: each event on each channel, their choice or their roles'
    default."""
    roles = access.access_for(user).roles
    chosen = {
        (kind, channel): enabled
        for kind, channel, enabled in Preference.objects.filter(user=user).values_list(
            "kind", "channel", "enabled"
        )
    }
    channels = offered_channels()
    rows = [
        GridRow(
            kind=kind,
            label=str(Kind(kind).label),
            cells=[
                (channel, kinds.wanted(roles, kind, channel, chosen))
                for channel in channels
            ],
        )
        for kind in kinds.KINDS
    ]
    return Choices(
        rows=rows,
        daily_digest=Digest.objects.filter(user=user).exists(),
        has_email=bool(user.email),
        has_phone=bool(user.phone),
        sms_off=kinds.SMS not in channels,
    )
