"""Elections, their stages (tahapan), contests and candidates."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Election(models.Model):
    slug = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=150)
    vote_date = models.DateField(_("voting day"))
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        help_text=_("The region this desk watches the election in."),
    )

    class Meta:
        ordering = ["-vote_date"]
        verbose_name = _("election")
        verbose_name_plural = _("elections")

    def __str__(self) -> str:
        return self.name


class StageKind(models.TextChoices):
    TAHAPAN = "tahapan_pkpu", _("stage in the KPU regulation")
    KONTINJENSI = "kontinjensi", _("contingency (only if needed)")
    PERISTIWA = "peristiwa_aktual", _("event that happened")


class Stage(models.Model):
    """A stage (tahapan) of the election with its dates, whole days in WIB."""

    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="stages"
    )
    seq = models.PositiveSmallIntegerField(_("order"))
    kind = models.CharField(_("kind"), max_length=20, choices=StageKind.choices)
    name = models.CharField(_("name"), max_length=200)
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    sources = models.CharField(_("sources"), max_length=200, blank=True)

    class Meta:
        ordering = ["election", "seq"]
        verbose_name = _("stage (tahapan)")
        verbose_name_plural = _("stages (tahapan)")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "seq"], name="stage_unique_seq"
            ),
            models.CheckConstraint(
                condition=models.Q(start_date__isnull=True)
                | models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="stage_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ContestKind(models.TextChoices):
    PPWP = "ppwp", _("President and Vice President")
    DPR = "dpr", _("DPR (national parliament)")
    DPD = "dpd", _("DPD (regional representatives)")
    DPRD_PROV = "dprd_prov", _("Provincial parliament (DPRD provinsi)")
    DPRD_KABKOTA = "dprd_kabkota", _("Regency/city parliament (DPRD kab/kota)")


class Contest(models.Model):
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="contests"
    )
    kind = models.CharField(_("contest"), max_length=20, choices=ContestKind.choices)
    name = models.CharField(_("name"), max_length=150)

    class Meta:
        ordering = ["election", "id"]
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        constraints = [
            models.UniqueConstraint(
                fields=["election", "kind"], name="contest_unique_kind"
            )
        ]

    def __str__(self) -> str:
        return self.name


class Candidate(models.Model):
    """A candidate or candidate pair on a contest's ballot, by ballot number."""

    contest = models.ForeignKey(
        Contest, on_delete=models.CASCADE, related_name="candidates"
    )
    number = models.PositiveSmallIntegerField(_("ballot number"))
    name = models.CharField(_("name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    external_id = models.CharField(
        _("KPU/Sirekap id"), max_length=20, blank=True, db_index=True
    )

    class Meta:
        ordering = ["contest", "number"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "number"], name="candidate_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number:02d} {self.name}"
