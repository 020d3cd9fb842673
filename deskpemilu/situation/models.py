"""The situation: each region's status and its history, coordinators' overrides, the
TPS-rawan indicators of each TPS, and the personnel each Polres reports.

The rules are in plain modules: status_rules.py (status), vulnerability.py (TPS
classes), deployment.py (police and Linmas), coverage_rules.py (election day).
"""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskpemilu.situation import vulnerability, wording


class Level(models.TextChoices):
    """The four levels of a region's status (status_rules.LEVELS, in order)."""

    AMAN = "aman", _("Aman dan kondusif")
    WASPADA = "waspada", _("Waspada")
    SIAGA = "siaga", _("Siaga")
    RAWAN = "rawan", _("Rawan")


class StatusOverride(models.Model):
    """A coordinator's decision on a region's status, with a reason and an expiry.

    It is in force from `created_at` until `expires_at`, unless ended earlier
    (lifted, or replaced by a newer override); an ended override is kept.
    """

    class EndKind(models.TextChoices):
        EXPIRED = "expired", _("expired")
        LIFTED = "lifted", _("lifted")
        REPLACED = "replaced", _("replaced by a newer override")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="status_overrides"
    )
    level = models.CharField(_("status"), max_length=10, choices=Level.choices)
    reason = models.TextField(_("reason"))
    expires_at = models.DateTimeField(_("expires"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    end_kind = models.CharField(max_length=10, choices=EndKind.choices, blank=True)
    end_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("status override")
        verbose_name_plural = _("status overrides")
        indexes = [models.Index(fields=["ended_at", "expires_at"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.level} s.d. {self.expires_at:%Y-%m-%d %H:%M}"


class RegionStatus(models.Model):
    """The current status of one region, as the last recompute left it.

    `level` is what the desk sees (the override when one is in force), next to
    `computed_level`, what the rules give. Scores are decayed sums (status_rules);
    counts are the incidents of the window in the region and everything under it,
    rejected ones left out.
    """

    region = models.OneToOneField(
        "regions.Region", on_delete=models.CASCADE, related_name="status"
    )
    # Copies of the region's undotted code and level: scope ranges and the map's
    # "all desa" read one table.
    area_code = models.CharField(max_length=10, unique=True)
    region_level = models.CharField(max_length=10)
    level = models.CharField(_("status"), max_length=10, choices=Level.choices)
    computed_level = models.CharField(
        _("computed status"), max_length=10, choices=Level.choices
    )
    rule = models.CharField(max_length=20, blank=True)
    reason = models.CharField(max_length=300, blank=True)
    # The why as data (status_rules.why, situation/wording.py), said in the reader's
    # language; `reason` is its Indonesian sentence, for the record and the API.
    why = models.JSONField(default=dict, blank=True)
    score = models.FloatField(default=0)
    own_score = models.FloatField(default=0)
    incident_count = models.PositiveIntegerField(default=0)
    open_count = models.PositiveIntegerField(default=0)
    significant_count = models.PositiveIntegerField(default=0)
    override = models.ForeignKey(
        StatusOverride,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    window_start = models.DateTimeField()
    computed_at = models.DateTimeField()
    # What the public page shows: the same rules over the incidents the desk has
    # verified only (an override counts), so an unverified report never raises it
    # (docs/decisions.md, "The public status").
    public_level = models.CharField(
        _("public status"), max_length=10, choices=Level.choices, blank=True
    )
    public_own_score = models.FloatField(default=0)

    class Meta:
        ordering = ["area_code"]
        verbose_name = _("region status")
        verbose_name_plural = _("region statuses")
        indexes = [models.Index(fields=["region_level", "area_code"])]

    def __str__(self) -> str:
        return f"{self.area_code} {self.level}"

    @property
    def said(self) -> str:
        """The why in the reader's language."""
        return wording.say(self.why, self.reason)


class StatusChange(models.Model):
    """One entry of a region's status history. Append-only.

    Written when the effective level changes (source computed), when an override is
    set (source override, even at the same level) and when it ends (override_end).
    """

    class Source(models.TextChoices):
        COMPUTED = "computed", _("computed")
        OVERRIDE = "override", _("override")
        OVERRIDE_END = "override_end", _("override ended")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.CASCADE, related_name="status_changes"
    )
    at = models.DateTimeField()
    from_level = models.CharField(max_length=10, choices=Level.choices, blank=True)
    to_level = models.CharField(max_length=10, choices=Level.choices)
    source = models.CharField(max_length=15, choices=Source.choices)
    reason = models.TextField(blank=True)
    why = models.JSONField(default=dict, blank=True)  # as RegionStatus.why
    score = models.FloatField(null=True, blank=True)
    override = models.ForeignKey(
        StatusOverride,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="changes",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")
        indexes = [models.Index(fields=["region", "at"])]

    def __str__(self) -> str:
        return f"{self.region_id} {self.from_level or '-'} -> {self.to_level}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("status history is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise ValueError("status history is append-only")

    @property
    def said(self) -> str:
        """The why in the reader's language."""
        return wording.say(self.why, self.reason)


def _flag(key: str) -> models.BooleanField:
    return models.BooleanField(vulnerability.BY_KEY[key].label, default=False)


class TpsVulnerability(models.Model):
    """Bawaslu's 22 TPS-rawan indicators of one TPS, grouped by the 7 variables
    (vulnerability.VARIABLES holds the labels and the order)."""

    tps = models.OneToOneField(
        "regions.TPS", on_delete=models.CASCADE, related_name="vulnerability"
    )
    # 1. Penggunaan hak pilih
    dpt_tms = _flag("dpt_tms")
    dptb = _flag("dptb")
    potensi_dpk = _flag("potensi_dpk")
    kpps_memilih_di_luar = _flag("kpps_memilih_di_luar")
    # 2. Keamanan
    riwayat_kekerasan = _flag("riwayat_kekerasan")
    riwayat_intimidasi = _flag("riwayat_intimidasi")
    rawan_bencana = _flag("rawan_bencana")
    hasutan_sara = _flag("hasutan_sara")
    # 3. Kampanye
    politik_uang = _flag("politik_uang")
    dekat_posko_kampanye = _flag("dekat_posko_kampanye")
    # 4. Netralitas
    aparat_berkampanye = _flag("aparat_berkampanye")
    kpps_berkampanye = _flag("kpps_berkampanye")
    # 5. Logistik
    logistik_kurang = _flag("logistik_kurang")
    logistik_terlambat = _flag("logistik_terlambat")
    logistik_rusak = _flag("logistik_rusak")
    surat_suara_tertukar = _flag("surat_suara_tertukar")
    # 6. Lokasi TPS
    sulit_dijangkau = _flag("sulit_dijangkau")
    lokasi_khusus = _flag("lokasi_khusus")
    dekat_lembaga_pendidikan = _flag("dekat_lembaga_pendidikan")
    dekat_tempat_kerja = _flag("dekat_tempat_kerja")
    # 7. Listrik dan internet
    kendala_listrik = _flag("kendala_listrik")
    kendala_internet = _flag("kendala_internet")

    note = models.TextField(_("note"), blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("TPS vulnerability")
        verbose_name_plural = _("TPS vulnerability")

    def __str__(self) -> str:
        return f"kerawanan TPS {self.tps_id}"

    def present(self) -> list[str]:
        """The keys of the indicators this TPS has."""
        return [key for key in vulnerability.INDICATOR_KEYS if getattr(self, key)]


class PolresPersonnel(models.Model):
    """The police and Linmas a Polres says it can deploy on voting day."""

    agency = models.OneToOneField(
        "accounts.Agency",
        on_delete=models.CASCADE,
        related_name="personnel",
        limit_choices_to={"kind": "polri"},
    )
    police = models.PositiveIntegerField(_("police"))
    linmas = models.PositiveIntegerField(_("Linmas"))
    note = models.TextField(_("note"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("Polres personnel")
        verbose_name_plural = _("Polres personnel")

    def __str__(self) -> str:
        return f"{self.agency_id}: {self.police} polisi, {self.linmas} Linmas"


# The dashboard's read model ---------------------------------------------------------


class DayCount(models.Model):
    """Incidents per WIB day, area, stage, severity and status: what the dashboard's
    tiles and per-region chart read instead of a million incidents.

    Kept by `services.tally_refresh` (the situation worker) at three grains, one
    per level whose summary reads them: `area` is the incident's area code cut to
    `grain` digits, the children of the region summed (4, the kab/kota, for the
    province; 6, the kecamatan, for a kab/kota; 10, the desa, for a kecamatan);
    shorter for an incident placed above that level.
    """

    grain = models.PositiveSmallIntegerField()
    day = models.DateField()
    area = models.CharField(max_length=10)
    stage = models.ForeignKey(
        "elections.Stage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # read by day, never by stage alone
    )
    severity = models.CharField(max_length=10)
    status = models.CharField(max_length=15)
    n = models.PositiveIntegerField()

    class Meta:
        # Covering: the dashboard's sums are read from the index alone, one seek
        # per day of the period (services.tally explains why per day).
        indexes = [
            models.Index(
                fields=["grain", "day", "area", "stage", "severity", "status", "n"],
                name="daycount_grain_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.area} {self.severity} {self.status}: {self.n}"


class DayCategoryCount(models.Model):
    """Incidents per WIB day, area, stage, category and status: the dashboard's
    timeline and the public page's counts. Kept with DayCount at three grains, one
    per level whose timeline reads them: `area` is the area code cut to `grain`
    digits, the region itself (2 for the province, 4 a kab/kota, 6 a kecamatan)."""

    grain = models.PositiveSmallIntegerField()
    day = models.DateField()
    area = models.CharField(max_length=10)
    stage = models.ForeignKey(
        "elections.Stage",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    category = models.CharField(max_length=20)
    status = models.CharField(max_length=15)
    n = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(
                fields=["grain", "day", "area", "stage", "category", "status", "n"],
                name="daycategory_grain_read_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.area} {self.category} {self.status}: {self.n}"


class DashboardState(models.Model):
    """One row: how far the day counts go, and the figures that move with the
    clock rather than with incidents (overdue follow-ups, voting-day coverage).

    The counts hold every incident with an id up to `incident_id` as it stood when
    the history entries up to `event_id` had been read; the dashboard adds the
    incidents above `incident_id` straight from the incidents table.
    """

    incident_id = models.BigIntegerField(default=0)
    event_id = models.BigIntegerField(default=0)
    # History entries above this are read (again) by the next run: those of the last
    # run too, for a transaction that committed after it had looked (PostgreSQL
    # takes ids before commit).
    recheck_from = models.BigIntegerField(default=0)
    counted_at = models.DateTimeField(null=True)
    rebuilt_at = models.DateTimeField(null=True)
    # {"vote_date": "2024-02-14", "areas": {area code: [overdue, buka, tutup,
    # hitung, kirim]}}: overdue per incident area, check-ins per desa.
    figures = models.JSONField(default=dict)
    checkin_id = models.BigIntegerField(default=0)
    figures_at = models.DateTimeField(null=True)

    def __str__(self) -> str:
        return f"tally to incident {self.incident_id}, event {self.event_id}"
