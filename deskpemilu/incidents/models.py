"""Incidents (kejadian), their sources, append-only history, assignments, follow-ups."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskpemilu.incidents.taxonomy import Category, RejectReason, Severity, Status


class Incident(models.Model):
    election = models.ForeignKey(
        "elections.Election", null=True, blank=True, on_delete=models.PROTECT
    )
    stage = models.ForeignKey(
        "elections.Stage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name=_("stage"),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.BARU
    )
    reject_reason = models.CharField(
        _("rejection reason"), max_length=20, choices=RejectReason.choices, blank=True
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("region"),
    )
    # The region's undotted code, so scope and "everything under" filters are ranges
    # on one indexed column, without a join.
    area_code = models.CharField(max_length=13, db_index=True)
    tps = models.ForeignKey(
        "regions.TPS",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incidents",
    )
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    lng = models.FloatField(_("longitude"), null=True, blank=True)
    occurred_at = models.DateTimeField(_("time of incident"))
    channel = models.CharField(_("first reported through"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [
            models.Index(fields=["status", "occurred_at"]),
            # Covers the situation's time-window aggregations (status, statements)
            # without visiting the table.
            models.Index(
                fields=["occurred_at", "area_code", "severity", "status"],
                name="incident_window_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    @property
    def ref(self) -> str:
        return f"K{self.pk:06d}"


class SourceKind(models.TextChoices):
    MESSAGE = "message", _("inbound message")
    PERSON = "person", _("person")
    MEDIA = "media", _("media item")
    OFFICER = "officer", _("desk officer")


class IncidentSource(models.Model):
    """Who or what reported the incident; merging keeps every source."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="sources"
    )
    kind = models.CharField(max_length=10, choices=SourceKind.choices)
    message = models.ForeignKey(
        "intake.InboundMessage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="incident_links",
    )
    person_name = models.CharField(max_length=120, blank=True)
    person_contact = models.CharField(max_length=120, blank=True)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("incident source")
        verbose_name_plural = _("incident sources")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "message"],
                condition=models.Q(message__isnull=False),
                name="source_unique_message",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of incident {self.incident_id}"


class IncidentEvent(models.Model):
    """One entry of an incident's history. Append-only: never changed or removed."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="events"
    )
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField(max_length=120, blank=True)
    action = models.CharField(max_length=20)
    from_status = models.CharField(max_length=15, blank=True)
    to_status = models.CharField(max_length=15, blank=True)
    changes = models.JSONField(default=dict, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("incident history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("incident history is append-only")


class Assignment(models.Model):
    """An agency asked to act on an incident, by a deadline."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="assignments"
    )
    agency = models.ForeignKey(
        "accounts.Agency", on_delete=models.PROTECT, related_name="assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    assigned_at = models.DateTimeField(auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"))
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    done_at = models.DateTimeField(null=True, blank=True)
    escalated_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.TextField(blank=True)
    # The agency's own number for the case (a Gakkumdu or Bawaslu register number,
    # a police report number), given with a follow-up where the agency has one.
    case_number = models.CharField(_("agency's case number"), max_length=60, blank=True)

    class Meta:
        ordering = ["assigned_at", "id"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "agency"], name="assignment_unique_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} for incident {self.incident_id}"


class FollowUp(models.Model):
    """A follow-up action (tindak lanjut) recorded by the assigned agency."""

    assignment = models.ForeignKey(
        Assignment, on_delete=models.CASCADE, related_name="followups"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.TextField(_("action taken"))
    done = models.BooleanField(_("finished"), default=False)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return self.action[:60]


def attachment_path(instance: FollowUpAttachment, filename: str) -> str:
    """Where an attachment is kept under MEDIA_ROOT: a random name, so that nothing
    the uploader chose (a name, a path, an extension) reaches the file system. The
    extension comes from the checked kind (incidents/attachments.py)."""
    return f"followups/{instance.token}{filename[filename.rfind('.') :]}"


class FollowUpAttachment(models.Model):
    """A photo or PDF carried by a follow-up. Served only through the incident's
    page to those who may see the incident, never from MEDIA_URL."""

    followup = models.ForeignKey(
        FollowUp, on_delete=models.CASCADE, related_name="attachments"
    )
    token = models.CharField(max_length=32, unique=True)
    file = models.FileField(upload_to=attachment_path, max_length=120)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    # Shown to people only (escaped); never used for the stored file's name.
    original_name = models.CharField(max_length=120, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("follow-up attachment")
        verbose_name_plural = _("follow-up attachments")

    def __str__(self) -> str:
        return self.original_name or self.token

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")
