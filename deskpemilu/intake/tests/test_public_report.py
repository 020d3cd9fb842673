"""The citizen's side of /lapor/ (issue 16): an incomplete report sent again is
completed, not doubled in the inbox; a photo goes with it and reaches the desk; the
citizen looks up where the report stands by its number and check code."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from deskpemilu.incidents import services as incident_services
from deskpemilu.incidents.tests.test_agency import png
from deskpemilu.intake import public_status
from deskpemilu.intake.models import InboundMessage, MessageAttachment
from deskpemilu.intake.tests.test_pages import REPORT
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def _draft(page: str) -> str:
    found = re.search(r'name="draft" value="([^"]+)"', page)
    assert found, "the refused form carries the draft's signed reference"
    return found.group(1)


def test_an_incomplete_report_sent_again_is_completed_not_doubled(
    province_coordinator, client_for
):
    citizen = Client()
    photo = SimpleUploadedFile("tps.png", png(), content_type="image/png")
    first = citizen.post("/lapor/", REPORT | {"description": "pendek", "photo": photo})
    assert first.status_code == 422
    page = first.content.decode()
    assert 'id="photo-kept"' in page
    again = citizen.post("/lapor/", REPORT | {"draft": _draft(page)})
    assert again.status_code == 302

    earlier, report = InboundMessage.objects.order_by("pk")
    assert json.loads(earlier.raw)["description"] == "pendek"  # kept raw
    assert (earlier.status, earlier.parsed["completed_by"]) == ("ignored", report.ref)
    assert (report.status, report.parsed["completes"]) == ("parsed", earlier.ref)
    assert report.files.count() == 1  # the photo moved on with the report
    inbox = client_for(province_coordinator).get(
        reverse("intake:inbox"), {"status": "parsed"}
    )
    assert report.ref in inbox.content.decode()
    assert earlier.ref not in inbox.content.decode()


def test_a_draft_reference_cannot_retire_another_report():
    Client().post("/lapor/", REPORT | {"description": "pendek"})
    forged = Client().post("/lapor/", REPORT | {"draft": "1:abc:def"})
    assert forged.status_code == 302
    earlier = InboundMessage.objects.order_by("pk").first()
    assert earlier.status == "failed"  # untouched


def test_a_photo_reaches_the_desk_and_only_those_who_see_the_message(
    province_coordinator, police_liaison, client_for
):
    photo = SimpleUploadedFile("foto.png", png(4, 4), content_type="image/png")
    assert Client().post("/lapor/", REPORT | {"photo": photo}).status_code == 302
    message = InboundMessage.objects.get()
    item = MessageAttachment.objects.get(message=message)
    assert json.loads(message.raw)["photo"]["name"] == "foto.png"
    desk = client_for(province_coordinator)
    page = desk.get(reverse("intake:message-detail", args=[message.pk]))
    url = reverse("intake:message-file", args=[message.pk, item.pk])
    assert url in page.content.decode()
    served = desk.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert b"".join(served.streaming_content) == png(4, 4)
    assert "sandbox" in served["Content-Security-Policy"]
    assert client_for(police_liaison).get(url).status_code == 404


def test_a_file_that_is_not_a_photo_is_refused_and_the_report_kept():
    fake = SimpleUploadedFile("x.png", b"<html><script>1</script>", "image/png")
    response = Client().post("/lapor/", REPORT | {"photo": fake})
    assert response.status_code == 422
    assert "foto" in response.content.decode().lower()
    message = InboundMessage.objects.get()
    assert message.status == "failed" and not message.files.exists()


def test_the_citizen_looks_up_the_status_by_number_and_check_code(
    province_coordinator,
):
    done = Client().post("/lapor/", REPORT, follow=True)
    page = done.content.decode()
    message = InboundMessage.objects.get()
    code = public_status.check_code(message.ref)
    assert f'id="report-code">{code}<' in page

    lookup = Client().get("/lapor/status/", {"nomor": message.ref, "kode": code})
    assert lookup.status_code == 200
    assert 'data-state="received"' in lookup.content.decode()

    incident = incident_services.incident_create(
        actor=province_coordinator,
        category="politik_uang",
        severity="berat",
        title="Bagi amplop",
        description=REPORT["description"],
        region=Region.objects.get(code="36.73"),
        occurred_at=message.received_at,
        message=message,
    )
    incident_services.incident_transition(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=incident.version,
        target="terverifikasi",
    )
    lookup = Client().get("/lapor/status/", {"nomor": message.ref, "kode": code})
    assert 'data-state="handling"' in lookup.content.decode()

    wrong = Client().get("/lapor/status/", {"nomor": message.ref, "kode": "AAAAAAAA"})
    assert wrong.status_code == 404 and "data-state" not in wrong.content.decode()
    assert "Tidak ada laporan" in wrong.content.decode()


def test_the_check_code_is_not_the_same_for_two_reports():
    assert public_status.check_code("M0000001") != public_status.check_code("M0000002")
    assert public_status.code_matches("M0000001", public_status.check_code("m0000001"))
