"""Writes of situation reports: draft (by the desk or on schedule), edit the desk's
recommendations and notes, approve and issue (the leader), correct an issued report
with a new revision. An issued report never changes: its files are rendered once, at
issue, and kept with their SHA-256."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.core.errors import DeskError
from deskpemilu.core.events import announce
from deskpemilu.core.timeutil import wib_date
from deskpemilu.regions.models import Region
from deskpemilu.reports import render, selectors, windows
from deskpemilu.reports.content import Content, date_long, report_number
from deskpemilu.reports.models import (
    Report,
    ReportFile,
    ReportFormat,
    ReportKind,
    ReportStatus,
)

TEXT_LIMIT = 10_000


class ReportError(DeskError):
    """A request the report workflow refuses; `message` is for a person."""


class ReportConflict(ReportError):
    """The report is not in the state the request needs (HTTP 409)."""

    status = 409


def content_of(report: Report, *, today: dt.date | None = None) -> Content:
    """The report's frozen content with what the desk and the workflow added."""
    content = Content.from_json(report.content)
    content.number = report.number
    content.recommendations = report.recommendations
    content.notes = report.notes
    content.correction = report.correction
    day = wib_date(report.issued_at) if report.issued_at else today
    content.date_text = date_long(day or wib_date(timezone.now()))
    return content


def _check_period(start: dt.datetime, end: dt.datetime) -> None:
    if end <= start:
        raise ReportError("bad_period", "Akhir periode harus setelah awalnya.", "end")
    if end - start > dt.timedelta(days=settings.DESKPEMILU_REPORT_MAX_DAYS):
        raise ReportError(
            "period_too_long",
            f"Periode paling lama {settings.DESKPEMILU_REPORT_MAX_DAYS} hari.",
            "end",
        )


def report_draft(
    *,
    actor: User | None,
    region: Region,
    start: dt.datetime,
    end: dt.datetime,
    kind: str = ReportKind.ON_DEMAND,
) -> Report:
    """Gather a new draft for the region and period. `actor` None is the desk's
    own schedule (reads everything); a person needs `can_draft_report`."""
    _check_period(start, end)
    if kind not in ReportKind.values:
        raise ReportError("bad_kind", "Jenis laporan tidak dikenal.", "kind")
    if actor is not None:
        if not access.access_for(actor).sees_code(region.code):
            raise ReportError(
                "region_out_of_scope", "Wilayah di luar cakupan Anda.", "region"
            )
        if not access.can_draft_report(actor, region):
            raise PermissionDenied("may not draft reports")
    reader = actor or access.desk_reader()
    previous = selectors.previous_report(region, start)
    content = selectors.report_content(
        reader, region, start, end, kind=kind, previous=previous
    )
    return Report.objects.create(
        region=region,
        kind=kind,
        period_start=start,
        period_end=end,
        content=content.to_json(),
        created_by=actor,
        gathered_at=timezone.now(),
    )


def report_daily_draft(*, region: Region, now: dt.datetime) -> Report | None:
    """The daily draft of the last period that ended by `now` (the window of
    DESKPEMILU_REPORT_DAY_START), unless it is drafted already: safe to run again,
    by any number of workers."""
    start, end = windows.last_daily_window(now, settings.DESKPEMILU_REPORT_DAY_START)
    done = Report.objects.filter(
        region=region,
        kind=ReportKind.DAILY,
        period_start=start,
        period_end=end,
        revises__isnull=True,
    )
    if done.exists():
        return None
    try:
        with transaction.atomic():
            return report_draft(
                actor=None, region=region, start=start, end=end, kind=ReportKind.DAILY
            )
    except IntegrityError:  # another worker drafted it in the meantime
        return None


def _locked(actor: User, report_id: int) -> Report:
    selectors.report_for_user_or_404(actor, report_id)
    return Report.objects.select_for_update().select_related("region").get(pk=report_id)


def _check_not_issued(report: Report) -> None:
    if report.status == ReportStatus.ISSUED:
        raise ReportConflict(
            "issued",
            "Laporan yang sudah terbit tidak dapat diubah; buat ralat (revisi baru).",
        )


def report_update(
    *, actor: User, report_id: int, recommendations: str, notes: str
) -> Report:
    """Set the desk's recommendations and notes of a report not issued yet; an
    approved report goes back to draft, to be approved again as it now reads."""
    if len(recommendations) > TEXT_LIMIT or len(notes) > TEXT_LIMIT:
        raise ReportError("too_long", "Teks terlalu panjang.", "recommendations")
    with transaction.atomic():
        report = _locked(actor, report_id)
        if not access.can_draft_report(actor, report.region):
            raise PermissionDenied("may not edit reports")
        _check_not_issued(report)
        report.recommendations = recommendations.strip()
        report.notes = notes.strip()
        report.status = ReportStatus.DRAFT
        report.approved_by, report.approved_at = None, None
        report.save()
    return report


