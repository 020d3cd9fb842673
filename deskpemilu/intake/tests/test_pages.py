"""The intake pages end to end: the public report form, the spreadsheet upload, the
inbox and a message's page with its two actions. Real requests, the real database
with Banten loaded, the real incident service."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from deskpemilu.accounts.models import User
from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents.models import Incident, IncidentEvent, IncidentSource
from deskpemilu.incidents.services import incident_create
from deskpemilu.intake.models import InboundMessage
from deskpemilu.intake.templatetags.intake_tags import mask_phone
from deskpemilu.intake.upload import (
    category_of,
    parse_time,
    place_code_of,
    severity_of,
    template_csv,
)
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db

SERANG_TPS = "3673041003005"  # Kota Serang (36.73)
PANDEGLANG_TPS = "3601012001001"  # Kab. Pandeglang (36.01)
HEADER = "waktu,kode_tempat,kategori,tingkat,uraian,pelapor,kontak\n"
REPORT = {
    "kabkota": "36.73",
    "place": "TPS 005 Kel. Lopang",
    "category": "politik_uang",
    "occurred_at": "2024-02-14T06:30",
    "description": "Ada pembagian amplop berisi uang di dekat TPS pagi ini.",
    "name": "Siti",
    "phone": "0812-3456-7890",
}


@pytest.fixture
def superuser(db) -> User:
    return User.objects.create_superuser("admin", "admin@example.org", "rahasia-123")


def message_in(code: str, **fields) -> InboundMessage:
    """A stored message placed in a region (as a channel would leave it)."""
    region = Region.objects.get(code=code)
    defaults = {
        "channel": "sms_gateway",
        "sender": "6281234567890",
        "sender_name": "Budi",
        "body": "LAPOR 36.73 PU B ada amplop",
        "raw": "sender=6281234567890&text=LAPOR+36.73+PU+B+ada+amplop",
        "status": "parsed",
        "kind": "incident",
        "region": region,
        "area_code": region.code_nodot,
    }
    return InboundMessage.objects.create(**(defaults | fields))


def upload(client: Client, name: str, content: bytes):
    return client.post("/pesan/unggah/", {"file": SimpleUploadedFile(name, content)})


# Public report form -----------------------------------------------------------------


def test_the_public_form_opens_without_login_with_the_eight_kabkota():
    response = Client().get("/lapor/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "csrfmiddlewaretoken" in page and 'name="description"' in page
    assert page.count('<option value="36.') == 8


def test_a_citizen_report_is_stored_for_the_desk_without_making_an_incident():
    response = Client().post("/lapor/", REPORT, follow=True)
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.ref in response.content.decode()
    assert (message.channel, message.status, message.kind) == (
        "public",
        "parsed",
        "incident",
    )
    assert (message.region.code, message.area_code) == ("36.73", "3673")
    assert (message.sender, message.sender_name) == ("6281234567890", "Siti")
    assert message.remote_addr == "127.0.0.1"
    raw = json.loads(message.raw)
    assert (
        raw["description"] == REPORT["description"] and "csrfmiddlewaretoken" not in raw
    )
    assert message.parsed["category"] == "politik_uang"
    assert message.parsed["occurred_at"].startswith("2024-02-14T06:30:00+07:00")
    assert Incident.objects.count() == 0


def test_invalid_public_input_is_kept_raw_as_failed_and_the_form_shows_why():
    bad = REPORT | {"description": "pendek", "occurred_at": "2099-01-01T10:00"}
    response = Client().post("/lapor/", bad)
    assert response.status_code == 422
    page = response.content.decode()
    assert "errorlist" in page and "pendek" in page  # the text is still in the form
    message = InboundMessage.objects.get()
    assert (message.status, message.error_code) == ("failed", "invalid_form")
    assert json.loads(message.raw)["description"] == "pendek"
    assert "description" in message.reply and "occurred_at" in message.reply
    assert message.area_code == "3673"  # the Kota Serang desk sees it in its inbox


def test_the_public_form_answers_429_over_the_limit_and_stores_nothing_more(settings):
    settings.DESKPEMILU_PUBLIC_FORM_LIMIT = 2
    client = Client()
    assert client.post("/lapor/", REPORT).status_code == 302
    assert client.post("/lapor/", REPORT | {"description": "x"}).status_code == 422
    refused = client.post("/lapor/", REPORT)
    assert refused.status_code == 429
    assert "Terlalu banyak laporan" in refused.content.decode()
    assert REPORT["description"] in refused.content.decode()  # the text is not lost
    assert InboundMessage.objects.count() == 2
    other = Client(REMOTE_ADDR="10.1.2.3").post("/lapor/", REPORT)
    assert other.status_code == 302 and InboundMessage.objects.count() == 3


def test_behind_the_tls_proxy_the_limit_counts_the_address_the_proxy_saw(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.DESKPEMILU_TRUSTED_PROXIES = 1
    settings.DESKPEMILU_PUBLIC_FORM_LIMIT = 1
    proxy = Client(REMOTE_ADDR="127.0.0.1")
    first = proxy.post("/lapor/", REPORT, HTTP_X_FORWARDED_FOR="1.2.3.4, 10.0.0.7")
    assert first.status_code == 302
    assert InboundMessage.objects.get().remote_addr == "10.0.0.7"
    again = proxy.post("/lapor/", REPORT, HTTP_X_FORWARDED_FOR="9.9.9.9, 10.0.0.7")
    assert again.status_code == 429
    other = proxy.post("/lapor/", REPORT, HTTP_X_FORWARDED_FOR="10.0.0.8")
    assert other.status_code == 302


def test_the_public_form_is_csrf_protected():
    response = Client(enforce_csrf_checks=True).post("/lapor/", REPORT)
    assert response.status_code == 403 and InboundMessage.objects.count() == 0


def test_the_thank_you_page_shows_only_a_reference_we_issued():
    response = Client().get("/lapor/terima-kasih/", {"t": "M0000001"})
    assert response.status_code == 302 and response["Location"] == "/lapor/"


# Upload -----------------------------------------------------------------------------


def test_a_csv_upload_takes_the_good_rows_and_explains_each_bad_one(
    kabkota_operator, client_for
):
    rows = [
        f"2024-02-14 09:30,{SERANG_TPS},PU,B,Bagi amplop dekat TPS,Budi,081234567890",
        "2024-02-14 11:00,36.73.04,kekerasan,sedang,Dua kelompok bentrok,,",
        "2024-02-14 10:00,3673049999999,PU,R,TPS tidak ada,,",
        f"2099-01-01 10:00,{SERANG_TPS},PU,R,Waktu di masa depan,,",
        f"2024-02-14 10:00,{SERANG_TPS},PUU,R,Kategori salah,,",
        f"2024-02-14 10:00,{PANDEGLANG_TPS},LOG,S,Di luar wilayah operator,,",
    ]
    content = (HEADER + "\n".join(rows) + "\n").encode()
    response = upload(client_for(kabkota_operator), "laporan.csv", content)
    assert response.status_code == 200
    taken = Incident.objects.order_by("id")
    assert [(i.category, i.severity, i.channel) for i in taken] == [
        ("politik_uang", "berat", "upload"),
        ("kekerasan", "sedang", "upload"),
    ]
    assert taken[0].tps.code == SERANG_TPS and taken[1].region.code == "36.73.04"
    source = IncidentSource.objects.get(incident=taken[0])
    assert source.message.raw and source.person_contact == "6281234567890"
    messages = {
        m.meta["row"]: m for m in InboundMessage.objects.filter(channel="upload")
    }
    assert len(messages) == 6
    assert all(m.submitted_by == kabkota_operator for m in messages.values())
    assert [messages[n].status for n in range(2, 8)] == ["parsed"] * 2 + ["failed"] * 4
    assert [messages[n].error_code for n in range(4, 8)] == [
        "unknown_place",
        "future_time",
        "unknown_category",
        "region_out_of_scope",
    ]
    page = response.content.decode()
    for incident in taken:
        assert incident.ref in page
    for number, column, reason in [
        (4, "kode_tempat", "tidak terdaftar"),
        (5, "waktu", "masa depan"),
        (6, "kategori", "tidak dikenal"),
        (7, "kode_tempat", "di luar cakupan"),
    ]:
        row = page.split(f'data-row="{number}"', 1)[1].split("</tr>", 1)[0]
        assert column in row and reason in row


def test_an_xlsx_upload_reads_dates_and_numeric_codes(province_coordinator, client_for):
    book = Workbook()
    sheet = book.active
    sheet.append(["Waktu", "Kode_Tempat", "Kategori", "Tingkat", "Uraian"])
    sheet.append(
        [dt.datetime(2024, 2, 14, 8, 15), int(SERANG_TPS), "hoaks", "K", "Hoaks"]
    )
    sheet.append([None, None, None, None, None])
    sheet.append(["2024-02-14 09:00", "36.01", "demo", "2", "Massa berkumpul"])
    data = io.BytesIO()
    book.save(data)
    response = upload(client_for(province_coordinator), "laporan.xlsx", data.getvalue())
    assert response.status_code == 200
    first, second = Incident.objects.order_by("id")
    assert (first.tps.code, first.category, first.severity) == (
        SERANG_TPS,
        "hoaks_sara",
        "kritis",
    )
    assert first.occurred_at == dt.datetime(2024, 2, 14, 8, 15, tzinfo=WIB)
    assert (second.region.code, second.category) == ("36.01", "unjuk_rasa")
    rows = sorted(InboundMessage.objects.values_list("meta__row", flat=True))
    assert rows == [2, 4]


def test_the_csv_template_downloads_and_is_itself_a_valid_upload(
    province_coordinator, client_for
):
    client = client_for(province_coordinator)
    response = client.get("/pesan/unggah/template.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "text/csv"
    )
    assert response.content.decode("utf-8-sig") == template_csv()
    assert upload(client, "templat.csv", response.content).status_code == 200
    assert Incident.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("laporan.pdf", b"%PDF-1.7 ...", "bukan CSV atau XLSX"),
        (
            "laporan.csv",
            HEADER.encode() + "2024-02-14 09:30,36.73,PU,B,Caf\xe9".encode("latin-1"),
            "bukan teks UTF-8",
        ),
        ("laporan.xlsx", b"waktu,kode_tempat\n", "bukan XLSX"),
        ("laporan.csv", b"waktu,tempat,uraian\n2024-02-14 09:30,36.73,x\n", "wajib"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_nothing_changed(
    province_coordinator, client_for, name, content, says
):
    response = upload(client_for(province_coordinator), name, content)
    assert response.status_code == 400
    assert says in response.content.decode()
    assert InboundMessage.objects.count() == 0 and Incident.objects.count() == 0


def test_the_same_file_uploaded_twice_is_refused_the_second_time(
    province_coordinator, client_for
):
    client = client_for(province_coordinator)
    content = (HEADER + f"2024-02-14 09:30,{SERANG_TPS},PU,B,Amplop,,\n").encode()
    assert upload(client, "a.csv", content).status_code == 200
    again = upload(client, "a.csv", content)
    assert (
        again.status_code == 400 and "sudah pernah diunggah" in again.content.decode()
    )
    assert InboundMessage.objects.count() == 1 and Incident.objects.count() == 1


def test_upload_needs_login_and_a_role_that_writes(leader, client_for):
    assert Client().get("/pesan/unggah/").status_code == 302
    content = (HEADER + f"2024-02-14 09:30,{SERANG_TPS},PU,B,Amplop,,\n").encode()
    assert upload(client_for(leader), "a.csv", content).status_code == 403
    assert InboundMessage.objects.count() == 0


# Inbox and one message ----------------------------------------------------------------


def test_the_inbox_needs_login():
    response = Client().get("/pesan/")
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


def test_a_kabkota_operator_sees_only_messages_of_their_kabkota(
    kabkota_operator, client_for
):
    serang = message_in("36.73")
    pandeglang = message_in("36.01", body="LAPOR 36.01 PU B amplop")
    client = client_for(kabkota_operator)
    page = client.get("/pesan/").content.decode()
    assert serang.ref in page and pandeglang.ref not in page
    assert client.get(f"/pesan/{serang.pk}/").status_code == 200
    assert client.get(f"/pesan/{pandeglang.pk}/").status_code == 404
    attach = client.post(f"/pesan/{pandeglang.pk}/lampirkan/", {"incident": "1"})
    assert attach.status_code == 404


def test_the_inbox_filters_and_counts_per_status(province_coordinator, client_for):
    message_in("36.73")
    message_in("36.73", status="failed", kind="unknown", error_code="unknown_keyword")
    failed = message_in("36.01", status="failed", kind="unknown", channel="whatsapp")
    client = client_for(province_coordinator)
    page = client.get("/pesan/", {"status": "failed"}).content.decode()
    assert 'data-count="status-parsed">1<' in page
    assert 'data-count="status-failed">2<' in page
    whatsapp = client.get("/pesan/", {"channel": "whatsapp"}).content.decode()
    assert failed.ref in whatsapp and whatsapp.count('class="message"') == 1


def test_the_inbox_pages_newest_first_and_counts_from_the_status_tally(
    province_coordinator, client_for
):
    made = [
        message_in("36.73", status="failed" if n % 2 else "parsed") for n in range(53)
    ]
    client = client_for(province_coordinator)
    first = client.get("/pesan/").content.decode()
    assert made[-1].ref in first and made[0].ref not in first
    assert first.count('class="message"') == 50 and "Halaman 1 dari 2" in first
    assert 'class="muted total">53<' in first
    second = client.get("/pesan/", {"page": 2}).content.decode()
    assert [m.ref in second for m in made[:3]] == [True] * 3
    assert second.count('class="message"') == 3
    failed = client.get("/pesan/", {"status": "failed"}).content.decode()
    assert 'class="muted total">26<' in failed and "Halaman" not in failed
    assert failed.count('class="message"') == 26


def test_phones_are_masked_for_desk_staff_and_shown_to_an_administrator(
    province_coordinator, superuser, client_for
):
    message = message_in("36.73")
    staff = client_for(province_coordinator)
    for url in ("/pesan/", f"/pesan/{message.pk}/"):
        page = staff.get(url).content.decode()
        assert "62812*****890" in page and "6281234567890" not in page
    detail = staff.get(f"/pesan/{message.pk}/").content.decode()
    assert "Raw payload" not in detail and "text=LAPOR" not in detail
    admin = client_for(superuser)
    assert "6281234567890" in admin.get("/pesan/").content.decode()
    assert "text=LAPOR" in admin.get(f"/pesan/{message.pk}/").content.decode()


def test_mask_phone_keeps_the_first_five_and_last_three_characters():
    assert mask_phone("6281234567890") == "62812*****890"
    assert mask_phone("tg:5551234567") == "tg:55*****567"
    assert mask_phone("3636") == "36**"
    assert mask_phone("") == ""


def test_an_incident_is_created_from_a_public_message_and_records_it(
    kabkota_operator, client_for
):
    Client().post("/lapor/", REPORT)
    message = InboundMessage.objects.get()
    client = client_for(kabkota_operator)
    form = client.get(f"/pesan/{message.pk}/").content.decode()
    assert 'value="36.73"' in form and 'value="14/02/2024 06:30"' in form
    response = client.post(
        f"/pesan/{message.pk}/kejadian/",
        {
            "place_code": "36.73.04",
            "category": "politik_uang",
            "severity": "sedang",
            "description": REPORT["description"],
            "occurred_at": "2024-02-14T06:30",
        },
    )
    incident = Incident.objects.get()
    assert (
        response.status_code == 302
        and response["Location"] == f"/kejadian/{incident.pk}/"
    )
    assert (incident.region.code, incident.channel) == ("36.73.04", "public")
    source = incident.sources.get()
    assert source.message == message and source.person_contact == "6281234567890"
    assert incident.ref in client.get("/pesan/").content.decode()


def test_a_new_incident_outside_the_operator_area_is_refused_on_the_form(
    kabkota_operator, client_for
):
    message = message_in(
        "36.73", parsed={"place_code": "36.73", "category": "kekerasan"}
    )
    response = client_for(kabkota_operator).post(
        f"/pesan/{message.pk}/kejadian/",
        {
            "place_code": PANDEGLANG_TPS,
            "category": "kekerasan",
            "severity": "berat",
            "occurred_at": "2024-02-14T10:00",
        },
    )
    assert response.status_code == 422
    assert "di luar cakupan" in response.content.decode()
    assert Incident.objects.count() == 0


def test_a_field_code_report_prefills_the_incident_form(
    province_coordinator, client_for
):
    message = message_in(
        "36.73",
        parsed={
            "place_code": SERANG_TPS,
            "category": "politik_uang",
            "severity": "berat",
            "text": "ada amplop",
        },
    )
    page = (
        client_for(province_coordinator).get(f"/pesan/{message.pk}/").content.decode()
    )
    assert f'value="{SERANG_TPS}"' in page
    assert '<option value="berat" selected>' in page
    assert '<option value="politik_uang" selected>' in page


def test_a_message_is_attached_to_an_incident_as_a_source(
    province_coordinator, client_for
):
    incident = incident_create(
        actor=province_coordinator,
        category="politik_uang",
        severity="berat",
        title="Amplop",
        region=Region.objects.get(code="36.73"),
        occurred_at=dt.datetime(2024, 2, 14, 9, 0, tzinfo=WIB),
    )
    message = message_in("36.73")
    client = client_for(province_coordinator)
    response = client.post(
        f"/pesan/{message.pk}/lampirkan/", {"incident": incident.ref}
    )
    assert response.status_code == 302
    assert incident.sources.filter(message=message).exists()
    assert IncidentEvent.objects.filter(
        incident=incident, action="source_added"
    ).exists()
    missing = client.post(f"/pesan/{message.pk}/lampirkan/", {"incident": "K999999"})
    assert missing.status_code == 422


def test_a_leader_reads_messages_but_may_not_act_on_them(leader, client_for):
    message = message_in("36.73")
    client = client_for(leader)
    page = client.get(f"/pesan/{message.pk}/").content.decode()
    assert message.ref in page and "create-incident" not in page
    create = client.post(
        f"/pesan/{message.pk}/kejadian/",
        {
            "place_code": "36.73",
            "category": "kekerasan",
            "severity": "berat",
            "occurred_at": "2024-02-14T10:00",
        },
    )
    assert create.status_code == 403
    assert (
        client.post(f"/pesan/{message.pk}/lampirkan/", {"incident": "1"}).status_code
        == 403
    )
    assert Incident.objects.count() == 0


def test_a_row_with_more_cells_than_the_header_is_refused_alone(
    province_coordinator, client_for
):
    content = (
        "waktu;kode_tempat;kategori;tingkat;uraian\n"
        f"2024-02-14 09:30;{SERANG_TPS};PU;B;Amplop\n"
        f"2024-02-14 09:30;{SERANG_TPS};PU;B;Amplop; dua orang\n"
    ).encode()
    response = upload(client_for(province_coordinator), "titik-koma.csv", content)
    assert response.status_code == 200 and Incident.objects.count() == 1
    refused = InboundMessage.objects.get(status="failed")
    assert refused.meta["row"] == 3 and refused.error_code == "extra_cells"
    assert (
        "dua orang" in refused.raw and "lebih banyak kolom" in response.content.decode()
    )


@pytest.mark.parametrize(
    ("text", "moment"),
    [
        ("2024-02-14 09:30", dt.datetime(2024, 2, 14, 9, 30, tzinfo=WIB)),
        ("14/02/2024 9.30 WIB", dt.datetime(2024, 2, 14, 9, 30, tzinfo=WIB)),
        ("2024-02-14T09:30:15", dt.datetime(2024, 2, 14, 9, 30, tzinfo=WIB)),
        ("2024-02-14", None),
        ("2024-02-30 09:30", None),
        ("kemarin pagi", None),
    ],
)
def test_upload_times_are_read_as_wib(text, moment):
    assert parse_time(text) == moment


def test_upload_codes_and_words_are_read_like_the_field_code():
    assert place_code_of("3673.04.1003-005") == "3673041003005"
    assert place_code_of("TPS 3673041003005") == "3673041003005"
    assert place_code_of("367304") == "36.73.04"
    assert place_code_of("36.73") == "36.73"
    assert place_code_of("36.7") is None and place_code_of("Lopang") is None
    assert category_of("Politik-Uang") == category_of("PU") == "politik_uang"
    assert category_of("hak_pilih") == "hak_pilih" and category_of("PUU") is None
    assert severity_of("K") == severity_of("4") == severity_of("kritis") == "kritis"


def test_an_unknown_desa_code_is_refused_as_a_region_not_as_a_tps(
    province_coordinator, client_for
):
    # "36.73.04.9999" has thirteen characters, like a TPS code, but is a desa.
    content = (
        HEADER + "2024-02-14 11:00,36.73.04.9999,LOG,S,Desa tak ada,,\n"
    ).encode()
    page = upload(client_for(province_coordinator), "desa.csv", content)
    row = page.content.decode().split('data-row="2"', 1)[1].split("</tr>", 1)[0]
    assert "Kode wilayah 36.73.04.9999 tidak terdaftar" in row
