"""The map of the province: regions (Kemendagri codes), TPS and boundaries."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from deskpemilu.regions.codes import ancestors, depth_of, subtree_range, tps_range


class Level(models.TextChoices):
    PROVINSI = "provinsi", _("Province")
    KABKOTA = "kabkota", _("Regency/City")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    DESA = "desa", _("Village (desa/kelurahan)")


class Kind(models.TextChoices):
    PROVINSI = "provinsi", _("province")
    KABUPATEN = "kabupaten", _("regency")
    KOTA = "kota", _("city")
    KECAMATAN = "kecamatan", _("district")
    DESA = "desa", _("village")
    KELURAHAN = "kelurahan", _("urban village")


def region_subtree_q(
    code: str, *, field: str = "code_nodot", include_self: bool = True
) -> Q:
    """Filter for a region (dotted code) and everything under it.

    It is a range on the undotted code: index-friendly on SQLite and PostgreSQL, and,
    being digits only, ordered the same under any database collation (a range over
    dotted codes is not: en_US collation ignores the dots).
    """
    low, high = subtree_range(code)
    lower = f"{field}__gte" if include_self else f"{field}__gt"
    return Q(**{lower: low, f"{field}__lt": high})


def tps_subtree_q(code: str, *, field: str = "code") -> Q:
    low, high = tps_range(code)
    return Q(**{f"{field}__gte": low, f"{field}__lt": high})


class Region(models.Model):
    """A province, kab/kota, kecamatan or desa/kelurahan, by its 2022 Kemendagri code.

    The 2022 edition was in force for Pemilu 2024 and matches KPU's codes; where the
    2025 edition spells a name or numbers a village differently, it is kept in
    `name_alt` / `code_alt`. The count columns are refreshed by `region_stats_refresh`
    after every import, so the tree is read without aggregating 33,324 TPS each time.
    """

    code = models.CharField(_("code"), max_length=13, unique=True)
    code_nodot = models.CharField(_("code (KPU form)"), max_length=10, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices)
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=100)
    name_alt = models.CharField(_("name (2025 edition)"), max_length=100, blank=True)
    code_alt = models.CharField(
        _("code (2025 edition)"), max_length=13, blank=True, db_index=True
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    centroid_lat = models.FloatField(null=True, blank=True)
    centroid_lng = models.FloatField(null=True, blank=True)
    # Counts below, refreshed after each import.
    kecamatan_count = models.PositiveIntegerField(default=0)
    desa_count = models.PositiveIntegerField(default=0)
    tps_count = models.PositiveIntegerField(default=0)
    tps_special_count = models.PositiveIntegerField(default=0)
    dpt = models.PositiveIntegerField(
        _("registered voters (official)"), null=True, blank=True
    )
    dpt_tps_sum = models.PositiveIntegerField(default=0)
    tps_with_dpt = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def depth(self) -> int:
        return depth_of(self.code)

    @property
    def voters(self) -> int | None:
        """Official DPT where known, else the sum over TPS when every TPS is known."""
        if self.dpt is not None:
            return self.dpt
        if self.tps_count and self.tps_with_dpt == self.tps_count:
            return self.dpt_tps_sum
        return None

    def ancestor_codes(self) -> list[str]:
        return ancestors(self.code)


class TPS(models.Model):
    """A polling station (Tempat Pemungutan Suara) in a desa, by its KPU code."""

    code = models.CharField(_("TPS code"), max_length=13, unique=True)
    desa = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="tps")
    number = models.PositiveSmallIntegerField(_("number"))
    name = models.CharField(_("name"), max_length=50)
    is_special = models.BooleanField(
        _("special location"),
        default=False,
        help_text=_("Numbers 901 and up: prisons, hospitals and other special places."),
    )
    kpu_id = models.BigIntegerField(_("KPU id"), null=True, blank=True)
    dpt = models.PositiveIntegerField(_("registered voters"), null=True, blank=True)
    dpt_source = models.CharField(_("voter count source"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("polling station (TPS)")
        verbose_name_plural = _("polling stations (TPS)")
        constraints = [
            models.UniqueConstraint(fields=["desa", "number"], name="tps_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Boundary(models.Model):
    """A region's outline: the source geometry and a light copy for maps (GeoJSON)."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="boundary"
    )
    geometry = models.TextField(help_text="GeoJSON geometry as in the source file")
    geometry_light = models.TextField(help_text="Simplified GeoJSON geometry for maps")
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self) -> str:
        return f"{self.region.code} boundary"


class DataImport(models.Model):
    """One run of an import command: what was read, when, and what it changed."""

    kind = models.CharField(max_length=30)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"
