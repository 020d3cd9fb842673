"""Every inbound message, raw, from every channel; the senders we know; replies."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deskpemilu.intake import senders


class Channel(models.TextChoices):
    WEB = "web", _("Desk web form")
    # A call taken at the desk and typed into its form: the sender is the caller.
    TELEPON = "telepon", _("Telephone")
    PUBLIC = "public", _("Public web form")
    API = "api", _("API")
    UPLOAD = "upload", _("CSV/XLSX upload")
    SMS_TWILIO = "sms_twilio", _("SMS (Twilio)")
    SMS_GATEWAY = "sms_gateway", _("SMS (gateway)")
    WHATSAPP = "whatsapp", _("WhatsApp")
    TELEGRAM = "telegram", _("Telegram")


class ParseStatus(models.TextChoices):
    PENDING = "pending", _("not processed yet")
    PARSED = "parsed", _("understood")
    FAILED = "failed", _("not understood")
    IGNORED = "ignored", _("nothing to do")


class MessageKind(models.TextChoices):
    CHECKIN = "checkin", _("TPS check-in")
    INCIDENT = "incident", _("incident report")
    RESULT = "result", _("result")
    HELP = "help", _("help request")
    FREE = "free", _("free text")
    MEDIA = "media", _("location or photo")
    EDIT = "edit", _("edit of an earlier message")
    LINK = "link", _("sender linked to a reporter")
    UNKNOWN = "unknown", _("unknown")


class CheckinStage(models.TextChoices):
    """The four moments of election day a TPS reports."""

    BUKA = "buka", _("TPS opened")
    TUTUP = "tutup", _("voting closed")
    HITUNG = "hitung", _("count finished")
    KIRIM = "kirim", _("results sent")


class ReporterRole(models.TextChoices):
    FIELD_OFFICER = "field_officer", _("Field officer")
    OBSERVER = "observer", _("Observer")
    VILLAGE_HEAD = "village_head", _("Village head")
    KPPS = "kpps", _("KPPS member")
    OTHER = "other", _("Other")


class HandleField(models.CharField):
    """A sender kept in its one normal form (intake.senders): whatever is written,
    in the admin, an import, the API or the ORM, is stored and compared normalised.
    ``phone_only`` accepts phone numbers only; otherwise ``tg:``/``wa:`` handles too.
    """

    def __init__(self, *args: Any, phone_only: bool = False, **kwargs: Any) -> None:
        self.phone_only = phone_only
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[str, str, Sequence[Any], dict[str, Any]]:
        name, path, args, kwargs = super().deconstruct()
        if self.phone_only:
            kwargs["phone_only"] = True
        return name, path, args, kwargs

    def to_python(self, value: Any) -> Any:
        value = super().to_python(value)
        if not value:
            return value
        check = senders.phone_or_error if self.phone_only else senders.handle_or_error
        try:
            return check(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None

    def get_prep_value(self, value: Any) -> Any:
        # Not CharField's (it would validate a look-up value such as another
        # field's handle): normalise what can be, compare the rest as given.
        value = models.Field.get_prep_value(self, value)
        return senders.normal_handle(value) if isinstance(value, str) else value


class Reporter(models.Model):
    """A known sender: a field officer or observer with a phone number and a post.
    Further handles (a second phone, a Telegram or WhatsApp id) are ReporterHandles.
    """

    phone = HandleField(_("phone"), max_length=32, unique=True, phone_only=True)
    name = models.CharField(_("name"), max_length=120)
    role = models.CharField(_("role"), max_length=20, choices=ReporterRole.choices)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL
    )
    region = models.ForeignKey(
        "regions.Region", null=True, blank=True, on_delete=models.PROTECT
    )
    tps = models.ForeignKey(
        "regions.TPS", null=True, blank=True, on_delete=models.SET_NULL
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("reporter")
        verbose_name_plural = _("reporters")

    def __str__(self) -> str:
        return self.name


class ReporterHandle(models.Model):
    """Another way a reporter sends: a second phone, ``tg:<id>``, ``wa:<id>``.
    A handle belongs to one reporter and is never another reporter's phone
    (intake.services.reporter_handle_add checks both)."""

    reporter = models.ForeignKey(
        Reporter, on_delete=models.CASCADE, related_name="handles"
    )
    handle = HandleField(_("handle"), max_length=160, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["handle"]
        verbose_name = _("reporter handle")
        verbose_name_plural = _("reporter handles")

    def __str__(self) -> str:
        return self.handle


class InboundMessage(models.Model):
    """One message as it arrived. Stored before anything is done with it; the parse
    outcome is written afterwards, and a message that fails to parse is kept."""

    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    provider_id = models.CharField(_("provider message id"), max_length=120, blank=True)
    sender = models.CharField(_("sender"), max_length=160, blank=True)
    sender_name = models.CharField(_("sender name"), max_length=120, blank=True)
    # No index and no database-level constraint on the references of this log:
    # the inbox filters by area_code, status and time, every index and every
    # foreign-key check is paid on each of the thousands of writes a second, and
    # intake sets them from rows it has just read (docs/decisions.md, "The intake
    # log"). Deleting a referenced row still sets them NULL (Django does it).
    reporter = models.ForeignKey(
        Reporter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    body = models.TextField(_("text"), blank=True)
    raw = models.TextField(_("raw payload"), blank=True)
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    reply_to = models.CharField(max_length=160, blank=True)
    meta = models.JSONField(default=dict, blank=True)
    api_client = models.ForeignKey(
        "intake.ApiClient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
    )
    remote_addr = models.GenericIPAddressField(null=True, blank=True)
    # The outcome of parsing, written after the message is stored.
    status = models.CharField(
        _("parse status"),
        max_length=10,
        choices=ParseStatus.choices,
        default=ParseStatus.PENDING,
    )
    kind = models.CharField(
        _("kind"), max_length=10, choices=MessageKind.choices, blank=True
    )
    error_code = models.CharField(max_length=40, blank=True)
    parsed = models.JSONField(null=True, blank=True)
    reply = models.TextField(_("reply"), blank=True)
    tps = models.ForeignKey(
        "regions.TPS",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # Scope filters are ranges on the undotted code (a plain index; no LIKE index).
    area_code = models.CharField(max_length=13, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("inbound message")
        verbose_name_plural = _("inbound messages")
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "provider_id"],
                condition=~Q(provider_id=""),
                name="inbound_unique_provider_id",
            )
        ]
        indexes = [
            models.Index(fields=["area_code"], name="inbound_area_code"),
            models.Index(fields=["status", "received_at"]),
            # The public form's rate limit: recent messages of one address. Partial:
            # only the public form's messages are indexed, not every gateway's.
            models.Index(
                fields=["remote_addr", "received_at"],
                condition=Q(channel="public"),
                name="inbound_public_rate",
            ),
            # A sender's recent reports and media, to join a location or photo
            # sent without text to them (intake/joining.py). Partial: check-ins,
            # the bulk of the traffic, are not indexed.
            models.Index(
                fields=["sender", "received_at"],
                condition=Q(kind__in=["incident", "free", "result", "media"]),
                name="inbound_sender_reports",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.sender}: {self.body[:40]}"

    @property
    def ref(self) -> str:
        return f"M{self.pk:07d}"


def message_file_path(instance: MessageAttachment, filename: str) -> str:
    """A random name under MEDIA_ROOT/messages/: nothing the sender chose reaches the
    file system; the extension comes from the checked kind."""
    return f"messages/{instance.token}{filename[filename.rfind('.') :]}"


class MessageAttachment(models.Model):
    """A photo a citizen sent with the public form (`message.files`; a channel's
    media links are `message.attachments`, JSON). Served only through the message's
    page to those who may see the message, never from MEDIA_URL."""

    message = models.ForeignKey(
        InboundMessage, on_delete=models.CASCADE, related_name="files"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=message_file_path, max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # Shown to people only (escaped); never used for the stored file's name.
    original_name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("message attachment")
        verbose_name_plural = _("message attachments")

    def __str__(self) -> str:
        return self.original_name or self.token


class TpsCheckin(models.Model):
    """A TPS reporting one of the four moments of election day."""

    # Written in bulk with the messages: no database-level foreign-key checks and
    # no single-column indexes (the (tps, stage) index serves every query), as for
    # InboundMessage above.
    tps = models.ForeignKey(
        "regions.TPS",
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    stage = models.CharField(max_length=10, choices=CheckinStage.choices)
    reported_at = models.DateTimeField()
    message = models.ForeignKey(
        InboundMessage,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
    )
    reporter = models.ForeignKey(
        Reporter,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["tps", "stage"])]
        verbose_name = _("TPS check-in")
        verbose_name_plural = _("TPS check-ins")

    def __str__(self) -> str:
        return f"{self.tps_id} {self.stage}"


class OutboundStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    SENT = "sent", _("sent")
    FAILED = "failed", _("failed")


class OutboundMessage(models.Model):
    """A reply waiting for the worker to send it through the provider's API."""

    channel = models.CharField(max_length=20, choices=Channel.choices)
    recipient = models.CharField(max_length=160)
    body = models.TextField()
    meta = models.JSONField(default=dict, blank=True)
    inbound = models.ForeignKey(
        InboundMessage, null=True, blank=True, on_delete=models.SET_NULL
    )
    status = models.CharField(
        max_length=10, choices=OutboundStatus.choices, default=OutboundStatus.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "next_attempt_at"])]
        verbose_name = _("outbound message")
        verbose_name_plural = _("outbound messages")

    def __str__(self) -> str:
        return f"{self.channel} to {self.recipient}: {self.status}"


