"""Result sheets (C.Hasil) per TPS, contest and source; their flags; the desk's
decisions; the official recapitulation (D.Hasil); and the log of imports.

Votes per candidate are a JSON list on the sheet (`votes[n-1]` = votes of ballot
number n, null where unknown), not a child table: one row per sheet keeps the national
load at 820,161 rows instead of 2.5 million, a re-import compares one hash per sheet,
and the recap sums `votes->>i` in the same pass as the other fields (docs/results.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Source(models.TextChoices):
    KPU_SIREKAP = "kpu_sirekap", _("KPU (Sirekap)")
    SAKSI = "saksi", _("Witness (party or desk)")
    BAWASLU = "bawaslu", _("Bawaslu")
    DESK = "desk", _("Desk entry")


class RecapLevel(models.TextChoices):
    NASIONAL = "nasional", _("National")
    PROVINSI = "provinsi", _("Province")
    KABKOTA = "kabkota", _("Regency/City")
    KECAMATAN = "kecamatan", _("District (kecamatan)")
    DESA = "desa", _("Village (desa/kelurahan)")


class CHasilFields(models.Model):
    """The numbers of a C.Hasil (TPS) or D.Hasil (recap) form; null = not known.

    Signed integers: a negative number read from a source is kept and flagged, not
    refused, so that nothing the source said is lost.
    """

    dpt_laki = models.IntegerField(_("DPT men"), null=True, blank=True)
    dpt_perempuan = models.IntegerField(_("DPT women"), null=True, blank=True)
    dpt_total = models.IntegerField(_("DPT total"), null=True, blank=True)
    dptb_total = models.IntegerField(_("DPTb (additional list)"), null=True, blank=True)
    dpk_total = models.IntegerField(_("DPK (special list)"), null=True, blank=True)
    pengguna_dpt_laki = models.IntegerField(_("DPT voters men"), null=True, blank=True)
    pengguna_dpt_perempuan = models.IntegerField(
        _("DPT voters women"), null=True, blank=True
    )
    pengguna_dpt_total = models.IntegerField(_("DPT voters"), null=True, blank=True)
    pengguna_dptb_total = models.IntegerField(_("DPTb voters"), null=True, blank=True)
    pengguna_dpk_total = models.IntegerField(_("DPK voters"), null=True, blank=True)
    pengguna_hak_pilih_total = models.IntegerField(
        _("voters who voted"), null=True, blank=True
    )
    surat_diterima = models.IntegerField(_("ballots received"), null=True, blank=True)
    surat_digunakan = models.IntegerField(_("ballots used"), null=True, blank=True)
    surat_rusak = models.IntegerField(_("ballots spoiled"), null=True, blank=True)
    surat_sisa = models.IntegerField(_("ballots unused"), null=True, blank=True)
    suara_sah = models.IntegerField(_("valid votes"), null=True, blank=True)
    suara_tidak_sah = models.IntegerField(_("invalid votes"), null=True, blank=True)
    suara_total = models.IntegerField(_("total votes"), null=True, blank=True)
    votes = models.JSONField(
        _("votes per candidate"),
        default=list,
        blank=True,
        help_text=_("List by ballot number: item n-1 is candidate n; null = unknown."),
    )

    class Meta:
        abstract = True


class ResultImport(models.Model):
    """One run of a results import: what was read and what it changed."""

    contest = models.ForeignKey(
        "elections.Contest", on_delete=models.CASCADE, related_name="+"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    empty = models.PositiveIntegerField(default=0)
    flagged = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)
    imported_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = _("results import")
        verbose_name_plural = _("results imports")

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.imported_at:%Y-%m-%d %H:%M})"


class ResultSheet(CHasilFields):
    """One reading of one TPS's C.Hasil for one contest, from one source.

    `tps_code` repeats the TPS's code so that a region's sheets are a range on one
    indexed column and the recap groups by code prefix without a join. `is_primary`
    marks the best source of the TPS (spec.SOURCES order), kept up to date by the
    services. `content_hash` is the hash of the numbers and photo: importing the same
    reading again changes nothing.
    """

    # No database-level foreign keys on contest, TPS and import run: the import
    # sets the first and the last itself and validates every TPS code against the
    # TPS index; checking them per row cost PostgreSQL ~9 s at commit over a
    # national import (docs/decisions.md, "Results"). on_delete still runs in
    # Django.
    contest = models.ForeignKey(
        "elections.Contest",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    tps = models.ForeignKey(
        "regions.TPS",
        on_delete=models.PROTECT,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    tps_code = models.CharField(_("TPS code"), max_length=13)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    is_primary = models.BooleanField(_("primary source of the TPS"), default=True)
    photo = models.FileField(
        _("photo of the form"), upload_to="results/%Y/%m/", blank=True
    )
    photo_url = models.URLField(_("photo URL"), max_length=500, blank=True)
    source_ts = models.DateTimeField(_("time at the source"), null=True, blank=True)
    content_hash = models.BigIntegerField()
    imported_at = models.DateTimeField(_("stored at"))
    import_run = models.ForeignKey(
        ResultImport,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    # No database-level key either: PostgreSQL queues its check for every row
    # inserted, NULL or not, and fires it at commit (~1 s of CPU at commit over
    # a national import, docs/benchmarks.md). Django's SET_NULL still runs.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )

    class Meta:
        ordering = ["tps_code", "source"]
        verbose_name = _("result sheet (C.Hasil)")
        verbose_name_plural = _("result sheets (C.Hasil)")
        constraints = [
            # One index serves the uniqueness and every read: a region's sheets are
            # a range of codes within a contest, one TPS's sheets a prefix of it
            # (the code is the TPS's, one to one). Two indexes per sheet instead of
            # three: fewer writes on a national import (docs/decisions.md).
            models.UniqueConstraint(
                fields=["contest", "tps_code", "source"],
                name="resultsheet_one_per_source",
            )
        ]

    def __str__(self) -> str:
        return f"{self.tps_code} {self.source}"


class DesaSums(models.Model):
    """The primary sheets of each desa of one kecamatan, summed, kept by every write
    of sheets (the import, the entry form and the API all go through
    services.SheetImporter), so that a national recap reads 7,277 rows instead of
    summing 820,161 sheets.

    `data` is, per desa of the kecamatan with a primary sheet, the desa's code and
    the row `storage.desa_sums` computes for it, as little-endian int64: the number
    of primary sheets, then per column (FIELDS, then the votes of ballot 1..k) the
    sum of the known values and how many are known. A row per kecamatan, not per
    desa: eleven times fewer rows to write at a national import and to read at a
    recap, and a kecamatan is still small enough to sum again from the sheets when
    one of its sheets changes. The row with the empty `kecamatan_code` marks the
    contest's sums as kept (its data: the width of a desa's row, code included);
    without it, or with another width (candidates added), a recap sums the sheets
    and the next write rebuilds everything. Decisions are not in it: the recap puts
    them in place at read.
    """

    # The unique index (contest, kecamatan_code) serves the contest's look-ups too.
    contest = models.ForeignKey(
        "elections.Contest", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    kecamatan_code = models.CharField(max_length=6)
    data = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "kecamatan_code"], name="desasums_one_per_kecamatan"
            )
        ]

    def __str__(self) -> str:
        return f"{self.contest_id} {self.kecamatan_code or '(mark)'}"


class FlagStatus(models.TextChoices):
    OPEN = "open", _("open")
    RESOLVED = "resolved", _("resolved")
    DISMISSED = "dismissed", _("dismissed")


class SheetFlag(models.Model):
    """Something a check found on a sheet, or between the sources of one TPS.

    Flags of one sheet's own numbers carry `sheet`; flags that compare sources
    (`cross_source`) are rebuilt whenever any sheet of the TPS changes. A person
    works them off: resolved (with a decision) or dismissed, with a note.
    """

    # No database-level keys on contest, TPS and sheet, as on the sheets: the
    # import writes them from what it validated, and checking ~25,000 flags'
    # three keys at commit cost PostgreSQL ~0.6 s of CPU and ~65 MB of WAL (a
    # row lock on each sheet and TPS named) over a national import
    # (docs/decisions.md, "Results"). Django's CASCADE still runs.
    contest = models.ForeignKey(
        "elections.Contest",
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    tps = models.ForeignKey(
        "regions.TPS",
        on_delete=models.CASCADE,
        db_index=False,
        db_constraint=False,
        related_name="+",
    )
    tps_code = models.CharField(_("TPS code"), max_length=13)
    sheet = models.ForeignKey(
        ResultSheet,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        db_constraint=False,
        related_name="flags",
    )
    source = models.CharField(_("source"), max_length=12, blank=True)
    cross_source = models.BooleanField(default=False)
    check_name = models.CharField(_("check"), max_length=30)
    field = models.CharField(_("field"), max_length=30, blank=True)
    value = models.IntegerField(_("value read"), null=True, blank=True)
    expected = models.IntegerField(_("probable value"), null=True, blank=True)
    detail = models.TextField(_("detail"))
    status = models.CharField(
        _("status"), max_length=10, choices=FlagStatus.choices, default=FlagStatus.OPEN
    )
    created_at = models.DateTimeField(_("found at"))
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        related_name="+",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["tps_code", "check_name"]
        verbose_name = _("sheet flag")
        verbose_name_plural = _("sheet flags")
        indexes = [
            models.Index(
                fields=["contest", "status", "tps_code"], name="sheetflag_queue"
            ),
            models.Index(fields=["tps", "contest"], name="sheetflag_tps"),
        ]

    def __str__(self) -> str:
        return f"{self.tps_code} {self.check_name}"


class Decision(models.Model):
    """The value the desk keeps for one field of one TPS, and why.

    Decisions are never edited or deleted: a new decision on the same field
    supersedes the current one, which stays as history.
    """

    contest = models.ForeignKey(
        "elections.Contest", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    tps = models.ForeignKey(
        "regions.TPS", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    tps_code = models.CharField(_("TPS code"), max_length=13)
    field = models.CharField(_("field"), max_length=30)
    value = models.IntegerField(
        _("value kept"),
        null=True,
        blank=True,
        help_text=_("Empty when the desk decides the value cannot be known."),
    )
    chosen_source = models.CharField(_("following source"), max_length=12, blank=True)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        db_index=False,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"))
    superseded_at = models.DateTimeField(null=True, blank=True)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["tps_code", "field", "-decided_at"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        constraints = [
            models.UniqueConstraint(
                fields=["tps", "contest", "field"],
                condition=Q(superseded_at__isnull=True),
                name="decision_one_current",
            ),
            models.CheckConstraint(
                condition=~Q(reason=""), name="decision_reason_required"
            ),
        ]
        indexes = [models.Index(fields=["contest", "tps_code"], name="decision_code")]

    def __str__(self) -> str:
        return f"{self.tps_code} {self.field} = {self.value}"


class OfficialRecap(CHasilFields):
    """The official recapitulation (D.Hasil) of one region, or of the nation.

    `area_code` is the undotted region code ("" for the nation); `region` is set
    where the region is in the desk's map.
    """

    contest = models.ForeignKey(
        "elections.Contest", on_delete=models.PROTECT, db_index=False, related_name="+"
    )
    level = models.CharField(_("level"), max_length=10, choices=RecapLevel.choices)
    area_code = models.CharField(_("region code"), max_length=10, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_ref = models.CharField(_("source"), max_length=300)
    note = models.TextField(_("note"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        db_index=False,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["area_code"]
        verbose_name = _("official recapitulation (D.Hasil)")
        verbose_name_plural = _("official recapitulations (D.Hasil)")
        constraints = [
            models.UniqueConstraint(
                fields=["contest", "area_code"], name="officialrecap_one_per_area"
            )
        ]

    def __str__(self) -> str:
        return f"{self.level} {self.area_code or 'nasional'}"
