"""The report's workflow through its services: drafted (by the desk, on schedule),
edited, approved and issued by the leader; an issued report never changes and
downloads byte for byte; a correction is a new revision; scope holds."""

from __future__ import annotations

import datetime as dt
import email
import hashlib
import io
from email import policy

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.http import Http404
from django.utils import timezone
from docx import Document

from deskpemilu.core.timeutil import WIB
from deskpemilu.desk.schedule import Schedule, entries
from deskpemilu.desk.tests.test_worker import burst
from deskpemilu.notifications.tests.conftest import smtp_sink  # noqa: F401
from deskpemilu.regions.models import Region
from deskpemilu.reports import render, services
from deskpemilu.reports.content import roman_month
from deskpemilu.reports.models import (
    Letterhead,
    Report,
    ReportFile,
    ReportFormat,
    ReportKind,
    ReportStatus,
)
from deskpemilu.reports.selectors import report_for_user_or_404
from deskpemilu.reports.tests.conftest import END, START

pytestmark = pytest.mark.django_db


def province() -> Region:
    return Region.objects.get(code="36")


def draft(actor, region=None, **kw) -> Report:
    return services.report_draft(
        actor=actor, region=region or province(), start=START, end=END, **kw
    )


def issue(report: Report, coordinator, leader, text="Tingkatkan patroli.") -> Report:
    services.report_update(
        actor=coordinator, report_id=report.pk, recommendations=text, notes=""
    )
    services.report_approve(actor=leader, report_id=report.pk)
    return services.report_issue(actor=leader, report_id=report.pk)


def test_a_draft_freezes_the_statement_of_its_period(
    province_coordinator, election_day
):
    report = draft(province_coordinator)
    assert report.status == ReportStatus.DRAFT
    assert report.content["statement"]["significant_count"] == 2
    # Later incidents do not change what the draft says until it is refreshed.
    election_day.clash.title = "diubah"
    election_day.clash.save()
    report.refresh_from_db()
    assert report.content["incidents"][1]["title"] == "Bentrok massa di TPS 005"


def test_the_leader_issues_a_report_with_its_number_and_hashed_files(
    province_coordinator, leader, election_day
):
    report = issue(draft(province_coordinator), province_coordinator, leader)
    today = timezone.localdate(timezone.now(), WIB)
    assert report.number == f"LAPSIT/001/{roman_month(today.month)}/{today.year}"
    assert report.status == ReportStatus.ISSUED and report.issued_by == leader
    files = {f.format: f for f in ReportFile.objects.filter(report=report)}
    assert set(files) == {"pdf", "docx", "html"}
    for stored in files.values():
        data = bytes(stored.data)
        assert stored.sha256 == hashlib.sha256(data).hexdigest()
        assert stored.size == len(data)
    second = issue(draft(province_coordinator), province_coordinator, leader)
    assert second.number.startswith("LAPSIT/002/")


def test_an_issued_report_does_not_change(province_coordinator, leader, election_day):
    report = issue(draft(province_coordinator), province_coordinator, leader)
    with pytest.raises(services.ReportConflict):
        services.report_update(
            actor=province_coordinator,
            report_id=report.pk,
            recommendations="lain",
            notes="",
        )
    with pytest.raises(services.ReportConflict):
        services.report_refresh(actor=province_coordinator, report_id=report.pk)
    report.recommendations = "diubah lewat shell"
    with pytest.raises(ValueError):
        report.save()
    with pytest.raises(ValueError):
        report.delete()
    stored = ReportFile.objects.get(report=report, format="pdf")
    with pytest.raises(ValueError):
        stored.save()


def test_a_correction_is_a_new_revision_that_says_what_changed(
    province_coordinator, leader, election_day
):
    original = issue(draft(province_coordinator), province_coordinator, leader)
    pdf_before = bytes(ReportFile.objects.get(report=original, format="pdf").data)
    with pytest.raises(services.ReportError):
        services.report_correct(
            actor=province_coordinator, report_id=original.pk, correction=" "
        )
    fixed = services.report_correct(
        actor=province_coordinator,
        report_id=original.pk,
        correction="Jumlah kejadian di Kota Cilegon diperbaiki.",
    )
    assert (fixed.revises, fixed.revision, fixed.status) == (original, 1, "draf")
    assert fixed.recommendations == original.recommendations
    fixed = issue(fixed, province_coordinator, leader, text="Tingkatkan patroli.")
    assert fixed.number == f"{original.number}/R1"
    text = bytes(ReportFile.objects.get(report=fixed, format="html").data).decode()
    assert "Jumlah kejadian di Kota Cilegon diperbaiki." in text
    assert bytes(ReportFile.objects.get(report=original, format="pdf").data) == (
        pdf_before
    )


def test_changes_are_counted_from_the_previous_issued_report(
    province_coordinator, leader, election_day
):
    first = issue(draft(province_coordinator), province_coordinator, leader)
    next_day = services.report_draft(
        actor=province_coordinator,
        region=province(),
        start=END,
        end=END + dt.timedelta(days=1),
    )
    assert next_day.content["previous_number"] == first.number
    cilegon = next(r for r in next_day.content["regions"] if r["code"] == "36.72")
    assert cilegon["previous"] == "rawan"


