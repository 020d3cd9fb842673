"""The intake API under a gateway's real habits: a bad item in a big batch, a key
sent again with another body, a retry while the first is still running, a first
attempt that failed. (Concurrent retries against the real server:
test_api_concurrency.py.)"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from django.utils import timezone

from deskpemilu.intake import idempotency
from deskpemilu.intake.auth import api_client_create
from deskpemilu.intake.models import (
    IdempotencyRecord,
    InboundMessage,
    ParseStatus,
    TpsCheckin,
)
from deskpemilu.intake.schemas import BatchOut

pytestmark = pytest.mark.django_db
URL = "/api/v1/intake/messages"
BATCH = URL + "/batch"


@pytest.fixture
def gateway(db):
    client, token = api_client_create(name="Gateway nasional")
    http = Client(HTTP_AUTHORIZATION=f"Bearer {token}")

    def post(path, payload, **headers):
        body = payload if isinstance(payload, (bytes, str)) else json.dumps(payload)
        return http.post(path, body, content_type="application/json", **headers)

    post.client = client
    return post


def checkin(n: int) -> dict:
    return {"id": f"c-{n}", "sender": "0812", "text": f"BUKA 36010120010{n:02d}"}


# A batch: the valid items kept, an answer per item ---------------------------------


def test_one_bad_item_no_longer_refuses_the_whole_batch(gateway):
    messages = [
        checkin(1),
        {"id": "no-text", "sender": "0812"},
        checkin(2),
        {"id": "long", "sender": "0812", "text": "x" * 4001},
        "BUKA 3601012001003",
        {"id": "typed", "sender": 812, "text": "INFO"},
        checkin(3),
    ]
    response = gateway(BATCH, {"messages": messages})
    assert response.status_code == 200
    data = response.json()
    BatchOut.model_validate(data, strict=True)  # the documented shape, exactly
    assert (data["received"], data["stored"], data["duplicates"]) == (7, 3, 0)
    assert data["refused"] == 4
    assert [r["index"] for r in data["results"]] == list(range(7))
    statuses = [r["status"] for r in data["results"]]
    assert statuses == ["parsed", "refused", "parsed", "refused", "refused"] + [
        "refused",
        "parsed",
    ]
    errors = {r["index"]: r["error"] for r in data["results"] if r["error"]}
    assert errors[1] == {
        "code": "required",
        "message": "Isian 'text' wajib diisi.",
        "field": "text",
    }
    assert errors[3]["code"] == "too_long" and errors[3]["field"] == "text"
    assert "4000" in errors[3]["message"]
    assert errors[4]["code"] == "not_an_object" and errors[4]["field"] == ""
    assert errors[5] == {
        "code": "invalid",
        "message": "Isian 'sender' tidak sah.",
        "field": "sender",
    }
    assert all(r["error"] is None for r in data["results"] if r["status"] == "parsed")
    assert TpsCheckin.objects.count() == 3


def test_refused_items_are_kept_raw_for_the_desk(gateway):
    bad = {"id": "no-text", "sender": "0812 555", "note": "teks hilang"}
    data = gateway(BATCH, {"messages": [checkin(1), bad, "apa ini"]}).json()
    refused = data["results"][1]
    stored = InboundMessage.objects.get(pk=refused["id"])
    assert refused["ref"] == stored.ref
    assert (stored.channel, stored.status) == ("api", ParseStatus.FAILED)
    assert stored.error_code == "required" and stored.reply == refused["reply"]
    assert json.loads(stored.raw) == bad and stored.sender == "0812 555"
    # No provider id: the corrected item, sent again with its id, is not a repeat.
    assert stored.provider_id == ""
    assert json.loads(InboundMessage.objects.get(pk=data["results"][2]["id"]).raw) == (
        "apa ini"
    )
    assert InboundMessage.objects.count() == 3
    fixed = {**bad, "text": "INFO"}
    again = gateway(BATCH, {"messages": [fixed]}).json()
    assert again["stored"] == 1 and again["results"][0]["status"] != "refused"


def test_a_body_that_is_not_a_batch_is_still_refused_whole(gateway):
    assert gateway(BATCH, b'{"messages": [').status_code == 400
    for body in ({}, {"messages": "BUKA"}, {"messages": []}, ["x"]):
        response = gateway(BATCH, body)
        assert response.status_code == 422, body
        assert response.json()["code"] == "invalid"
    assert InboundMessage.objects.count() == 0


def test_a_batch_of_refused_items_only_stores_them_raw(gateway):
    data = gateway(BATCH, {"messages": [{"sender": "0812"}, 7]}).json()
    assert (data["stored"], data["refused"]) == (0, 2)
    assert InboundMessage.objects.filter(status=ParseStatus.FAILED).count() == 2


# Idempotency-Key ------------------------------------------------------------------


def test_the_same_key_with_another_batch_is_refused_not_answered_as_before(gateway):
    first = gateway(BATCH, {"messages": [checkin(1)]}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 200
    other = gateway(BATCH, {"messages": [checkin(2)]}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert other.json()["field"] == "Idempotency-Key"
    assert InboundMessage.objects.count() == 1
    # The same batch, its keys in another order, is the same request.
    same = b'{"messages": [{"text": "BUKA 3601012001001", "sender": "0812", '
    same += b'"id": "c-1"}]}'
    again = gateway(BATCH, same, HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 200 and again.json() == first.json()


def test_the_same_key_with_another_single_message_is_refused(gateway):
    body = {"sender": "0812", "text": "BUKA 3601012001001"}
    assert gateway(URL, body, HTTP_IDEMPOTENCY_KEY="s-1").status_code == 201
    retry = gateway(URL, body, HTTP_IDEMPOTENCY_KEY="s-1")
    assert retry.status_code == 200 and retry.json()["duplicate"]
    other_body = {**body, "text": "TUTUP 3601012001001"}
    other = gateway(URL, other_body, HTTP_IDEMPOTENCY_KEY="s-1")
    assert other.status_code == 422
    assert other.json()["code"] == "idempotency_key_reused"
    assert InboundMessage.objects.count() == 1 and TpsCheckin.objects.count() == 1


def test_a_nul_character_does_not_make_a_retry_look_like_another_message(gateway):
    body = {"sender": "0812", "text": "INFO\x00"}
    gateway(URL, body, HTTP_IDEMPOTENCY_KEY="nul-1")
    retry = gateway(URL, body, HTTP_IDEMPOTENCY_KEY="nul-1")
    assert retry.status_code == 200 and retry.json()["duplicate"]


def test_an_idempotency_key_longer_than_documented_is_refused(gateway):
    response = gateway(
        BATCH, {"messages": [checkin(1)]}, HTTP_IDEMPOTENCY_KEY="k" * 121
    )
    assert response.status_code == 422
    assert response.json()["field"] == "Idempotency-Key"
    assert InboundMessage.objects.count() == 0


def test_a_retry_while_the_first_is_still_running_gets_409_with_retry_after(
    gateway, monkeypatch
):
    batch = {"messages": [checkin(1)]}
    IdempotencyRecord.objects.create(
        client=gateway.client,
        key="busy",
        request_hash=idempotency.request_hash(batch["messages"]),
        state=IdempotencyRecord.State.IN_PROGRESS,
    )
    # How long a retry waits for the first is a setting of the module; short here.
    monkeypatch.setattr(idempotency, "WAIT_SECONDS", 0.05)
    response = gateway(BATCH, batch, HTTP_IDEMPOTENCY_KEY="busy")
    assert response.status_code == 409
    assert response.json()["code"] == "idempotency_in_progress"
    assert int(response["Retry-After"]) >= 1
    assert InboundMessage.objects.count() == 0


def test_a_failed_first_attempt_releases_the_key_for_a_retry(gateway):
    client_id = gateway.client.pk
    claim = idempotency.idempotency_claim(client_id=client_id, key="k", body_hash="h")
    with pytest.raises(RuntimeError), idempotency.idempotency_held(claim):
        raise RuntimeError("the batch failed")
    assert not IdempotencyRecord.objects.filter(key="k").exists()
    again = idempotency.idempotency_claim(client_id=client_id, key="k", body_hash="h")
    assert isinstance(again, IdempotencyRecord)
    with idempotency.idempotency_held(again) as answer:
        answer.response = {"ok": True}
    replay = idempotency.idempotency_claim(client_id=client_id, key="k", body_hash="h")
    assert replay == idempotency.Replay(200, {"ok": True})


def test_a_claim_whose_request_died_is_taken_over_by_the_next_retry(gateway):
    batch = {"messages": [checkin(1)]}
    stale = IdempotencyRecord.objects.create(
        client=gateway.client,
        key="died",
        request_hash=idempotency.request_hash(batch["messages"]),
        state=IdempotencyRecord.State.IN_PROGRESS,
    )
    long_ago = timezone.now() - idempotency.STALE_AFTER - dt.timedelta(minutes=1)
    IdempotencyRecord.objects.filter(pk=stale.pk).update(created_at=long_ago)
    response = gateway(BATCH, batch, HTTP_IDEMPOTENCY_KEY="died")
    assert response.status_code == 200 and response.json()["stored"] == 1
    stale.refresh_from_db()
    assert stale.state == IdempotencyRecord.State.DONE
    assert stale.response == response.json()
