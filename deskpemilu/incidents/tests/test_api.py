"""The incident API as the personas use it, through HTTP and the real database."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from conftest import make_member
from deskpemilu.accounts.models import Agency, Role, User
from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents import services
from deskpemilu.incidents.models import Incident
from deskpemilu.regions.models import TPS, Region

pytestmark = pytest.mark.django_db

URL = "/api/v1/incidents"
TPS_PANDEGLANG = "3601012001001"  # TPS 001, desa Sumberjaya, Kab. Pandeglang


def an_hour_ago() -> str:
    return (timezone.now() - dt.timedelta(hours=1)).isoformat()


def body(**overrides) -> dict:
    data = {
        "category": "politik_uang",
        "severity": "berat",
        "title": "Bagi amplop dekat TPS",
        "description": "Tim sukses membagi amplop berisi uang di dekat TPS 001",
        "tps": TPS_PANDEGLANG,
        "occurred_at": an_hour_ago(),
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def post(client: Client, url: str, data: dict | None = None):
    return client.post(url, data or {}, content_type="application/json")


def incident_in(code: str, **overrides) -> Incident:
    """An incident filed by the system (a known reporter's message) in region `code`."""
    fields: dict[str, Any] = dict(
        actor=None,
        category="logistik",
        severity="sedang",
        title="Surat suara kurang",
        region=Region.objects.get(code=code),
        occurred_at=timezone.now() - dt.timedelta(hours=2),
    )
    fields.update(overrides)
    return services.incident_create(**fields)


# Access -------------------------------------------------------------------------


def test_the_incident_api_needs_a_login():
    incident = incident_in("36.01")
    client = Client()
    for response in (
        client.get(URL),
        client.get(f"{URL}/{incident.pk}"),
        post(client, URL, body()),
    ):
        assert response.status_code == 401
        assert response.json()["code"] == "unauthenticated"
    assert Incident.objects.count() == 1


def test_a_write_through_the_session_needs_the_csrf_token(province_coordinator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(province_coordinator)
    assert client.get(URL).status_code == 200
    response = post(client, URL, body())
    assert response.status_code == 403 and response.json()["code"] == "csrf_failed"
    assert not Incident.objects.exists()


def test_a_kota_serang_operator_neither_sees_nor_finds_a_pandeglang_incident(
    client_for, kabkota_operator
):
    theirs = incident_in("36.01", title="Kotak suara rusak di Pandeglang")
    ours = incident_in("36.73", title="Kotak suara rusak di Kota Serang")
    client = client_for(kabkota_operator)

    listed = client.get(URL).json()
    assert [item["id"] for item in listed["items"]] == [ours.pk]
    assert client.get(f"{URL}?q=Pandeglang").json()["count"] == 0
    assert client.get(f"{URL}/counts").json()["total"] == 1

    for response in (
        client.get(f"{URL}/{theirs.pk}"),
        client.get(f"{URL}/{theirs.pk}/duplicates"),
        client.patch(
            f"{URL}/{theirs.pk}", {"version": 1, "title": "x"}, "application/json"
        ),
        post(client, f"{URL}/{theirs.pk}/transition", {"target": "terverifikasi"}),
        client.get(f"{URL}/999999"),
    ):
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"
    theirs.refresh_from_db()
    assert theirs.title == "Kotak suara rusak di Pandeglang" and theirs.version == 1


def test_a_kota_serang_operator_cannot_file_an_incident_in_pandeglang(
    client_for, kabkota_operator
):
    response = post(client_for(kabkota_operator), URL, body())
    assert response.status_code == 422
    assert response.json()["code"] == "region_out_of_scope"
    assert not Incident.objects.exists()


def test_a_leader_reads_but_every_write_is_refused(client_for, leader, administrator):
    incident = incident_in("36.01")
    [assignment] = services.incident_assign(
        actor=administrator,
        incident_id=incident.pk,
        agency_ids=[agency_id("pemprov-banten")],
    )
    client = client_for(leader)
    assert client.get(URL).json()["count"] == 1
    assert client.get(f"{URL}/{incident.pk}").status_code == 200
    attempts = [
        post(client, URL, body()),
        client.patch(
            f"{URL}/{incident.pk}", {"version": 2, "title": "x"}, "application/json"
        ),
        post(client, f"{URL}/{incident.pk}/transition", {"target": "terverifikasi"}),
        post(
            client,
            f"{URL}/{incident.pk}/assignments",
            {"agency_codes": ["polres-pandeglang"]},
        ),
        # The leader's own agency was assigned: still read-only.
        post(client, f"{URL}/assignments/{assignment.pk}/acknowledge"),
        post(client, f"{URL}/assignments/{assignment.pk}/followups", {"action": "x"}),
    ]
    assert [r.status_code for r in attempts] == [403] * len(attempts)
    assert {r.json()["code"] for r in attempts} == {"forbidden"}
    incident.refresh_from_db()
    assert (incident.title, incident.status, incident.version) == (
        "Surat suara kurang",
        "baru",
        2,
    )
    assignment.refresh_from_db()
    assert assignment.acknowledged_at is None and not assignment.followups.exists()


@pytest.fixture
def administrator(db) -> User:
    """A desk administrator of the province: sees everything, unmasked."""
    return make_member("admin_desk", "kesbangpol-banten", Role.ADMINISTRATOR, "36")


def agency_id(code: str) -> int:
    return Agency.objects.get(code=code).pk


# Creating -----------------------------------------------------------------------


def test_a_coordinator_files_an_incident_at_a_tps(client_for, province_coordinator):
    response = post(client_for(province_coordinator), URL, body())
    assert response.status_code == 201
    data = response.json()
    assert data["ref"] == f"K{data['id']:06d}" and data["status"] == "baru"
    assert data["region"] == {"code": "36.01.01.2001", "name": "Sumberjaya"}
    assert data["tps_code"] == TPS_PANDEGLANG and data["version"] == 1
    assert data["occurred_at"].endswith("+07:00")
    assert [e["action"] for e in data["history"]] == ["created"]
    assert data["sources"][0]["kind"] == "officer"
    assert Incident.objects.get().channel == "api"


def test_a_time_in_the_future_is_refused(client_for, province_coordinator):
    later = (timezone.now() + dt.timedelta(hours=3)).isoformat()
    response = post(client_for(province_coordinator), URL, body(occurred_at=later))
    assert response.status_code == 422
    assert response.json() == {
        "code": "future_time",
        "message": "Waktu kejadian tidak boleh di masa depan.",
        "field": "occurred_at",
    }


def test_a_point_outside_the_region_is_refused_in_indonesian(
    client_for, province_coordinator
):
    # A point in Kota Serang for a TPS in Pandeglang.
    response = post(client_for(province_coordinator), URL, body(lat=-6.12, lng=106.15))
    assert response.status_code == 422
    error = response.json()
    assert error["code"] == "point_outside_region" and error["field"] == "lat"
    assert "berada di luar wilayah Sumberjaya" in error["message"]
    assert not Incident.objects.exists()


def test_unknown_tps_and_region_codes_are_refused(client_for, province_coordinator):
    client = client_for(province_coordinator)
    unknown_tps = post(client, URL, body(tps="3601012001999"))
    assert unknown_tps.status_code == 422
    assert unknown_tps.json()["code"] == "unknown_tps"
    assert "3601012001999" in unknown_tps.json()["message"]
    for code in ("36.99", "bukan-kode"):
        unknown_region = post(client, URL, body(tps=None, region=code))
        assert unknown_region.status_code == 422
        assert unknown_region.json()["code"] == "unknown_region"
        assert unknown_region.json()["field"] == "region"
    assert not Incident.objects.exists()


def test_malformed_json_and_missing_fields_are_refused(
    client_for, province_coordinator
):
    client = client_for(province_coordinator)
    broken = client.post(URL, "{bukan json", content_type="application/json")
    assert broken.status_code == 400 and broken.json()["code"] == "bad_request"
    missing = post(client, URL, {"category": "logistik", "severity": "sedang"})
    assert missing.status_code == 422
    assert missing.json()["code"] == "invalid" and missing.json()["field"]
    bad_choice = post(client, URL, body(category="perang"))
    assert bad_choice.status_code == 422 and bad_choice.json()["field"] == "category"
    assert not Incident.objects.exists()


def test_a_contact_number_is_masked_except_for_administrators(
    client_for, province_coordinator, administrator
):
    client = client_for(province_coordinator)
    created = post(
        client, URL, body(person_name="Warga", person_contact="081234567890")
    )
    [source] = created.json()["sources"]
    assert source["kind"] == "person" and source["person_contact"] == "0812******90"
    admin = client_for(administrator)
    [source] = admin.get(f"{URL}/{created.json()['id']}").json()["sources"]
    assert source["person_contact"] == "081234567890"


# Editing ------------------------------------------------------------------------


def test_an_edit_with_a_stale_version_is_refused_and_changes_nothing(
    client_for, province_coordinator
):
    client = client_for(province_coordinator)
    incident = incident_in("36.01")
    first = client.patch(
        f"{URL}/{incident.pk}", {"version": 1, "severity": "kritis"}, "application/json"
    )
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = client.patch(
        f"{URL}/{incident.pk}",
        {"version": 1, "title": "Judul lain", "severity": "ringan"},
        "application/json",
    )
    assert stale.status_code == 409
    assert (
        stale.json()["code"] == "conflict" and "Muat ulang" in stale.json()["message"]
    )
    assert set(stale.json()) == {"code", "message", "field"}
    incident.refresh_from_db()
    assert (incident.title, incident.severity, incident.version) == (
        "Surat suara kurang",
        "kritis",
        2,
    )
    assert [e.action for e in incident.events.all()] == ["created", "edited"]


def test_an_edit_can_move_the_incident_to_a_tps(client_for, province_coordinator):
    incident = incident_in("36.01")
    response = client_for(province_coordinator).patch(
        f"{URL}/{incident.pk}",
        {"version": 1, "tps": TPS_PANDEGLANG, "title": "Surat suara kurang di TPS 001"},
        "application/json",
    )
    assert response.status_code == 200
    data = response.json()
    assert data["tps_code"] == TPS_PANDEGLANG
    assert data["region"]["code"] == "36.01.01.2001"
    assert data["history"][-1]["changes"]["region"] == ["36.01", "36.01.01.2001"]


def test_null_is_refused_for_a_field_that_needs_a_value(
    client_for, province_coordinator
):
    incident = incident_in("36.01")
    response = client_for(province_coordinator).patch(
        f"{URL}/{incident.pk}", {"version": 1, "title": None}, "application/json"
    )
    assert response.status_code == 422 and response.json()["field"] == "title"


# The workflow -------------------------------------------------------------------


def test_the_whole_workflow_through_the_api_is_kept_in_the_history(
    client_for, province_coordinator, police_liaison
):
    desk, polres = client_for(province_coordinator), client_for(police_liaison)
    incident = post(desk, URL, body()).json()
    iid = incident["id"]

    verified = post(
        desk, f"{URL}/{iid}/transition", {"target": "terverifikasi", "version": 1}
    )
    assert verified.status_code == 200 and verified.json()["status"] == "terverifikasi"

    assigned = post(
        desk, f"{URL}/{iid}/assignments", {"agency_codes": ["polres-pandeglang"]}
    )
    assert assigned.status_code == 201
    [assignment] = assigned.json()
    assert assignment["agency"]["code"] == "polres-pandeglang"
    assert assignment["acknowledged"] is False
    deadline = dt.datetime.fromisoformat(assignment["deadline"])
    assigned_at = dt.datetime.fromisoformat(assignment["assigned_at"])
    assert round((deadline - assigned_at).total_seconds() / 3600) == 6  # berat

    aid = assignment["id"]
    acknowledged = post(polres, f"{URL}/assignments/{aid}/acknowledge")
    assert acknowledged.status_code == 200
    assert acknowledged.json()["acknowledged"] is True
    assert acknowledged.json()["acknowledged_by"] == "polres_pandeglang"

    version = polres.get(f"{URL}/{iid}").json()["version"]
    handling = post(
        polres, f"{URL}/{iid}/transition", {"target": "ditangani", "version": version}
    )
    assert handling.status_code == 200
    followup = post(
        polres,
        f"{URL}/assignments/{aid}/followups",
        {"action": "Pelaku diamankan, barang bukti amplop disita", "done": True},
    )
    assert followup.status_code == 201 and followup.json()["done"] is True

    # Closing is the coordinator's call, not the liaison's.
    refused = post(polres, f"{URL}/{iid}/transition", {"target": "selesai"})
    assert refused.status_code == 403
    assert "Peran Anda tidak boleh" in refused.json()["message"]
    closed = post(
        desk, f"{URL}/{iid}/transition", {"target": "selesai", "note": "Tuntas"}
    )
    assert closed.status_code == 200

    detail = desk.get(f"{URL}/{iid}").json()
    assert detail["status"] == "selesai"
    assert [e["action"] for e in detail["history"]] == [
        "created",
        "status",
        "assigned",
        "acknowledged",
        "status",
        "followup",
        "all_done",  # the last assigned agency reported done
        "status",
    ]
    assert [e["to_status"] for e in detail["history"] if e["action"] == "status"] == [
        "terverifikasi",
        "ditangani",
        "selesai",
    ]
    [assignment] = detail["assignments"]
    assert assignment["acknowledged"] and assignment["done_at"]
    assert assignment["followups"][0]["actor"] == "polres_pandeglang"


def test_a_transition_the_workflow_does_not_have_is_refused(
    client_for, province_coordinator
):
    incident = incident_in("36.01")
    client = client_for(province_coordinator)
    skipping = post(client, f"{URL}/{incident.pk}/transition", {"target": "selesai"})
    assert skipping.status_code == 422 and skipping.json()["field"] == "status"
    no_reason = post(client, f"{URL}/{incident.pk}/transition", {"target": "ditolak"})
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "reason_required"


def test_an_unknown_agency_is_refused(client_for, province_coordinator):
    incident = incident_in("36.01")
    response = post(
        client_for(province_coordinator),
        f"{URL}/{incident.pk}/assignments",
        {"agency_codes": ["polres-antah-berantah"]},
    )
    assert response.status_code == 422
    assert "polres-antah-berantah" in response.json()["message"]


def test_an_assignment_is_escalated_and_shows_up_when_overdue(
    client_for, province_coordinator
):
    client = client_for(province_coordinator)
    incident = incident_in("36.01")
    past = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    [assignment] = post(
        client,
        f"{URL}/{incident.pk}/assignments",
        {"agency_codes": ["polres-pandeglang"], "deadline": past},
    ).json()
    overdue = client.get(f"{URL}/overdue").json()
    assert overdue["count"] == 1
    assert overdue["items"][0]["incident"]["ref"] == incident.ref

    upper = post(
        client, f"{URL}/assignments/{assignment['id']}/escalate", {"note": "Polda"}
    )
    assert upper.status_code == 201
    assert upper.json()["agency"]["code"] == "polda-banten"
    assert upper.json()["escalated_from_id"] == assignment["id"]


def test_a_duplicate_is_suggested_and_merged(client_for, province_coordinator):
    client = client_for(province_coordinator)
    first = post(client, URL, body()).json()
    second = post(
        client,
        URL,
        body(title="Amplop dibagi dekat TPS 001", person_name="Warga"),
    ).json()
    suggested = client.get(f"{URL}/{first['id']}/duplicates").json()
    assert [s["id"] for s in suggested] == [second["id"]]

    merged = post(client, f"{URL}/{first['id']}/merge", {"duplicate_id": second["id"]})
    assert merged.status_code == 200 and len(merged.json()["sources"]) == 2
    duplicate = client.get(f"{URL}/{second['id']}").json()
    assert duplicate["status"] == "ditolak"
    assert duplicate["reject_reason"] == "duplikat"
    assert duplicate["duplicate_of_id"] == first["id"]


# The list -----------------------------------------------------------------------


@pytest.fixture
def several_incidents(administrator) -> list[Incident]:
    day = timezone.now() - dt.timedelta(days=3)
    tps = TPS.objects.get(code=TPS_PANDEGLANG)
    made = [
        incident_in("36.01", tps=tps, region=None, category="politik_uang"),
        incident_in("36.01", severity="kritis", occurred_at=day),
        incident_in("36.73", category="kekerasan", title="Bentrok massa"),
        incident_in("36.73", severity="ringan", occurred_at=day),
        incident_in("36.04"),
    ]
    services.incident_assign(
        actor=administrator,
        incident_id=made[0].pk,
        agency_ids=[agency_id("polres-pandeglang")],
    )
    return made


def test_the_list_comes_page_by_page_newest_first(
    client_for, province_coordinator, several_incidents
):
    client = client_for(province_coordinator)
    page = client.get(f"{URL}?limit=2&offset=0").json()
    assert page["count"] == 5 and len(page["items"]) == 2
    rest = client.get(f"{URL}?limit=2&offset=4").json()
    assert len(rest["items"]) == 1
    times = [item["occurred_at"] for item in client.get(URL).json()["items"]]
    assert times == sorted(times, reverse=True)
    item = page["items"][0]
    assert set(item) >= {
        "id", "ref", "title", "category", "severity", "status", "region",
        "tps_code", "occurred_at", "stage", "version",
    }  # fmt: skip


@pytest.mark.parametrize(
    "query, expected",
    [
        ("region=36.73", [2, 3]),
        ("region=3601", [0, 1]),
        ("region=36.01.01", [0]),
        ("category=kekerasan", [2]),
        ("severity=kritis", [1]),
        ("status=baru", [0, 1, 2, 3, 4]),
        ("agency=polres-pandeglang", [0]),
        ("q=bentrok", [2]),
        ("region=36.73&severity=ringan", [3]),
    ],
)
def test_the_list_filters(
    client_for, province_coordinator, several_incidents, query, expected
):
    items = client_for(province_coordinator).get(f"{URL}?{query}").json()["items"]
    assert sorted(i["id"] for i in items) == [several_incidents[n].pk for n in expected]


def test_the_list_filters_by_date_stage_and_agency_id(
    client_for, province_coordinator, several_incidents
):
    client = client_for(province_coordinator)
    three_days_ago = timezone.localdate() - dt.timedelta(days=3)
    old = client.get(f"{URL}?date_from={three_days_ago}&date_to={three_days_ago}")
    assert sorted(i["id"] for i in old.json()["items"]) == [
        several_incidents[1].pk,
        several_incidents[3].pk,
    ]
    agency = client.get(f"{URL}?agency={agency_id('polres-pandeglang')}").json()
    assert [i["id"] for i in agency["items"]] == [several_incidents[0].pk]
    voting_day = incident_in(
        "36.01", occurred_at=dt.datetime(2024, 2, 14, 10, tzinfo=WIB)
    )
    by_stage = client.get(f"{URL}?stage={voting_day.stage_id}").json()
    assert [i["id"] for i in by_stage["items"]] == [voting_day.pk]
    assert by_stage["items"][0]["stage"] == "Pemungutan suara"
    assert by_stage["items"][0]["occurred_at"] == "2024-02-14T10:00:00+07:00"
    assert client.get(f"{URL}?date_from=kemarin").status_code == 422
    assert client.get(f"{URL}?agency=tidak-ada").status_code == 422


def test_the_counts_follow_the_same_filters(
    client_for, province_coordinator, several_incidents
):
    client = client_for(province_coordinator)
    counts = client.get(f"{URL}/counts").json()
    assert counts["total"] == 5 and counts["status"] == {"baru": 5}
    assert counts["severity"] == {"sedang": 3, "kritis": 1, "ringan": 1}
    serang = client.get(f"{URL}/counts?region=36.73").json()
    assert serang["total"] == 2
    assert serang["category"] == {"logistik": 1, "kekerasan": 1}


def test_the_list_costs_a_fixed_number_of_queries(
    client_for, province_coordinator, several_incidents, django_assert_max_num_queries
):
    client = client_for(province_coordinator)
    for n in range(10):
        incident_in("36.73", tps=TPS.objects.filter(code__startswith="3673")[n])
    # Session, user, memberships, count, page: however many incidents there are.
    with django_assert_max_num_queries(5):
        page = client.get(URL).json()
    assert page["count"] == 15 and all(i["tps_code"] for i in page["items"][:10])


def test_the_openapi_schema_documents_the_incident_paths(client_for, leader):
    schema = Client().get("/api/v1/openapi.json").json()
    paths = schema["paths"]
    for path in (
        "/api/v1/incidents",
        "/api/v1/incidents/counts",
        "/api/v1/incidents/overdue",
        "/api/v1/incidents/{incident_id}",
        "/api/v1/incidents/{incident_id}/transition",
        "/api/v1/incidents/{incident_id}/assignments",
        "/api/v1/incidents/{incident_id}/merge",
        "/api/v1/incidents/{incident_id}/duplicates",
        "/api/v1/incidents/assignments/{assignment_id}/acknowledge",
        "/api/v1/incidents/assignments/{assignment_id}/followups",
        "/api/v1/incidents/assignments/{assignment_id}/escalate",
    ):
        assert path in paths
    assert set(paths["/api/v1/incidents/{incident_id}"]) == {"get", "patch"}
    assert "409" in paths["/api/v1/incidents/{incident_id}"]["patch"]["responses"]
    assert "ErrorOut" in schema["components"]["schemas"]