def test_only_the_leader_approves_and_issues(
    province_coordinator, leader, election_day
):
    report = draft(province_coordinator)
    with pytest.raises(PermissionDenied):
        services.report_approve(actor=province_coordinator, report_id=report.pk)
    with pytest.raises(PermissionDenied):
        draft(leader)
    with pytest.raises(services.ReportConflict):
        services.report_issue(actor=leader, report_id=report.pk)  # not approved
    services.report_approve(actor=leader, report_id=report.pk)
    # An edit after approval takes the approval back.
    services.report_update(
        actor=province_coordinator, report_id=report.pk, recommendations="x", notes=""
    )
    with pytest.raises(services.ReportConflict):
        services.report_issue(actor=leader, report_id=report.pk)


def test_a_kabkota_desk_reports_on_its_own_region_only(
    province_coordinator, kabkota_operator, election_day
):
    with pytest.raises(services.ReportError):
        draft(kabkota_operator)  # the province is outside its scope
    own = draft(kabkota_operator, region=Region.objects.get(code="36.73"))
    assert own.content["region_name"] == "Kota Serang"
    assert [r["code"] for r in own.content["regions"]] == ["36.73"]
    provincial = draft(province_coordinator)
    with pytest.raises(Http404):
        report_for_user_or_404(kabkota_operator, provincial.pk)
    assert report_for_user_or_404(province_coordinator, own.pk) == own


def test_the_daily_draft_is_made_once_per_period(db):
    now = dt.datetime(2024, 2, 15, 6, 10, tzinfo=WIB)
    report = services.report_daily_draft(region=province(), now=now)
    assert report is not None and report.kind == ReportKind.DAILY
    assert (report.period_start, report.period_end) == (START, END)
    assert report.created_by is None
    assert services.report_daily_draft(region=province(), now=now) is None


def test_the_worker_drafts_the_daily_report_on_its_schedule(db):
    [entry] = [e for e in entries() if e.name == "sitrep"]
    burst(Schedule([entry], "uji"))
    report = Report.objects.get(kind=ReportKind.DAILY)
    assert report.period_end <= timezone.now()
    assert report.period_end - report.period_start == dt.timedelta(days=1)


def test_the_desks_letterhead_numbers_signs_and_heads_its_reports(
    province_coordinator, leader, election_day
):
    logo = render.svg_to_png(
        "<svg xmlns='http://www.w3.org/2000/svg' width='20' height='20'>"
        "<circle cx='10' cy='10' r='9' fill='#c62828'/></svg>"
    )
    head = Letterhead(
        region=province(),
        unit="DESK PEMILU PROVINSI BANTEN",
        number_format="LS-{seq}/DP/{month}/{year}",
        signer_name="Drs. Ali Hamdan, M.Si",
        signer_nip="196801011990031001",
    )
    head.logo.save("logo.png", ContentFile(logo), save=False)
    head.save()
    report = issue(draft(province_coordinator), province_coordinator, leader)
    today = timezone.localdate(timezone.now(), WIB)
    assert report.number == f"LS-1/DP/{roman_month(today.month)}/{today.year}"
    docx = Document(
        io.BytesIO(bytes(ReportFile.objects.get(report=report, format="docx").data))
    )
    assert len(docx.inline_shapes) == 3  # the logo, the chart and the map
    text = "\n".join(p.text for p in docx.paragraphs)
    assert "DESK PEMILU PROVINSI BANTEN" in text
    assert "Drs. Ali Hamdan, M.Si" in text and "NIP. 196801011990031001" in text


def test_a_number_format_with_an_unknown_field_is_refused(db):
    head = Letterhead(region=province(), number_format="LAPSIT/{nomor}/{year}")
    with pytest.raises(ValidationError):
        head.full_clean()


def test_an_issued_report_is_emailed_with_its_pdf_attached(
    smtp_sink,  # noqa: F811  (the fixture imported above)
    province_coordinator,
    leader,
    django_capture_on_commit_callbacks,
):
    """The leader (report_issued by e-mail by default) gets an e-mail from the worker
    with the issued PDF attached, byte for byte."""
    leader.email = "sekda@bantenprov.example"
    leader.save()
    with django_capture_on_commit_callbacks(execute=True):
        report = issue(draft(province_coordinator), province_coordinator, leader)
    assert smtp_sink.count() == 0  # the request only wrote rows
    burst()
    sent = [m for m in smtp_sink.messages if "sekda@bantenprov.example" in m.rcpt_tos]
    assert len(sent) == 1
    message = email.message_from_bytes(sent[0].content, policy=policy.default)
    assert (
        report.number
        in str(message["Subject"]) + message.get_body(("plain",)).get_content()
    )
    [pdf] = [p for p in message.iter_attachments()]
    assert pdf.get_content_type() == "application/pdf"
    stored = ReportFile.objects.get(report=report, format=ReportFormat.PDF)
    assert pdf.get_content() == bytes(stored.data)
