"""Who sent a message: one normalisation of phone numbers wherever a number enters
(model, admin, API, import, webhooks), reporters with several handles (a second
phone, a Telegram or WhatsApp id), and linking an unknown sender from the inbox."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from deskpemilu.incidents.models import Incident
from deskpemilu.intake import senders
from deskpemilu.intake.auth import api_client_create
from deskpemilu.intake.models import InboundMessage, Reporter, ReporterHandle
from deskpemilu.intake.services import (
    HandleTaken,
    reporter_handle_add,
    reporter_upsert,
)
from deskpemilu.regions.models import TPS

pytestmark = pytest.mark.django_db
KEY = "kunci-gateway-uji"
TG_SECRET = "tg-secret-uji"
LAPOR = "LAPOR 3601012001001 PU B ada pembagian amplop di dekat TPS"


@pytest.fixture(autouse=True)
def secrets(settings):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    settings.DESKPEMILU_TELEGRAM_SECRET = TG_SECRET


def officer(phone: str = "0812-0000-0004") -> Reporter:
    return reporter_upsert(
        phone=phone,
        name="Siti (PPL Sumberjaya)",
        role="field_officer",
        tps=TPS.objects.get(code="3601012001001"),
    )


def sms(text: str, sender: str, msg_id: str):
    return Client().get(
        "/webhooks/sms", {"sender": sender, "text": text, "id": msg_id, "key": KEY}
    )


def telegram(text: str, user_id: int = 5551234, message_id: int = 10, **extra):
    update = {
        "update_id": 900000 + message_id,
        "message": {
            "message_id": message_id,
            "from": {"id": user_id, "is_bot": False, "first_name": "Siti"},
            "chat": {"id": user_id, "type": "private", "first_name": "Siti"},
            "date": 1707879600,
            "text": text,
            **extra,
        },
    }
    return Client().post(
        "/webhooks/telegram",
        json.dumps(update),
        content_type="application/json",
        HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=TG_SECRET,
    )


# --- one normalisation ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, handle",
    [
        ("0812-0000-0004", "6281200000004"),
        ("+62 812 0000 0004", "6281200000004"),
        ("(0812) 0000.0004", "6281200000004"),
        ("tg:5551234", "tg:5551234"),
        ("TG: 5551234", "tg:5551234"),
        ("wa:US.13491208655302741918", "wa:US.13491208655302741918"),
        ("TELKOMSEL", "TELKOMSEL"),
    ],
)
def test_every_form_of_a_sender_has_one_normal_form(raw, handle):
    assert senders.normal_handle(raw) == handle


def test_a_reporter_saved_with_a_written_number_is_stored_normalised():
    reporter = officer("0812-0000-0004")
    assert Reporter.objects.get(pk=reporter.pk).phone == "6281200000004"
    # The ORM's own writes and look-ups go through the same normalisation.
    Reporter.objects.filter(pk=reporter.pk).update(phone="+62 812-0000-0005")
    assert Reporter.objects.get(phone="0812 0000 0005").pk == reporter.pk


def test_a_phone_that_is_not_a_number_is_refused_in_indonesian():
    reporter = Reporter(name="X", role="observer", phone="bukan nomor")
    with pytest.raises(ValidationError) as error:
        reporter.full_clean()
    assert "nomor telepon" in str(error.value)


def test_an_sms_from_the_international_form_matches_a_reporter_saved_locally():
    officer("0812-0000-0004")
    response = sms(LAPOR, "+6281200000004", "k-intl-1")
    assert response.status_code == 200 and response.content.startswith(b"OK K")
    assert Incident.objects.count() == 1


def test_an_api_sender_written_locally_matches_a_registered_reporter():
    officer("6281200000001")
    _, token = api_client_create(name="Gateway")
    response = Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/v1/intake/messages",
        {"id": "api-1", "sender": "0812-0000-0001", "text": LAPOR},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["incident_id"] is not None
    assert InboundMessage.objects.get().sender == "6281200000001"


# --- handles ------------------------------------------------------------------------


def test_a_telegram_report_of_a_reporter_with_that_handle_becomes_an_incident():
    reporter = officer()
    reporter_handle_add(reporter=reporter, handle="tg:5551234")
    assert telegram(LAPOR).status_code == 200
    incident = Incident.objects.get()
    assert incident.sources.get().message.sender == "tg:5551234"
    assert InboundMessage.objects.get().reporter_id == reporter.pk


def test_without_the_handle_a_telegram_report_waits_in_the_inbox():
    officer()
    telegram(LAPOR)
    assert not Incident.objects.exists()
    assert InboundMessage.objects.get().kind == "incident"


def test_a_second_phone_of_a_reporter_is_recognised_by_sms():
    reporter = officer()
    reporter_handle_add(reporter=reporter, handle="0857 1111 2222")
    assert ReporterHandle.objects.get().handle == "6285711112222"
    sms(LAPOR, "+6285711112222", "k-second")
    assert Incident.objects.count() == 1


def test_a_handle_belongs_to_one_reporter_only():
    first = officer()
    second = reporter_upsert(phone="081299998888", name="Andi", role="observer")
    reporter_handle_add(reporter=first, handle="tg:1")
    with pytest.raises(HandleTaken) as taken:
        reporter_handle_add(reporter=second, handle="tg:1")
    assert "Siti" in taken.value.message
    with pytest.raises(HandleTaken):  # another reporter's phone
        reporter_handle_add(reporter=second, handle="0812-0000-0004")


def test_a_telegram_user_sharing_their_own_number_is_linked_to_that_reporter():
    reporter = officer("081200000004")
    contact = {"phone_number": "+6281200000004", "first_name": "Siti", "user_id": 777}
    telegram("", user_id=777, message_id=1, contact=contact)
    assert ReporterHandle.objects.get(handle="tg:777").reporter_id == reporter.pk
    telegram(LAPOR, user_id=777, message_id=2)
    assert Incident.objects.count() == 1


def test_someone_elses_contact_links_nobody():
    officer("081200000004")
    contact = {"phone_number": "+6281200000004", "first_name": "Siti", "user_id": 42}
    telegram("", user_id=777, message_id=1, contact=contact)
    assert not ReporterHandle.objects.exists()


# --- linking from the inbox ----------------------------------------------------------


def test_a_coordinator_links_an_unknown_telegram_sender_to_a_reporter(
    province_coordinator, client_for
):
    reporter = officer()
    telegram(LAPOR, message_id=1)
    message = InboundMessage.objects.get()
    page = client_for(province_coordinator).get(f"/pesan/{message.pk}/")
    assert b"pelapor" in page.content.lower()
    response = client_for(province_coordinator).post(
        f"/pesan/{message.pk}/pengirim/", {"reporter": reporter.pk}
    )
    assert response.status_code == 302
    assert ReporterHandle.objects.get().handle == "tg:5551234"
    telegram(LAPOR, message_id=2)
    assert Incident.objects.count() == 1


def test_linking_a_sender_is_refused_to_read_only_and_out_of_scope_users(
    leader, kabkota_operator, client_for
):
    reporter = officer()
    telegram(LAPOR, message_id=1)
    message = InboundMessage.objects.get()
    url = f"/pesan/{message.pk}/pengirim/"
    assert client_for(leader).post(url, {"reporter": reporter.pk}).status_code == 403
    # Kota Serang's operator does not see a message from Pandeglang at all.
    assert (
        client_for(kabkota_operator).post(url, {"reporter": reporter.pk}).status_code
        == 404
    )
    assert Client().post(url, {"reporter": reporter.pk}).status_code == 302  # login
    assert not ReporterHandle.objects.exists()


def test_reporters_saved_before_are_normalised_by_the_migration():
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module(
        "deskpemilu.intake.migrations.0006_reporter_handles"
    )
    with connection.cursor() as cursor:  # rows as an older version wrote them
        for phone, name in (("0812-0000-0004", "A"), ("abc", "B")):
            cursor.execute(
                f"INSERT INTO {Reporter._meta.db_table} "
                "(phone, name, role, is_active, created_at) "
                "VALUES (%s, %s, 'observer', true, CURRENT_TIMESTAMP)",
                [phone, name],
            )
    migration.normalise_phones(apps, None)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT name, phone FROM {Reporter._meta.db_table}")
        assert dict(cursor.fetchall()) == {"A": "6281200000004", "B": "abc"}


# --- admin and import ---------------------------------------------------------------


@pytest.fixture
def root(django_user_model, client_for):
    user = django_user_model.objects.create_superuser("akar", password="x-akar-12345")
    return client_for(user)


def test_the_admin_stores_a_written_number_normalised_with_a_telegram_handle(root):
    response = root.post(
        "/admin/intake/reporter/add/",
        {
            "name": "Dewi",
            "phone": "0812-0000-0007",
            "role": "observer",
            "is_active": "on",
            "handles-TOTAL_FORMS": "1",
            "handles-INITIAL_FORMS": "0",
            "handles-0-handle": "TG: 424242",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    reporter = Reporter.objects.get(name="Dewi")
    assert reporter.phone == "6281200000007"
    assert list(reporter.handles.values_list("handle", flat=True)) == ["tg:424242"]


def test_the_admin_refuses_a_phone_that_is_not_one_in_indonesian(root):
    response = root.post(
        "/admin/intake/reporter/add/",
        {
            "name": "Dewi",
            "phone": "nomor saya",
            "role": "observer",
            "handles-TOTAL_FORMS": "0",
            "handles-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "bukan nomor telepon" in response.content.decode()
    assert not Reporter.objects.exists()


def test_reporters_are_imported_with_numbers_normalised_and_handles(tmp_path):
    from django.core.management import call_command

    path = tmp_path / "pelapor.csv"
    path.write_text(
        "nama,telepon,peran,kode_tps,kode_wilayah,instansi,alamat_lain\n"
        "Siti,0812-0000-0004,field_officer,3601012001001,,,tg:5551234;0857 1111 2222\n"
        "Andi,+62 812 0000 0005,observer,,36.01,bawaslu-banten,\n",
        encoding="utf-8",
    )
    call_command("import_reporters", str(path))
    siti = Reporter.objects.get(name="Siti")
    assert siti.phone == "6281200000004" and siti.region.code == "36.01.01.2001"
    assert set(siti.handles.values_list("handle", flat=True)) == {
        "tg:5551234",
        "6285711112222",
    }
    assert Reporter.objects.get(name="Andi").phone == "6281200000005"
    call_command("import_reporters", str(path))  # safe to re-run
    assert Reporter.objects.count() == 2 and ReporterHandle.objects.count() == 2


def test_an_import_with_a_bad_row_changes_nothing_and_names_the_line(tmp_path):
    from django.core.management import CommandError, call_command

    path = tmp_path / "pelapor.csv"
    path.write_text(
        "nama,telepon,peran\nSiti,0812-0000-0004,field_officer\n"
        "Andi,bukan nomor,observer\nBudi,081200000004,observer\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError) as error:
        call_command("import_reporters", str(path))
    text = str(error.value)
    assert "baris 3" in text and "bukan nomor telepon" in text
    assert "baris 4" in text and "baris 2" in text  # the same number twice
    assert not Reporter.objects.exists()
