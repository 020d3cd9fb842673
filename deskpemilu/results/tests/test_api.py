"""The results API per persona: login, scope, read-only refusals, the error shape;
sheets in (one or a list, all or nothing), the sheets of a TPS, the flag queue,
decisions, the recap comparison, progress and the screens."""

from __future__ import annotations

import pytest
from django.test import Client

from deskpemilu.results.areas import recap_table
from deskpemilu.results.models import Decision, ResultSheet, SheetFlag
from deskpemilu.results.tests.conftest import SUMSHEET_BAD, SUMUR_TPS

pytestmark = pytest.mark.django_db

API = "/api/v1/results"
SHEET = {
    "kode_tps": "3601012001002",
    "dpt_total": 290,
    "pengguna_hak_pilih_total": 218,
    "votes": [118, 76, 18],
    "suara_sah": 212,
    "suara_tidak_sah": 6,
    "suara_total": 218,
    "waktu_sumber": "2024-02-14T21:05:00+07:00",
}


def post(client: Client, url: str, body) -> object:
    return client.post(url, body, content_type="application/json")


def test_the_api_needs_login(sumur):
    client = Client()
    for url in ("/flags", f"/tps/{SUMUR_TPS}/sheets", "/recap/36", "/progress"):
        response = client.get(API + url)
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
    assert post(client, API + "/sheets", SHEET).status_code == 401


