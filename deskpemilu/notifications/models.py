"""Notifications: what each person was told, each delivery to the outside with its
attempts, the agencies' webhook endpoints, each person's choices, and the events
already announced by the periodic sweep."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    """The events (core/events.py KINDS), as a person reads them."""

    ASSIGNED = "assigned", _("Assigned to my agency")
    ESCALATED = "escalated", _("Escalated to my agency")
    DEADLINE_SOON = "deadline_soon", _("Deadline approaching")
    OVERDUE = "overdue", _("Past its deadline")
    CRITICAL_INCIDENT = "critical_incident", _("New critical incident in my area")
    REGION_ALERT = "region_alert", _("Region turned siaga or rawan")
    ACTION_ITEM_DUE = "action_item_due", _("Action item due")
    REPORT_ISSUED = "report_issued", _("Report issued")
    # Not an event: the daily e-mail that sums a person's notifications up.
    DIGEST = "digest", _("Daily digest")


class Channel(models.TextChoices):
    DESK = "desk", _("In the desk")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("WhatsApp/Telegram")
    SMS = "sms", _("SMS")
    WEBHOOK = "webhook", _("Agency webhook")


class Notification(models.Model):
    """One event told to one person: the bell's row; its deliveries go outside."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)
    # Waits for the person's daily e-mail digest (instead of an e-mail of its own).
    digest = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["user", "read_at"], name="notification_unread"),
            models.Index(fields=["user", "-created_at"], name="notification_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}: {self.title}"


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookEndpoint(models.Model):
    """An agency's own system that hears the desk's events: a signed JSON POST
    (docs/notifications.md)."""

    agency = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("agency"),
    )
    url = models.URLField(_("URL"), max_length=500)
    secret = models.CharField(
        _("secret"),
        max_length=200,
        default=new_secret,
        help_text=_("Signs every POST (HMAC-SHA256); the agency keeps a copy."),
    )
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        help_text=_("Event kinds to send (a JSON list); empty: every event."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self) -> str:
        return f"{self.agency}: {self.url}"

    def hears(self, kind: str) -> bool:
        return self.active and (not self.events or kind in self.events)


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed (given up)")


class Delivery(models.Model):
    """One notification on one outside channel (an e-mail, a message, a webhook
    POST), sent by the worker with its own attempts."""

    kind = models.CharField(_("event"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    notification = models.ForeignKey(
        Notification,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    endpoint = models.ForeignKey(
        WebhookEndpoint,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    recipient = models.CharField(_("recipient"), max_length=500)
    subject = models.CharField(max_length=200, blank=True)
    body = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="delivery_due")
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.kind} to {self.recipient}: {self.status}"


class DeliveryAttempt(models.Model):
    """One try at a delivery: when, how long, and what the other side said."""

    delivery = models.ForeignKey(
        Delivery, on_delete=models.CASCADE, related_name="attempt_log"
    )
    started_at = models.DateTimeField(_("time"))
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    ok = models.BooleanField(_("succeeded"))
    status = models.CharField(_("answer"), max_length=100, blank=True)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["started_at", "id"]
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")

    def __str__(self) -> str:
        return f"{self.delivery_id} {self.started_at:%Y-%m-%d %H:%M:%S} {self.status}"


class Preference(models.Model):
    """A person's own choice for one event on one channel (a cell of the grid);
    without a row, their roles' default holds (notifications/kinds.py)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preferences",
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    channel = models.CharField(max_length=10, choices=Channel.choices)
    enabled = models.BooleanField()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="preference_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind}/{self.channel}: {self.enabled}"


class Digest(models.Model):
    """A person who takes one e-mail a day summing up their notifications instead
    of one e-mail each."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_digest",
    )
    # The notifications up to this moment are in a digest already.
    covered_until = models.DateTimeField(default=timezone.now)
    last_sent_on = models.DateField(null=True, blank=True)

    class Meta:
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")

    def __str__(self) -> str:
        return f"{self.user_id} {self.last_sent_on}"


class Announced(models.Model):
    """An event the periodic sweep found and told, by its key
    (`deadline_soon:assignment:12`): told once, whichever worker found it."""

    key = models.CharField(max_length=100, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("announced event")
        verbose_name_plural = _("announced events")

    def __str__(self) -> str:
        return self.key
