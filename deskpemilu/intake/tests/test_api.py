"""The intake API: token per client, one message or a batch, retries are no-ops."""

import json

import pytest
from django.test import Client

from deskpemilu.intake.auth import api_client_create
from deskpemilu.intake.models import InboundMessage, TpsCheckin
from deskpemilu.intake.schemas import BatchOut

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/messages"


@pytest.fixture
def api(db):
    _, token = api_client_create(name="Gateway Polda")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def post(path, payload, **headers):
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return client.post(path, body, content_type="application/json", **headers)

    return post


def test_the_api_needs_a_valid_token():
    response = Client().post(
        URL, {"sender": "x", "text": "INFO"}, content_type="application/json"
    )
    assert response.status_code == 401
    wrong = Client(HTTP_AUTHORIZATION="Bearer dp_salah").post(
        URL, {"sender": "x", "text": "INFO"}, content_type="application/json"
    )
    assert wrong.status_code == 401


def test_one_message_is_stored_processed_and_answered(api):
    response = api(
        URL, {"id": "a-1", "sender": "081234567890", "text": "BUKA 3601012001001"}
    )
    assert response.status_code == 201
    data = response.json()
    assert (
        data["status"] == "parsed"
        and data["kind"] == "checkin"
        and not data["duplicate"]
    )
    assert data["ref"] == InboundMessage.objects.get().ref


def test_a_retry_with_the_same_id_is_a_no_op_with_the_same_answer(api):
    first = api(
        URL, {"id": "a-1", "sender": "0812", "text": "BUKA 3601012001001"}
    ).json()
    again = api(URL, {"id": "a-1", "sender": "0812", "text": "BUKA 3601012001001"})
    assert again.status_code == 200 and again.json()["duplicate"]
    assert again.json()["reply"] == first["reply"]
    assert InboundMessage.objects.count() == 1 and TpsCheckin.objects.count() == 1


def test_the_idempotency_key_header_works_without_an_id(api):
    body = {"sender": "0812", "text": "BUKA 3601012001001"}
    api(URL, body, HTTP_IDEMPOTENCY_KEY="k-77")
    assert api(URL, body, HTTP_IDEMPOTENCY_KEY="k-77").json()["duplicate"]
    assert InboundMessage.objects.count() == 1


def test_malformed_json_and_missing_fields_are_refused(api):
    assert api(URL, b'{"sender": "0812", "text": ').status_code in (400, 422)
    assert api(URL, {"sender": "0812"}).status_code == 422
    assert InboundMessage.objects.count() == 0


def test_a_batch_is_stored_whole_and_counted(api):
    messages = [
        {"id": f"b-{n}", "sender": "0812", "text": f"BUKA 36010120010{n:02d}"}
        for n in range(1, 13)
    ] + [
        {"id": "b-bad", "sender": "0812", "text": "BUKA 3601019999001"},
        {"id": "b-junk", "sender": "0812", "text": "apa ini"},
    ]
    response = api(URL + "/batch", {"messages": messages})
    assert response["Content-Type"] == "application/json"
    data = response.json()
    BatchOut.model_validate(data, strict=True)  # the documented shape, exactly
    assert (data["received"], data["stored"], data["duplicates"]) == (14, 14, 0)
    assert TpsCheckin.objects.count() == 12
    statuses = [r["status"] for r in data["results"]]
    assert statuses == ["parsed"] * 12 + ["failed", "failed"]
    assert "tidak terdaftar" in data["results"][12]["reply"]
    again = api(URL + "/batch", {"messages": messages}).json()
    assert (again["stored"], again["duplicates"]) == (0, 14)
    assert [r["reply"] for r in again["results"]] == [
        r["reply"] for r in data["results"]
    ]
    assert InboundMessage.objects.count() == 14


