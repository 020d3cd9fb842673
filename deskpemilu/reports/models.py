"""Situation reports (Laporan Situasi): the desk's letterhead, each report with its
frozen content, and the files of an issued report, kept byte for byte."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from deskpemilu.reports.content import DEFAULT_NUMBER_FORMAT, report_number


def _check_number_format(value: str) -> None:
    import datetime as dt

    try:
        report_number(value, 1, dt.date(2024, 2, 14))
    except ValueError as exc:
        raise ValidationError(str(exc)) from exc


class Letterhead(models.Model):
    """The kop of a desk's reports, its numbering scheme and who signs: one per
    desk (the region it serves). Edited in the admin."""

    region = models.OneToOneField(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("desk (region)"),
    )
    province = models.CharField(
        _("government"), max_length=120, default="PEMERINTAH PROVINSI BANTEN"
    )
    office = models.CharField(
        _("office"), max_length=120, default="BADAN KESATUAN BANGSA DAN POLITIK"
    )
    unit = models.CharField(_("unit"), max_length=120, default="DESK PEMILU 2024")
    address = models.CharField(_("address"), max_length=250, blank=True)
    place = models.CharField(_("place of signing"), max_length=60, default="Serang")
    addressees = models.TextField(
        _("addressees (one a line)"),
        default=(
            "Menteri Dalam Negeri c.q. Direktur Jenderal Politik dan "
            "Pemerintahan Umum\nGubernur Banten"
        ),
    )
    classification = models.CharField(
        _("classification"), max_length=40, default="TERBATAS"
    )
    number_format = models.CharField(
        _("number format"),
        max_length=80,
        default=DEFAULT_NUMBER_FORMAT,
        validators=[_check_number_format],
        help_text=_("{seq} sequence in the year, {month} Roman month, {year} year"),
    )
    signer_name = models.CharField(_("signer's name"), max_length=120, blank=True)
    signer_position = models.CharField(
        _("signer's position"), max_length=160, default="Ketua Desk Pemilu"
    )
    signer_nip = models.CharField(_("signer's NIP"), max_length=30, blank=True)
    logo = models.FileField(
        _("logo (PNG)"), upload_to="reports/logo/", blank=True, max_length=120
    )

    class Meta:
        verbose_name = _("report letterhead")
        verbose_name_plural = _("report letterheads")

    def __str__(self) -> str:
        return f"{self.unit} ({self.region_id})"


class ReportKind(models.TextChoices):
    DAILY = "harian", _("daily")
    ON_DEMAND = "khusus", _("on demand")
    FINAL = "akhir", _("final")


class ReportStatus(models.TextChoices):
    DRAFT = "draf", _("draft")
    APPROVED = "disetujui", _("approved")
    ISSUED = "terbit", _("issued")


class Report(models.Model):
    """One situation report: its period and region, its content as gathered when it
    was drafted (JSON of reports.content.Content), the desk's recommendations and
    notes, and where it stands. Issued, nothing of it changes again
    (services refuse it); a correction is a new report with `revises` set."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+"
    )
    area_code = models.CharField(max_length=10, db_index=True, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=ReportKind.choices)
    period_start = models.DateTimeField(_("from"))
    period_end = models.DateTimeField(_("to"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=ReportStatus.choices,
        default=ReportStatus.DRAFT,
    )
    content = models.JSONField(default=dict)
    recommendations = models.TextField(_("recommendations"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    revises = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revision = models.PositiveIntegerField(default=0)
    correction = models.TextField(_("what this revision changes"), blank=True)
    seq = models.PositiveIntegerField(null=True, blank=True)
    number = models.CharField(_("number"), max_length=80, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    gathered_at = models.DateTimeField()
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    issued_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-period_end", "-id"]
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        constraints = [
            # The daily report of a period is drafted once, however many workers.
            models.UniqueConstraint(
                fields=["region", "kind", "period_start", "period_end"],
                condition=models.Q(kind="harian", revises__isnull=True),
                name="report_one_daily_per_period",
            ),
            # Two reports never carry the same number.
            models.UniqueConstraint(
                fields=["number"],
                condition=~models.Q(number=""),
                name="report_unique_number",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"draf #{self.pk}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # An issued report is a record: the services refuse to change it, and so
        # does the row itself, whoever calls save() (the admin, a shell).
        if self.pk is not None and _issued(self.pk):
            raise ValueError("an issued report does not change")
        self.area_code = self.region.code_nodot
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        if self.pk is not None and _issued(self.pk):
            raise ValueError("an issued report is kept")
        return super().delete(*args, **kwargs)

    @property
    def is_issued(self) -> bool:
        return self.status == ReportStatus.ISSUED


def _issued(pk: int) -> bool:
    return Report.objects.filter(pk=pk, status=ReportStatus.ISSUED).exists()


class ReportFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "DOCX"
    HTML = "html", "HTML"


class ReportFile(models.Model):
    """One format of an issued report: the bytes as generated at issue, their
    SHA-256 and when they were made. Downloads serve these bytes, never a new
    rendering."""

    report = models.ForeignKey(Report, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=5, choices=ReportFormat.choices)
    data = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    generated_at = models.DateTimeField()

    class Meta:
        ordering = ["report", "format"]
        verbose_name = _("report file")
        verbose_name_plural = _("report files")
        constraints = [
            models.UniqueConstraint(
                fields=["report", "format"], name="reportfile_unique_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report} ({self.format})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ValueError("a report's file is written once")
        super().save(*args, **kwargs)