class ApiClient(models.Model):
    """An agency system or gateway, with its own API token (stored hashed)."""

    name = models.CharField(_("name"), max_length=120)
    agency = models.ForeignKey(
        "accounts.Agency", null=True, blank=True, on_delete=models.SET_NULL
    )
    token_hash = models.CharField(max_length=64, unique=True)
    token_prefix = models.CharField(max_length=12)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("API client")
        verbose_name_plural = _("API clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.token_prefix}…)"


class IdempotencyRecord(models.Model):
    """An API request sent with an Idempotency-Key. The key is claimed (a row in
    progress, committed) before the request is processed, so concurrent retries
    wait for one answer; the answer is then kept here and replayed on retry. The
    body's hash tells a retry from another request that reuses the key."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("in progress")
        DONE = "done", _("done")

    client = models.ForeignKey(ApiClient, on_delete=models.CASCADE)
    key = models.CharField(max_length=120)
    # SHA-256 of the request's JSON; blank on records kept before it was stored.
    request_hash = models.CharField(max_length=64, blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.DONE)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response = models.JSONField(null=True, blank=True)
    # When the key was claimed: a claim left in progress far longer than any
    # request lives (its process died) may be taken over.
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["client", "key"], name="idempotency_unique")
        ]

    def __str__(self) -> str:
        return f"{self.client_id}:{self.key}"