def report_refresh(*, actor: User, report_id: int) -> Report:
    """Gather a draft's figures again (the desk's text stays)."""
    with transaction.atomic():
        report = _locked(actor, report_id)
        if not access.can_draft_report(actor, report.region):
            raise PermissionDenied("may not edit reports")
        _check_not_issued(report)
        previous = selectors.previous_report(report.region, report.period_start)
        content = selectors.report_content(
            actor,
            report.region,
            report.period_start,
            report.period_end,
            kind=report.kind,
            previous=previous,
        )
        report.content = content.to_json()
        report.gathered_at = timezone.now()
        report.status = ReportStatus.DRAFT
        report.approved_by, report.approved_at = None, None
        report.save()
    return report


def report_approve(*, actor: User, report_id: int) -> Report:
    """The leader approves a draft as it reads now."""
    with transaction.atomic():
        report = _locked(actor, report_id)
        if not access.can_issue_report(actor, report.region):
            raise PermissionDenied("may not approve reports")
        if report.status != ReportStatus.DRAFT:
            raise ReportConflict("not_draft", "Hanya draf yang dapat disetujui.")
        report.status = ReportStatus.APPROVED
        report.approved_by, report.approved_at = actor, timezone.now()
        report.save()
    return report


def _next_number(report: Report, day: dt.date) -> tuple[int | None, str]:
    if report.revises is not None:
        base = report.revises
        while base.revises is not None:
            base = base.revises
        return None, f"{base.number}/R{report.revision}"
    seq = (
        Report.objects.filter(
            area_code=report.area_code,
            seq__isnull=False,
            issued_at__year=day.year,
        ).aggregate(top=Max("seq"))["top"]
        or 0
    ) + 1
    return seq, report_number(selectors.number_format_for(report.region), seq, day)


def report_issue(*, actor: User, report_id: int) -> Report:
    """The leader issues an approved report: it gets its number, its three files are
    rendered once and stored with their SHA-256 and time, and it never changes
    again. Recipients are told after the commit (`_announce_issued`)."""
    with transaction.atomic():
        report = _locked(actor, report_id)
        if not access.can_issue_report(actor, report.region):
            raise PermissionDenied("may not issue reports")
        if report.status != ReportStatus.APPROVED:
            raise ReportConflict(
                "not_approved", "Laporan harus disetujui sebelum diterbitkan."
            )
        now = timezone.now()
        report.seq, report.number = _next_number(report, wib_date(now))
        report.issued_by, report.issued_at = actor, now
        content = content_of(report)
        files = [
            ReportFile(
                report=report,
                format=fmt,
                data=data,
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                generated_at=timezone.now(),
            )
            for fmt in ReportFormat.values
            for data in [render.render(content, fmt)]
        ]
        report.status = ReportStatus.ISSUED
        report.save()
        ReportFile.objects.bulk_create(files)
        transaction.on_commit(lambda: _announce_issued(report))
    return report


def report_correct(*, actor: User, report_id: int, correction: str) -> Report:
    """A correction of an issued report: a new draft revision of the same region and
    period, its figures gathered again and the desk's text carried over, saying what
    it changes. The issued report stays as it was."""
    correction = correction.strip()
    if not correction:
        raise ReportError(
            "correction_required", "Sebutkan apa yang dikoreksi.", "correction"
        )
    with transaction.atomic():
        original = _locked(actor, report_id)
        if not access.can_draft_report(actor, original.region):
            raise PermissionDenied("may not correct reports")
        if original.status != ReportStatus.ISSUED:
            raise ReportConflict(
                "not_issued", "Hanya laporan terbit yang dikoreksi dengan revisi."
            )
        previous = selectors.previous_report(original.region, original.period_start)
        content = selectors.report_content(
            actor,
            original.region,
            original.period_start,
            original.period_end,
            kind=original.kind,
            previous=previous,
        )
        return Report.objects.create(
            region=original.region,
            kind=original.kind,
            period_start=original.period_start,
            period_end=original.period_end,
            content=content.to_json(),
            recommendations=original.recommendations,
            notes=original.notes,
            revises=original,
            revision=original.revision + 1,
            correction=correction,
            created_by=actor,
            gathered_at=timezone.now(),
        )


def _announce_issued(report: Report) -> None:
    """The one place where an issued report is announced (event `report_issued`):
    the notifications app e-mails the recipient list with the PDF attached
    (`ReportFile` of format pdf). Called once, after the issuing transaction has
    committed. The PDF is read by the sender through `report_pdf` (apps.py)."""
    announce(
        "report_issued",
        report_id=report.pk,
        title=f"Laporan Situasi {report.number} {report.region.name}".strip(),
        url=reverse("reports:detail", args=[report.pk]),
        region_code=report.region.code,
    )


def report_pdf(payload: dict[str, Any]) -> list[tuple[str, bytes, str]]:
    """An issued report's PDF, as the file an e-mail about it carries."""
    report_id = payload.get("report_id")
    if not isinstance(report_id, int):
        return []
    stored = (
        ReportFile.objects.filter(report_id=report_id, format=ReportFormat.PDF)
        .select_related("report")
        .first()
    )
    if stored is None:
        return []
    name = f"{stored.report.number or 'laporan'}".replace("/", "-") + ".pdf"
    return [(name, bytes(stored.data), "application/pdf")]
