"""The desk's own work: coordination meetings and their action items, the duty
roster with each shift's handover note, and the directory of people to call in the
field (KPPS, PPS, PPK, Panwaslu, Babinsa, Bhabinkamtibmas)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Meeting(models.Model):
    """A rapat koordinasi of a desk (the province's or a kab/kota's)."""

    title = models.CharField(_("title"), max_length=200)
    held_at = models.DateTimeField(_("date and time"))
    place = models.CharField(_("place"), max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desk (region)"),
        help_text=_("The province or kab/kota whose desk holds the meeting."),
    )
    # The region's undotted code: the scope filter (access.within_scope) reads it.
    area_code = models.CharField(max_length=10, editable=False, db_index=True)
    agencies = models.ManyToManyField(
        "accounts.Agency", related_name="+", blank=True, verbose_name=_("attending")
    )
    agenda = models.TextField(_("agenda"), blank=True)
    decisions = models.TextField(_("decisions"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-held_at", "-pk"]
        verbose_name = _("coordination meeting")
        verbose_name_plural = _("coordination meetings")

    def __str__(self) -> str:
        return self.title


class ActionStatus(models.TextChoices):
    OPEN = "open", _("open")
    DONE = "done", _("done")
    CANCELLED = "cancelled", _("cancelled")


class ActionItem(models.Model):
    """Who does what by when, as a meeting decided it."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.CASCADE, related_name="action_items"
    )
    description = models.TextField(_("action"))
    owner = models.ForeignKey(
        "accounts.Agency",
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name=_("owner agency"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ActionStatus.choices,
        default=ActionStatus.OPEN,
    )
    incidents = models.ManyToManyField(
        "incidents.Incident", related_name="+", blank=True, verbose_name=_("incidents")
    )
    regions = models.ManyToManyField(
        "regions.Region", related_name="+", blank=True, verbose_name=_("regions")
    )
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_on", "pk"]
        verbose_name = _("action item")
        verbose_name_plural = _("action items")
        indexes = [models.Index(fields=["status", "due_on"], name="action_open_due")]

    def __str__(self) -> str:
        return self.description[:60]


class Shift(models.Model):
    """One shift of a desk's duty roster and the people on it."""

    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desk (region)"),
    )
    area_code = models.CharField(max_length=10, editable=False, db_index=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="shifts", verbose_name=_("on duty")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="shift_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.starts_at:%Y-%m-%d %H:%M}"


class Handover(models.Model):
    """What a shift leaves to the next: open matters and what to watch; the next
    shift acknowledges that it has read it."""

    shift = models.OneToOneField(
        Shift, on_delete=models.CASCADE, related_name="handover"
    )
    open_matters = models.TextField(_("open matters"))
    to_watch = models.TextField(_("what to watch"), blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField(auto_now_add=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("shift handover")
        verbose_name_plural = _("shift handovers")

    def __str__(self) -> str:
        return f"{self.shift}"


class ContactRole(models.TextChoices):
    KPPS = "kpps", _("KPPS chair (per TPS)")
    PTPS = "ptps", _("TPS supervisor (PTPS)")
    PPS = "pps", _("PPS (per village)")
    PKD = "pkd", _("Village supervisor (PKD)")
    PPK = "ppk", _("PPK (per kecamatan)")
    PANWASLU = "panwaslu", _("Panwaslu (kecamatan)")
    BABINSA = "babinsa", _("Babinsa")
    BHABINKAMTIBMAS = "bhabinkamtibmas", _("Bhabinkamtibmas")
    LAIN = "lain", _("Other")


class Contact(models.Model):
    """A person to call in the field, at a region or a TPS."""

    role = models.CharField(_("role"), max_length=20, choices=ContactRole.choices)
    name = models.CharField(_("name"), max_length=120)
    phone = models.CharField(_("phone"), max_length=20)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
    )
    tps = models.ForeignKey(
        "regions.TPS",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("TPS"),
    )
    # Undotted: the TPS code, else the region's; the scope filter and the key of
    # a re-import (the same person in the same role and place is updated).
    place_code = models.CharField(max_length=13, editable=False, db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    source = models.CharField(_("source file"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["place_code", "role", "name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["role", "place_code", "name"], name="contact_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_role_display()})"
