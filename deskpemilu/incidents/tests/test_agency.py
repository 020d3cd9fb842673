"""The agency's side, through the pages: a liaison's Tugas saya, acknowledging,
following up with a photo and the agency's case number, reporting done; the
coordinator's "siap ditutup" and closing; the operator told why there is no close
button; attachments refused and guarded; deadlines due soon."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from conftest import make_member
from deskpemilu.accounts.models import Agency, Role, User
from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents import services
from deskpemilu.incidents.deadlines import assignments_due_soon
from deskpemilu.incidents.models import Assignment, FollowUp, Incident
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db


def png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG (RGB, red pixels), built by hand: Pillow is not a dependency."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def media(settings, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def lebak_liaison(db) -> User:
    """The liaison officer of Polres Lebak (36.02)."""
    return make_member("polres_lebak", "polres-lebak", Role.LIAISON, "36.02")


@pytest.fixture
def lebak_operator(db) -> User:
    return make_member("operator_lebak", "pemkab-lebak", Role.OPERATOR, "36.02")


def agency(code: str) -> Agency:
    return Agency.objects.get(code=code)


def incident_in(code: str, title: str, *, verified_by: User | None = None) -> Incident:
    incident = services.incident_create(
        actor=None,
        category="kekerasan",
        severity="berat",
        title=title,
        region=Region.objects.get(code=code),
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )
    if verified_by is not None:
        services.incident_transition(
            actor=verified_by,
            incident_id=incident.pk,
            version=None,
            target="terverifikasi",
        )
    return incident


def assign(
    coordinator: User, incident: Incident, code: str, deadline: dt.datetime | None
) -> Assignment:
    [made] = services.incident_assign(
        actor=coordinator,
        incident_id=incident.pk,
        agency_ids=[agency(code).pk],
        deadline=deadline,
    )
    return made


def refs_in(response, group: str) -> list[str]:
    return [a.incident.ref for a in getattr(response.context["tasks"], group)]


# Tugas saya ---------------------------------------------------------------------


def test_a_liaisons_home_is_tugas_saya_with_only_their_agencys_tasks(
    client_for, province_coordinator, lebak_liaison, police_liaison
):
    ours = incident_in("36.02", "Pembakaran baliho di Rangkasbitung")
    kodim = incident_in("36.02", "Perusakan posko")
    pandeglang = incident_in("36.01", "Bentrok di Labuan")
    assign(province_coordinator, ours, "polres-lebak", None)
    assign(province_coordinator, kodim, "kodim-0603", None)
    assign(province_coordinator, pandeglang, "polres-pandeglang", None)

    response = client_for(lebak_liaison).get("/")
    assert response.status_code == 200
    assert "incidents/tasks.html" in [t.name for t in response.templates]
    assert refs_in(response, "new") == [ours.ref]
    html = response.content.decode()
    assert ours.ref in html and kodim.ref not in html and pandeglang.ref not in html
    # The header counts the new one.
    assert 'class="badge count" data-count="1"' in html
    assert f"/kejadian/{ours.pk}/penugasan/" in html  # acknowledge, follow-up

    # Polres Pandeglang's liaison has their own; the coordinator keeps the dashboard.
    other = client_for(police_liaison).get("/kejadian/tugas/")
    assert refs_in(other, "new") == [pandeglang.ref]
    desk = client_for(province_coordinator).get("/")
    assert "incidents/tasks.html" not in [t.name for t in desk.templates]
    assert 'class="badge count"' not in desk.content.decode()


def test_tasks_are_grouped_by_deadline_and_the_due_soon_ones_are_exposed(
    client_for, province_coordinator, lebak_liaison, settings
):
    now = timezone.now()
    late = incident_in("36.02", "Terlambat")
    soon = incident_in("36.02", "Segera jatuh tempo")
    later = incident_in("36.02", "Masih lama")
    working = incident_in("36.02", "Sedang ditangani")
    assign(province_coordinator, late, "polres-lebak", now - dt.timedelta(hours=1))
    due = assign(
        province_coordinator, soon, "polres-lebak", now + dt.timedelta(minutes=90)
    )
    assign(province_coordinator, later, "polres-lebak", now + dt.timedelta(hours=20))
    taken = assign(
        province_coordinator, working, "polres-lebak", now + dt.timedelta(hours=20)
    )
    services.assignment_acknowledge(actor=lebak_liaison, assignment_id=taken.pk)

    response = client_for(lebak_liaison).get("/kejadian/tugas/")
    assert refs_in(response, "overdue") == [late.ref]
    assert refs_in(response, "due_soon") == [soon.ref]
    assert refs_in(response, "new") == [later.ref]
    assert refs_in(response, "working") == [working.ref]
    html = response.content.decode()
    assert html.count('data-deadline="soon"') == 1
    assert html.count('data-deadline="late"') == 1
    # New or overdue: the header's count.
    assert 'data-count="3"' in html

    assert list(assignments_due_soon(now)) == [due]
    page = client_for(province_coordinator).get(f"/kejadian/{soon.pk}/")
    assert 'data-deadline="soon"' in page.content.decode()
    # A shorter warning window: nothing is due soon any more.
    settings.DESKPEMILU_DEADLINE_WARN_HOURS = 1
    assert not assignments_due_soon(now).exists()
    assert refs_in(client_for(lebak_liaison).get("/kejadian/tugas/"), "due_soon") == []


def test_the_header_count_is_one_query_for_a_liaison_and_none_for_others(
    client_for, province_coordinator, lebak_liaison
):
    assign(province_coordinator, incident_in("36.02", "x"), "polres-lebak", None)
    for user, expected in [(lebak_liaison, 1), (province_coordinator, 0)]:
        client = client_for(user)
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/kejadian/").status_code == 200
        on_assignments = [
            q["sql"] for q in queries if "incidents_assignment" in q["sql"]
        ]
        assert len(on_assignments) == expected, user


# The whole path -----------------------------------------------------------------


def test_acknowledge_follow_up_with_a_photo_done_and_the_coordinator_closes(
    client_for, province_coordinator, lebak_liaison, lebak_operator, media
):
    incident = incident_in("36.02", "Intimidasi pemilih", verified_by=lebak_operator)
    assignment = assign(province_coordinator, incident, "polres-lebak", None)
    liaison = client_for(lebak_liaison)
    operator = client_for(lebak_operator)
    base = f"/kejadian/{incident.pk}/"

    # Before the agency reports: the operator is told who is awaited and who closes.
    page = operator.get(base)
    html = page.content.decode()
    assert "Menunggu laporan selesai dari: Polres Lebak" in html
    assert "Hanya koordinator yang dapat menutup kejadian ini." in html
    assert "selesai" not in page.context["targets"]

    # Acknowledge from Tugas saya, and come back to it.
    response = liaison.post(
        f"{base}penugasan/{assignment.pk}/terima/", {"back": "tasks"}
    )
    assert response.status_code == 302 and response["Location"] == "/kejadian/tugas/"
    tasks = liaison.get("/kejadian/tugas/")
    assert refs_in(tasks, "working") == [incident.ref]
    assert 'data-count="' not in tasks.content.decode()  # nothing new or overdue

    photo = png()
    response = liaison.post(
        f"{base}penugasan/{assignment.pk}/tindak-lanjut/",
        {
            "action": "Pelaku diperiksa, laporan diterima Gakkumdu",
            "case_number": "LP/B/12/II/2024/Gakkumdu",
            "attachment": SimpleUploadedFile("bukti.png", photo, "image/png"),
            "done": "on",
            "back": "tasks",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/kejadian/tugas/"
    assert refs_in(liaison.get("/kejadian/tugas/"), "working") == []

    assignment.refresh_from_db()
    incident.refresh_from_db()
    assert assignment.done_at and assignment.case_number == "LP/B/12/II/2024/Gakkumdu"
    # The last agency reported done: the verified incident is being handled.
    assert incident.status == "ditangani"
    [attachment] = FollowUp.objects.get(assignment=assignment).attachments.all()
    assert attachment.content_type == "image/png" and attachment.size == len(photo)
    stored = Path(attachment.file.path)
    assert stored.read_bytes() == photo and media in stored.parents
    assert "bukti" not in stored.name and stored.suffix == ".png"

    # The incident page shows the case number and the photo, served guarded.
    html = operator.get(base).content.decode()
    assert "LP/B/12/II/2024/Gakkumdu" in html
    url = f"{base}lampiran/{attachment.pk}/"
    assert f'href="{url}"' in html
    served = operator.get(url)
    assert served.status_code == 200 and b"".join(served.streaming_content) == photo
    assert served["Content-Type"] == "image/png"
    assert "sandbox" in served["Content-Security-Policy"]
    assert served["X-Content-Type-Options"] == "nosniff"
    # Every agency is done; still only a coordinator closes, and the page says so.
    page = operator.get(base)
    html = page.content.decode()
    assert "Menunggu laporan" not in html
    assert "Hanya koordinator yang dapat menutup kejadian ini." in html
    assert page.context["targets"] == []

    # The coordinator finds it ready to close and closes it from the list.
    desk = client_for(province_coordinator)
    ready = desk.get("/kejadian/siap-ditutup/")
    assert [i.ref for i in ready.context["page_obj"]] == [incident.ref]
    response = desk.post(
        f"{base}status/",
        {"target": "selesai", "version": incident.version, "back": "ready"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/kejadian/siap-ditutup/"
    incident.refresh_from_db()
    assert incident.status == "selesai"
    assert list(desk.get("/kejadian/siap-ditutup/").context["page_obj"]) == []


def test_only_coordinators_open_the_ready_to_close_list(
    client_for, lebak_operator, lebak_liaison, province_coordinator
):
    assert client_for(lebak_operator).get("/kejadian/siap-ditutup/").status_code == 403
    assert client_for(lebak_liaison).get("/kejadian/siap-ditutup/").status_code == 403
    page = client_for(province_coordinator).get("/kejadian/")
    assert 'href="/kejadian/siap-ditutup/"' in page.content.decode()
    page = client_for(lebak_operator).get("/kejadian/")
    assert 'href="/kejadian/siap-ditutup/"' not in page.content.decode()


def test_an_unverified_incident_waits_for_the_desk_when_every_agency_is_done(
    client_for, province_coordinator, lebak_liaison
):
    incident = incident_in("36.02", "Belum diverifikasi")
    assignment = assign(province_coordinator, incident, "polres-lebak", None)
    services.followup_record(
        actor=lebak_liaison, assignment_id=assignment.pk, action="Dicek", done=True
    )
    incident.refresh_from_db()
    assert incident.status == "baru"
    ready = client_for(province_coordinator).get("/kejadian/siap-ditutup/")
    assert [i.ref for i in ready.context["page_obj"]] == [incident.ref]
    assert f'action="/kejadian/{incident.pk}/status/"' not in (ready.content.decode())


# Attachments refused and guarded -----------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "kind", "code"),
    [
        ("besar.png", png(), "image/png", "too large"),
        ("halaman.png", b"<html><script>alert(1)</script></html>", "image/png", "kind"),
        ("catatan.txt", b"catatan biasa", "text/plain", "kind"),
        ("foto.pdf", png(), "application/pdf", "kind"),  # a PNG said to be a PDF
    ],
)
def test_an_attachment_is_refused_when_too_large_or_not_a_photo_or_pdf(
    client_for,
    province_coordinator,
    lebak_liaison,
    media,
    settings,
    name,
    content,
    kind,
    code,
):
    if code == "too large":  # one byte over the limit
        settings.DESKPEMILU_FOLLOWUP_MAX_BYTES = len(content) - 1
    incident = incident_in("36.02", "Lampiran ditolak")
    assignment = assign(province_coordinator, incident, "polres-lebak", None)
    response = client_for(lebak_liaison).post(
        f"/kejadian/{incident.pk}/penugasan/{assignment.pk}/tindak-lanjut/",
        {
            "action": "Foto terlampir",
            "attachment": SimpleUploadedFile(name, content, kind),
        },
    )
    assert response.status_code == 422
    errors = response.context["followup_form"].errors["attachment"]
    expected = "Lampiran terlalu besar" if code == "too large" else "harus foto"
    assert any(expected in e for e in errors), errors
    assert not FollowUp.objects.exists()
    assert not any(p.is_file() for p in media.rglob("*"))


def test_a_pdf_is_taken_and_served_as_a_download(
    client_for, province_coordinator, lebak_liaison, media
):
    incident = incident_in("36.02", "Berita acara")
    assignment = assign(province_coordinator, incident, "polres-lebak", None)
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    services.followup_record(
        actor=lebak_liaison,
        assignment_id=assignment.pk,
        action="Berita acara terlampir",
        attachment=SimpleUploadedFile("ba.pdf", pdf, "application/pdf"),
    )
    attachment = FollowUp.objects.get().attachments.get()
    served = client_for(lebak_liaison).get(
        f"/kejadian/{incident.pk}/lampiran/{attachment.pk}/"
    )
    assert served["Content-Type"] == "application/pdf"
    assert served["Content-Disposition"].startswith("attachment;")


def test_another_agencys_liaison_gets_404_for_the_attachment(
    client_for, province_coordinator, lebak_liaison, police_liaison, media
):
    incident = incident_in("36.02", "Foto bukti")
    assignment = assign(province_coordinator, incident, "polres-lebak", None)
    services.followup_record(
        actor=lebak_liaison,
        assignment_id=assignment.pk,
        action="Foto terlampir",
        attachment=SimpleUploadedFile("a.png", png(), "image/png"),
    )
    attachment = FollowUp.objects.get().attachments.get()
    url = f"/kejadian/{incident.pk}/lampiran/{attachment.pk}/"
    assert client_for(police_liaison).get(url).status_code == 404
    # Under another incident's number it is not found either.
    other = incident_in("36.02", "Lain")
    wrong = f"/kejadian/{other.pk}/lampiran/{attachment.pk}/"
    assert client_for(province_coordinator).get(wrong).status_code == 404
    assert Client().get(url).status_code == 302  # to the login page


def test_a_chosen_now_moves_tugas_saya(client_for, province_coordinator, lebak_liaison):
    """Overdue and due soon are counted from the header's "as of" moment
    (core/deskmode.py), and go back with the reset."""
    now = timezone.now()
    late = incident_in("36.02", "Terlambat")
    assign(province_coordinator, late, "polres-lebak", now - dt.timedelta(hours=1))
    liaison = client_for(lebak_liaison)
    assert refs_in(liaison.get("/kejadian/tugas/"), "overdue") == [late.ref]

    earlier = timezone.localtime(now - dt.timedelta(hours=2), WIB)
    liaison.post("/waktu/", {"as_of": earlier.strftime("%Y-%m-%dT%H:%M")})
    response = liaison.get("/kejadian/tugas/")
    assert refs_in(response, "overdue") == []
    assert refs_in(response, "due_soon") == [late.ref]  # an hour before its deadline
    assert response.context["now"] == earlier.replace(second=0, microsecond=0)

    liaison.post("/waktu/", {"reset": "1"})
    assert refs_in(liaison.get("/kejadian/tugas/"), "overdue") == [late.ref]
