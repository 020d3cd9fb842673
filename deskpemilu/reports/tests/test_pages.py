"""The report pages through the test client: login, scope, who may press which
button, and an issued report's download, byte for byte."""

from __future__ import annotations

import pytest
from django.urls import reverse

from deskpemilu.reports.models import Report, ReportFile, ReportStatus

pytestmark = pytest.mark.django_db


def new_report(client, region="36"):
    return client.post(
        reverse("reports:create"),
        {
            "region": region,
            "kind": "khusus",
            "start": "2024-02-14T06:00",
            "end": "2024-02-15T06:00",
        },
    )


def test_the_pages_need_a_login(client):
    response = client.get(reverse("reports:list"))
    assert response.status_code == 302 and "/masuk/" in response["Location"]


def test_a_report_from_draft_to_issue_through_the_pages(
    province_coordinator, leader, client_for, election_day
):
    desk, chief = client_for(province_coordinator), client_for(leader)
    response = new_report(desk)
    report = Report.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:detail", args=[report.pk])
    page = desk.get(response["Location"]).content.decode()
    assert "belum dapat dinyatakan: baru 3 dari 33.324 TPS" in page
    assert reverse("reports:step", args=[report.pk, "setujui"]) not in page
    assert (
        desk.post(
            reverse("reports:edit", args=[report.pk]),
            {"recommendations": "Tambah patroli di Cilegon.", "notes": ""},
        ).status_code
        == 302
    )
    # The desk may not approve; the leader sees the button and does.
    assert (
        desk.post(reverse("reports:step", args=[report.pk, "setujui"])).status_code
        == 403
    )
    page = chief.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert reverse("reports:step", args=[report.pk, "setujui"]) in page
    for step in ("setujui", "terbitkan"):
        response = chief.post(reverse("reports:step", args=[report.pk, step]))
        assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == ReportStatus.ISSUED
    for fmt in ("pdf", "docx", "html"):
        stored = ReportFile.objects.get(report=report, format=fmt)
        first = desk.get(reverse("reports:download", args=[report.pk, fmt]))
        second = chief.get(reverse("reports:download", args=[report.pk, fmt]))
        assert first.content == second.content == bytes(stored.data)
        assert first["X-Content-SHA256"] == stored.sha256
    assert "Tambah patroli di Cilegon." in first.content.decode()


def test_an_issued_report_refuses_an_edit_with_409(
    province_coordinator, leader, client_for, election_day
):
    desk, chief = client_for(province_coordinator), client_for(leader)
    new_report(desk)
    report = Report.objects.get()
    for step in ("setujui", "terbitkan"):
        chief.post(reverse("reports:step", args=[report.pk, step]))
    response = desk.post(
        reverse("reports:edit", args=[report.pk]),
        {"recommendations": "lain", "notes": ""},
    )
    assert response.status_code == 409
    assert "tidak dapat diubah" in response.content.decode()
    response = desk.post(
        reverse("reports:correct", args=[report.pk]),
        {"correction": "Angka Kota Serang diperbaiki."},
    )
    fixed = Report.objects.get(revises=report)
    assert response["Location"] == reverse("reports:detail", args=[fixed.pk])


def test_a_draft_downloads_as_an_unnumbered_preview(
    province_coordinator, client_for, election_day
):
    desk = client_for(province_coordinator)
    new_report(desk)
    report = Report.objects.get()
    response = desk.get(reverse("reports:download", args=[report.pk, "html"]))
    assert "(draf, belum bernomor)" in response.content.decode()
    pdf = desk.get(reverse("reports:download", args=[report.pk, "pdf"]))
    assert pdf.content.startswith(b"%PDF")
    assert not ReportFile.objects.exists()


def test_scope_hides_other_regions_reports_and_refuses_their_drafts(
    province_coordinator, kabkota_operator, leader, client_for, election_day
):
    new_report(client_for(province_coordinator))
    provincial = Report.objects.get()
    operator = client_for(kabkota_operator)
    assert (
        operator.get(reverse("reports:detail", args=[provincial.pk])).status_code == 404
    )
    assert (
        operator.get(
            reverse("reports:download", args=[provincial.pk, "pdf"])
        ).status_code
        == 404
    )
    refused = new_report(operator, region="36")
    assert refused.status_code == 422
    assert "Wilayah di luar cakupan Anda." in refused.content.decode()
    assert new_report(operator, region="36.73").status_code == 302
    listing = operator.get(reverse("reports:list")).content.decode()
    own = Report.objects.get(region__code="36.73")
    assert reverse("reports:detail", args=[own.pk]) in listing
    assert reverse("reports:detail", args=[provincial.pk]) not in listing
    # A leader (read-only otherwise) cannot open the new-report form.
    assert client_for(leader).get(reverse("reports:create")).status_code == 403


def test_the_final_report_form_starts_with_the_whole_election(
    province_coordinator, client_for
):
    page = client_for(province_coordinator).get(
        reverse("reports:create") + "?jenis=akhir"
    )
    assert page.status_code == 200
    assert 'value="akhir" selected' in page.content.decode()
