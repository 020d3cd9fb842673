"""Users, the agencies that sit on the desk, and memberships (role + region scope)."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person who uses the desk. What they may see comes from their memberships."""

    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")


class AgencyKind(models.TextChoices):
    PEMDA = "pemda", _("Regional government")
    KESBANGPOL = "kesbangpol", _("Kesbangpol (national unity and politics office)")
    POLRI = "polri", _("Police")
    TNI = "tni", _("Military")
    KEJAKSAAN = "kejaksaan", _("Prosecutor's office")
    KPU = "kpu", _("Election commission (KPU)")
    BAWASLU = "bawaslu", _("Election supervisory body (Bawaslu)")
    LAIN = "lain", _("Other")


class Agency(models.Model):
    """An institution on the desk or answering to it (Polda, Polres, KPU kab, ...)."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=150)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=AgencyKind.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="agencies",
        verbose_name=_("seat (region)"),
        help_text=_("The province or kab/kota whose desk this agency sits on."),
    )
    jurisdiction = models.ManyToManyField(
        "regions.Region",
        related_name="agencies_covering",
        blank=True,
        verbose_name=_("area covered"),
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="units",
        verbose_name=_("parent agency"),
    )
    desk_member = models.BooleanField(_("member of the desk"), default=True)

    class Meta:
        ordering = ["region__code", "kind", "name"]
        verbose_name = _("agency")
        verbose_name_plural = _("agencies")

    def __str__(self) -> str:
        return self.short_name or self.name


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    COORDINATOR = "coordinator", _("Coordinator")
    OPERATOR = "operator", _("Operator")
    LIAISON = "liaison", _("Agency liaison")
    LEADER = "leader", _("Leader (read-only)")


class Membership(models.Model):
    """A user's seat at an agency: a role, limited to the province or a kab/kota."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="members")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region scope"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "agency", "region"], name="membership_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.agency} ({self.get_role_display()}, {self.region})"

    def clean(self) -> None:
        if self.region_id and self.region.level not in ("provinsi", "kabkota"):
            raise ValidationError(
                {"region": _("A scope is the province or one regency/city.")}
            )