def test_a_sheet_is_posted_checked_and_idempotent(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    response = post(client, API + "/sheets", SHEET | {"suara_sah": 213})
    assert response.status_code == 201, response.content
    assert response.json() | {"rows": 1} == {
        "source": "desk",
        "rows": 1,
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "flagged": 1,
    }
    sheet = ResultSheet.objects.get(tps_code="3601012001002", source="desk")
    assert (
        sheet.is_primary and sheet.source_ts.isoformat() == "2024-02-14T14:05:00+00:00"
    )
    assert SheetFlag.objects.filter(sheet=sheet, check_name="sum_mismatch").exists()
    again = post(client, API + "/sheets", [SHEET | {"suara_sah": 213}])
    assert (again.status_code, again.json()["unchanged"]) == (201, 1)
    listed = client.get(f"{API}/tps/3601012001002/sheets").json()
    assert [(s["source"], s["is_primary"], s["votes"]) for s in listed] == [
        ("desk", True, [118, 76, 18]),
        ("kpu_sirekap", False, [118, 76, 18]),
    ]
    assert listed[0]["kode_tps"] == "3601012001002"


def test_a_list_with_one_bad_sheet_is_refused_whole(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    body = [
        SHEET,
        SHEET | {"kode_tps": "3673041003999"},
        SHEET | {"kode_tps": "3601012001004", "votes": [1, 2, 3, 4]},
        {"kode_tps": "3601012001005"},
    ]
    response = post(client, API + "/sheets", body)
    assert response.status_code == 422
    error = response.json()
    assert set(error) == {"code", "message", "field", "problems"}
    assert error["field"] == "" and error["problems"][0] == {
        "line": 2,
        "message": "kode TPS tidak dikenal",
        "value": "3673041003999",
    }
    assert (
        error["code"] == "invalid_sheets"
        and "tidak ada yang disimpan" in error["message"]
    )
    assert [(p["line"], p["message"]) for p in error["problems"]] == [
        (2, "kode TPS tidak dikenal"),
        (3, "paslon nomor 4 tidak ada (3 paslon)"),
        (4, "lembar kosong: tidak ada angka"),
    ]
    assert not ResultSheet.objects.filter(source="desk").exists()
    invalid = post(client, API + "/sheets", SHEET | {"dpt_total": "banyak"})
    assert invalid.status_code == 422 and invalid.json()["code"] == "invalid"


def test_writes_are_refused_to_the_leader_and_hidden_outside_the_scope(
    sumur, leader, kabkota_operator, client_for
):
    lead = client_for(leader)
    assert post(lead, API + "/sheets", SHEET).status_code == 403
    decision = {"kode_tps": SUMUR_TPS, "field": "suara_1", "value": 1, "reason": "uji"}
    refused = post(lead, API + "/decisions", decision)
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    flag = SheetFlag.objects.get(tps_code=SUMSHEET_BAD, check_name="sum_mismatch")
    close = {"status": "dismissed", "note": "uji"}
    assert post(lead, f"{API}/flags/{flag.pk}/close", close).status_code == 403
    serang = client_for(kabkota_operator)
    assert serang.get(f"{API}/tps/{SUMUR_TPS}/sheets").status_code == 404
    assert serang.get(f"{API}/recap/36.01.01").json()["code"] == "not_found"
    assert post(serang, API + "/decisions", decision).status_code == 404
    assert post(serang, f"{API}/flags/{flag.pk}/close", close).status_code == 404
    outside = post(serang, API + "/sheets", SHEET)
    assert outside.status_code == 422
    assert outside.json()["problems"][0]["message"] == "kode TPS tidak dikenal"
    assert serang.get(API + "/flags").json() == {"items": [], "count": 0}
    assert not Decision.objects.exists()


def test_the_flag_queue_is_paginated_and_filtered(
    sumur, province_coordinator, client_for, django_assert_max_num_queries
):
    client = client_for(province_coordinator)
    with django_assert_max_num_queries(7):
        page = client.get(API + "/flags?limit=2")
    body = page.json()
    assert body["count"] == 6 and len(body["items"]) == 2
    assert body["items"][0]["kode_tps"] == "3601012001003"
    only = client.get(API + "/flags?check=sum_mismatch&region=36.01.01").json()
    assert [(f["kode_tps"], f["check"]) for f in only["items"]] == [
        (SUMSHEET_BAD, "sum_mismatch")
    ]
    flag_id = only["items"][0]["id"]
    closed = post(
        client, f"{API}/flags/{flag_id}/close", {"status": "resolved", "note": "ok"}
    )
    assert closed.status_code == 200 and closed.json()["status"] == "resolved"
    again = post(
        client, f"{API}/flags/{flag_id}/close", {"status": "resolved", "note": "ok"}
    )
    assert again.status_code == 422
    assert again.json() == {
        "code": "closed",
        "message": "Tanda ini sudah ditutup.",
        "field": "status",
        "problems": [],
    }
    assert client.get(API + "/flags?status=resolved").json()["count"] == 1
    assert client.get(API + "/flags?region=99").status_code == 404


def test_a_decision_changes_the_recap_desk_value(
    sumur, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    before = recap_table(sumur, "36").get("36", "suara_sah")[0]
    body = {
        "kode_tps": SUMSHEET_BAD,
        "field": "suara_sah",
        "value": 228,
        "reason": "110 + 87 + 31",
        "chosen_source": "kpu_sirekap",
    }
    response = post(client, API + "/decisions", body)
    assert response.status_code == 201 and response.json()["value"] == 228
    assert recap_table(sumur, "36").get("36", "suara_sah")[0] == before + 118
    bad = post(client, API + "/decisions", body | {"field": "suara_9"})
    assert bad.status_code == 422
    assert bad.json() | {"problems": []} == {
        "code": "unknown_field",
        "message": "Kolom 'suara_9' tidak dikenal.",
        "field": "field",
        "problems": [],
    }
    recap = client.get(API + "/recap/36").json()
    (banten,) = recap
    assert (banten["code"], banten["tps_with_sheet"], banten["complete"]) == (
        "36",
        66,
        False,
    )
    suara_sah = {d["field"]: d for d in banten["differences"]}["suara_sah"]
    assert suara_sah["desk"] == before + 118
    assert SUMSHEET_BAD in banten["behind"]["decided"]


def test_progress_and_screens_of_a_region(sumur, province_coordinator, client_for):
    client = client_for(province_coordinator)
    body = client.get(API + "/progress?region=36.01.01").json()
    assert (body["region"]["with_sheet"], body["region"]["tps_total"]) == (66, 69)
    assert body["region"]["by_source"] == {"kpu_sirekap": 66}
    assert sum(a["with_sheet"] for a in body["areas"]) == 66
    assert body["areas"][0]["code"] == "36.01.01.2001"
    assert body["region"]["winner"] == 2
    screens = {s["screen"]: s for s in client.get(API + "/screens?region=36.01").json()}
    assert screens["fingerprint"]["verdict"] == "insufficient sample"
    assert screens["last_digit"]["df"] == 9 and not screens["last_digit"]["is_proof"]
    assert len(screens["fingerprint"]["histogram"]) == 50
    whole = screens["integer_percent"]
    assert whole["quantities"] == ["turnout", "winner_share"]
    assert len(whole["tested"]) == len(whole["observed"]) == len(whole["expected"]) == 2
    assert whole["statistic"] == sum(whole["observed"]) and not whole["is_proof"]