def test_a_batch_mixing_stored_and_new_messages_stores_only_the_new(api):
    # On PostgreSQL a batch goes by COPY, which cannot skip a stored provider id:
    # the batch is done again by INSERT. Either way: the new stored once, the old
    # answered as before, their check-ins not written twice.
    old = [
        {"id": f"o-{n}", "sender": "0812", "text": f"BUKA 36010120010{n:02d}"}
        for n in range(1, 4)
    ]
    first = api(URL + "/batch", {"messages": old}).json()
    new = [
        {"id": f"n-{n}", "sender": "0812", "text": f"TUTUP 36010120010{n:02d}"}
        for n in range(1, 4)
    ]
    data = api(URL + "/batch", {"messages": [new[0], *old, *new[1:]]}).json()
    assert (data["stored"], data["duplicates"]) == (3, 3)
    assert [r["duplicate"] for r in data["results"]] == [False] + [True] * 3 + [
        False
    ] * 2
    assert [r["ref"] for r in data["results"][1:4]] == [
        r["ref"] for r in first["results"]
    ]
    assert InboundMessage.objects.count() == 6 and TpsCheckin.objects.count() == 6
    stages = sorted(TpsCheckin.objects.values_list("stage", flat=True))
    assert stages == ["buka"] * 3 + ["tutup"] * 3


def test_a_batch_retried_with_its_idempotency_key_gets_the_same_answer(api):
    batch = {"messages": [{"sender": "0812", "text": "TUTUP 3601012001001"}]}
    first = api(URL + "/batch", batch, HTTP_IDEMPOTENCY_KEY="batch-1").json()
    again = api(URL + "/batch", batch, HTTP_IDEMPOTENCY_KEY="batch-1").json()
    assert first == again and InboundMessage.objects.count() == 1


def test_a_batch_over_a_thousand_is_refused(api):
    messages = [{"sender": "0812", "text": "INFO"}] * 1001
    response = api(URL + "/batch", {"messages": messages})
    assert response.status_code == 413 and "1000" in response.json()["message"]
    assert InboundMessage.objects.count() == 0


def test_repeats_inside_one_batch_are_stored_once(api):
    item = {"id": "same", "sender": "0812", "text": "HITUNG 3601012001001"}
    data = api(URL + "/batch", {"messages": [item, item]}).json()
    assert (data["stored"], data["duplicates"]) == (1, 1)
    assert InboundMessage.objects.count() == 1


def test_a_nul_character_does_not_cost_the_batch(api):
    # PostgreSQL text cannot hold NUL; the message is kept with U+FFFD in its place,
    # and a backslash-u-0000 typed literally stays as typed.
    messages = [
        {"id": "n-1", "sender": "0812\x00", "text": "LAPOR 36.01.01 PU S ada\x00 uang"},
        {"id": "n-2", "sender": "0812", "text": "teks \\u0000 biasa"},
        {"id": "n-3", "sender": "0812", "text": "BUKA 3601012001001"},
    ]
    response = api(URL + "/batch", {"messages": messages})
    assert response.status_code == 200 and response.json()["stored"] == 3
    stored = {m.provider_id.split(":", 1)[1]: m for m in InboundMessage.objects.all()}
    assert stored["n-1"].body == "LAPOR 36.01.01 PU S ada\ufffd uang"
    assert stored["n-1"].sender == "0812\ufffd"
    assert stored["n-2"].body == "teks \\u0000 biasa"
    assert json.loads(stored["n-3"].raw) == messages[2] | {
        "sender_name": "",
        "sent_at": None,
    }
    assert TpsCheckin.objects.count() == 1


def test_the_tps_a_batch_names_are_read_once_and_whole_when_asked(db):
    from deskpemilu.intake import storage
    from deskpemilu.regions.models import TPS

    named = storage.named_tps({"3601012001001"})
    tps = named.tps("3601012001001")
    stored = TPS.objects.select_related("desa").get(code="3601012001001")
    assert (tps.pk, tps.desa_id, tps.desa.code_nodot) == (
        stored.pk,
        stored.desa_id,
        stored.desa.code_nodot,
    )
    # Fields the look-up did not read load from the database, never a default.
    assert tps.name == stored.name and tps.desa.dpt == stored.desa.dpt
    assert named.tps("3601012001999") is None
