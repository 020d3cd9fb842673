"""The incident pages, per persona: login, scope, read-only refusals, the forms, the
whole path from report to closing, filters and counts, and a fixed query cost.

The interface text is translated later, so these tests assert on data (codes, names,
refs, status values in data attributes) and on Indonesian text that comes from Django's
own catalogue or from the services' messages.
"""

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone

from deskpemilu.accounts.models import Agency
from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents import services
from deskpemilu.incidents.models import Assignment, Incident, IncidentEvent
from deskpemilu.regions.models import TPS, Region

pytestmark = pytest.mark.django_db

TPS_PANDEGLANG = "3601012001001"  # Sumberjaya, Sumur, Kab. Pandeglang
KOTA_SERANG_POINT = (-6.12, 106.15)


def pandeglang_incident(actor=None, **overrides) -> Incident:
    fields = dict(
        actor=actor,
        category="politik_uang",
        severity="berat",
        title="Bagi amplop dekat TPS",
        description="Tim sukses membagi amplop berisi uang di dekat TPS 001",
        tps=TPS.objects.get(code=TPS_PANDEGLANG),
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )
    return services.incident_create(**(fields | overrides))


def kota_serang_incident(**overrides) -> Incident:
    fields = dict(
        actor=None,
        category="kekerasan",
        severity="kritis",
        title="Bentrok pendukung di alun-alun",
        region=Region.objects.get(code="36.73"),
        occurred_at=timezone.now() - dt.timedelta(hours=2),
    )
    return services.incident_create(**(fields | overrides))


def wib_input(moment: dt.datetime) -> str:
    return moment.astimezone(WIB).strftime("%Y-%m-%dT%H:%M")


def form_data(**overrides) -> dict:
    data = {
        "category": "politik_uang",
        "severity": "sedang",
        "title": "Serangan fajar",
        "description": "Warga menerima amplop pagi hari",
        "region": "",
        "tps": TPS_PANDEGLANG,
        "occurred_at": "2024-02-14T06:30",
        "lat": "",
        "lng": "",
        "person_name": "Pak RT",
        "person_contact": "081234567890",
    }
    return data | overrides


def refs_on(response) -> list[str]:
    return [i.ref for i in response.context["page_obj"]]


def actions_on(html: str) -> list[str]:
    return re.findall(r'class="event [^"]*" data-action="([a-z_]+)"', html)


def polres() -> Agency:
    return Agency.objects.get(code="polres-pandeglang")


# Login ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/kejadian/",
        "/kejadian/baru/",
        "/kejadian/terlambat/",
        "/kejadian/{id}/",
        "/kejadian/{id}/ubah/",
    ],
)
def test_every_page_needs_a_login(url):
    incident = pandeglang_incident()
    response = Client().get(url.format(id=incident.pk))
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")


@pytest.mark.parametrize(
    "path",
    [
        "status/",
        "tugaskan/",
        "gabung/",
        "penugasan/1/terima/",
        "penugasan/1/tindak-lanjut/",
        "penugasan/1/eskalasi/",
    ],
)
def test_every_action_needs_a_login(path):
    incident = pandeglang_incident()
    response = Client().post(f"/kejadian/{incident.pk}/{path}", {"target": "selesai"})
    assert response.status_code == 302 and response["Location"].startswith("/masuk/")
    assert Incident.objects.get(pk=incident.pk).version == 1


def test_action_urls_answer_only_post(client_for, province_coordinator):
    incident = pandeglang_incident()
    response = client_for(province_coordinator).get(f"/kejadian/{incident.pk}/status/")
    assert response.status_code == 405


# Scope ----------------------------------------------------------------------------


def test_a_kabkota_operator_sees_only_incidents_of_their_kabkota(
    client_for, kabkota_operator
):
    mine, other = kota_serang_incident(), pandeglang_incident()
    client = client_for(kabkota_operator)
    response = client.get("/kejadian/")
    assert refs_on(response) == [mine.ref]
    assert other.ref not in response.content.decode()
    assert response.context["counts"]["category"] == {"kekerasan": 1}
    assert client.get(f"/kejadian/{mine.pk}/").status_code == 200


def test_a_kabkota_operator_cannot_open_or_change_another_kabkotas_incident(
    client_for, kabkota_operator
):
    other = pandeglang_incident()
    client = client_for(kabkota_operator)
    assert client.get(f"/kejadian/{other.pk}/").status_code == 404
    assert client.get(f"/kejadian/{other.pk}/ubah/").status_code == 404
    for path, data in [
        ("status/", {"target": "terverifikasi", "version": 1}),
        ("ubah/", form_data(version=1)),
        ("gabung/", {"duplicate": kota_serang_incident().pk}),
    ]:
        assert client.post(f"/kejadian/{other.pk}/{path}", data).status_code == 404
    other.refresh_from_db()
    assert (other.status, other.version) == ("baru", 1)


def test_a_kabkota_operator_cannot_file_an_incident_elsewhere(
    client_for, kabkota_operator
):
    response = client_for(kabkota_operator).post("/kejadian/baru/", form_data())
    assert response.status_code == 422
    assert "Wilayah di luar cakupan Anda." in response.context["form"].errors["region"]
    assert not Incident.objects.exists()


def test_an_unknown_incident_is_not_found(client_for, province_coordinator):
    assert client_for(province_coordinator).get("/kejadian/999999/").status_code == 404


# The read-only leader -----------------------------------------------------------


def test_a_leader_reads_the_lists_and_the_incident(client_for, leader):
    incident = pandeglang_incident()
    client = client_for(leader)
    assert refs_on(client.get("/kejadian/")) == [incident.ref]
    response = client.get(f"/kejadian/{incident.pk}/")
    html = response.content.decode()
    assert response.status_code == 200 and incident.title in html
    assert response.context["targets"] == [] and not response.context["can_edit"]
    assert f"/kejadian/{incident.pk}/status/" not in html
    assert client.get("/kejadian/terlambat/").status_code == 200


def test_every_write_of_a_leader_is_refused(client_for, leader, province_coordinator):
    incident = pandeglang_incident()
    pemprov = Agency.objects.get(code="pemprov-banten")  # the leader's own agency
    [assignment] = services.incident_assign(
        actor=province_coordinator, incident_id=incident.pk, agency_ids=[pemprov.pk]
    )
    client = client_for(leader)
    base = f"/kejadian/{incident.pk}/"
    assert client.get("/kejadian/baru/").status_code == 403
    assert client.get(f"{base}ubah/").status_code == 403
    for url, data in [
        ("/kejadian/baru/", form_data()),
        (f"{base}ubah/", form_data(version=2)),
        (f"{base}status/", {"target": "terverifikasi", "version": 2}),
        (f"{base}tugaskan/", {"agencies": [polres().pk], "version": 2}),
        (f"{base}gabung/", {"duplicate": pandeglang_incident().pk}),
        (f"{base}penugasan/{assignment.pk}/terima/", {}),
        (f"{base}penugasan/{assignment.pk}/tindak-lanjut/", {"action": "Dicek"}),
        (f"{base}penugasan/{assignment.pk}/eskalasi/", {"note": "x"}),
    ]:
        assert client.post(url, data).status_code == 403, url
    assignment.refresh_from_db()
    assert assignment.acknowledged_at is None and not assignment.followups.exists()
    assert Incident.objects.get(pk=incident.pk).version == 2
    assert Incident.objects.count() == 2


# Create and edit ----------------------------------------------------------------


def test_an_incident_is_filed_through_the_form(client_for, province_coordinator):
    client = client_for(province_coordinator)
    assert client.get("/kejadian/baru/").status_code == 200
    response = client.post("/kejadian/baru/", form_data())
    incident = Incident.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/kejadian/{incident.pk}/"
    assert (
        incident.region.code == "36.01.01.2001" and incident.tps.code == TPS_PANDEGLANG
    )
    # The form's time is WIB: 06.30 WIB is 23.30 UTC the day before.
    assert incident.occurred_at == dt.datetime(2024, 2, 13, 23, 30, tzinfo=dt.UTC)
    assert incident.stage.name == "Pemungutan suara"
    assert incident.created_by == province_coordinator and incident.channel == "web"
    source = incident.sources.get()
    # The form's submission itself is the source: stored raw first, channel "web".
    assert (source.kind, source.person_name) == ("message", "Pak RT")
    assert source.message.channel == "web" and "Serangan fajar" in source.message.raw
    html = client.get(response["Location"]).content.decode()
    assert "14 Feb 2024 06.30" in html and "Serangan fajar" in html


def test_a_region_code_in_kpu_form_is_accepted(client_for, kabkota_operator):
    response = client_for(kabkota_operator).post(
        "/kejadian/baru/", form_data(tps="", region="367304")
    )
    assert response.status_code == 302
    assert Incident.objects.get().region.code == "36.73.04"


def test_the_form_says_which_required_fields_are_missing(
    client_for, province_coordinator
):
    response = client_for(province_coordinator).post(
        "/kejadian/baru/", form_data(title="", category="")
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert html.count("Bidang ini tidak boleh kosong.") == 2  # Django's catalogue
    assert not Incident.objects.exists()


def test_an_unknown_tps_code_is_named_in_the_error(client_for, province_coordinator):
    response = client_for(province_coordinator).post(
        "/kejadian/baru/", form_data(tps="3601012001999")
    )
    assert response.status_code == 422
    [error] = response.context["form"].errors["tps"]
    assert "3601012001999" in error and error in response.content.decode()
    assert not Incident.objects.exists()


def test_an_unknown_region_code_is_named_in_the_error(client_for, province_coordinator):
    response = client_for(province_coordinator).post(
        "/kejadian/baru/", form_data(tps="", region="36.99")
    )
    assert response.status_code == 422
    assert "36.99" in response.context["form"].errors["region"][0]


def test_a_time_in_the_future_is_refused_on_the_page(client_for, province_coordinator):
    tomorrow = wib_input(timezone.now() + dt.timedelta(days=1))
    response = client_for(province_coordinator).post(
        "/kejadian/baru/", form_data(occurred_at=tomorrow)
    )
    assert response.status_code == 422
    assert "Waktu kejadian tidak boleh di masa depan." in response.content.decode()
    assert not Incident.objects.exists()


def test_a_point_outside_the_region_is_refused_on_the_page(
    client_for, province_coordinator
):
    lat, lng = KOTA_SERANG_POINT
    response = client_for(province_coordinator).post(
        "/kejadian/baru/", form_data(lat=lat, lng=lng)
    )
    assert response.status_code == 422
    [error] = response.context["form"].errors["lat"]
    assert "di luar wilayah" in error and error in response.content.decode()
    assert not Incident.objects.exists()


def test_a_tps_outside_the_given_region_is_refused(client_for, province_coordinator):
    response = client_for(province_coordinator).post(
        "/kejadian/baru/", form_data(region="36.73")
    )
    assert response.status_code == 422
    assert TPS_PANDEGLANG in response.context["form"].errors["tps"][0]


def edit_data(incident: Incident, **overrides) -> dict:
    data = form_data(
        category=incident.category,
        severity=incident.severity,
        title=incident.title,
        description=incident.description,
        tps=incident.tps.code if incident.tps else "",
        region="" if incident.tps else incident.region.code,
        occurred_at=wib_input(incident.occurred_at),
        version=incident.version,
    )
    del data["person_name"], data["person_contact"]
    return data | overrides


def test_an_incident_is_edited_and_the_change_is_in_its_history(
    client_for, province_coordinator
):
    incident = pandeglang_incident()
    client = client_for(province_coordinator)
    page = client.get(f"/kejadian/{incident.pk}/ubah/")
    assert page.status_code == 200 and TPS_PANDEGLANG in page.content.decode()
    response = client.post(
        f"/kejadian/{incident.pk}/ubah/", edit_data(incident, severity="kritis")
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (incident.severity, incident.version) == ("kritis", 2)
    edited = incident.events.get(action="edited")
    assert edited.changes == {"severity": ["berat", "kritis"]}


def test_saving_the_form_unchanged_changes_nothing(client_for, province_coordinator):
    # The incident's time has seconds; the minute input must not count as a change.
    incident = pandeglang_incident()
    response = client_for(province_coordinator).post(
        f"/kejadian/{incident.pk}/ubah/", edit_data(incident)
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.version == 1 and not incident.events.filter(action="edited")


def test_an_edit_from_a_stale_page_answers_409_and_changes_nothing(
    client_for, province_coordinator, kabkota_operator
):
    incident = pandeglang_incident()
    stale = edit_data(incident, title="Judul dari halaman lama")
    services.incident_update(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=1,
        changes={"severity": "kritis"},
    )
    response = client_for(province_coordinator).post(
        f"/kejadian/{incident.pk}/ubah/", stale
    )
    assert response.status_code == 409
    assert "baru saja diubah orang lain" in response.content.decode()
    incident.refresh_from_db()
    assert (incident.title, incident.severity, incident.version) == (
        "Bagi amplop dekat TPS",
        "kritis",
        2,
    )


def test_a_status_change_from_a_stale_page_answers_409(
    client_for, province_coordinator
):
    incident = pandeglang_incident()
    client = client_for(province_coordinator)
    url = f"/kejadian/{incident.pk}/status/"
    assert (
        client.post(url, {"target": "terverifikasi", "version": 1}).status_code == 302
    )
    response = client.post(url, {"target": "ditolak", "reason": "hoaks", "version": 1})
    assert response.status_code == 409
    assert Incident.objects.get(pk=incident.pk).status == "terverifikasi"


# The whole path -------------------------------------------------------------------


def test_from_report_to_closing_through_the_pages(
    client_for, province_coordinator, police_liaison
):
    incident = pandeglang_incident()
    desk, liaison = client_for(province_coordinator), client_for(police_liaison)
    base = f"/kejadian/{incident.pk}/"

    assert (
        desk.post(base + "status/", {"target": "terverifikasi", "version": 1})[
            "Location"
        ]
        == base
    )
    page = desk.get(base)
    offered = {a.code for a in page.context["assign_form"].fields["agencies"].queryset}
    assert {"polres-pandeglang", "polda-banten", "kesbangpol-banten"} <= offered
    assert not offered & {"polres-serang", "polda-metro-jaya", "kodim-0602"}
    response = desk.post(base + "tugaskan/", {"agencies": [polres().pk], "version": 2})
    assert response.status_code == 302
    assignment = Assignment.objects.get(incident=incident)

    page = liaison.get(base).content.decode()
    assert f"{base}penugasan/{assignment.pk}/terima/" in page
    assert liaison.post(f"{base}penugasan/{assignment.pk}/terima/").status_code == 302
    incident.refresh_from_db()
    assert (
        liaison.post(
            base + "status/", {"target": "ditangani", "version": incident.version}
        ).status_code
        == 302
    )
    response = liaison.post(
        f"{base}penugasan/{assignment.pk}/tindak-lanjut/",
        {"action": "Pelaku diamankan, amplop disita", "done": "on"},
    )
    assert response.status_code == 302
    incident.refresh_from_db()
    assert (
        liaison.post(
            base + "status/", {"target": "selesai", "version": incident.version}
        ).status_code
        == 403
    )
    response = desk.post(
        base + "status/",
        {"target": "selesai", "version": incident.version, "note": "Tuntas"},
    )
    assert response.status_code == 302

    html = desk.get(base).content.decode()
    assert actions_on(html) == [
        "created",
        "status",
        "assigned",
        "acknowledged",
        "status",
        "followup",
        "all_done",  # the last assigned agency reported done
        "status",
    ]
    assert "Pelaku diamankan, amplop disita" in html and "Tuntas" in html
    assert 'data-agency="polres-pandeglang"' in html and "Polres Pandeglang" in html
    assert "polres_pandeglang" in html and "koordinator" in html  # who did what
    assert 'data-status="selesai"' in html
    assignment.refresh_from_db()
    assert assignment.acknowledged_by == police_liaison and assignment.done_at


def test_a_liaison_cannot_act_for_another_agency(
    client_for, province_coordinator, police_liaison
):
    incident = pandeglang_incident()
    kodim = Agency.objects.get(code="kodim-0601")
    [assignment] = services.incident_assign(
        actor=province_coordinator, incident_id=incident.pk, agency_ids=[kodim.pk]
    )
    client = client_for(police_liaison)
    html = client.get(f"/kejadian/{incident.pk}/").content.decode()
    assert "/terima/" not in html
    url = f"/kejadian/{incident.pk}/penugasan/{assignment.pk}/terima/"
    assert client.post(url).status_code == 403


def test_a_refused_move_is_explained_on_the_page(client_for, province_coordinator):
    incident = pandeglang_incident()
    response = client_for(province_coordinator).post(
        f"/kejadian/{incident.pk}/status/", {"target": "ditolak", "version": 1}
    )
    assert response.status_code == 422
    assert "Penolakan perlu alasan" in response.content.decode()
    assert Incident.objects.get(pk=incident.pk).status == "baru"


def test_rejecting_with_a_reason_and_reopening(client_for, province_coordinator):
    incident = pandeglang_incident()
    client = client_for(province_coordinator)
    url = f"/kejadian/{incident.pk}/status/"
    client.post(url, {"target": "ditolak", "reason": "hoaks", "version": 1})
    incident.refresh_from_db()
    assert (incident.status, incident.reject_reason) == ("ditolak", "hoaks")
    client.post(url, {"target": "baru", "note": "Ada saksi baru", "version": 2})
    incident.refresh_from_db()
    assert incident.status == "baru"
    assert incident.events.last().note == "Ada saksi baru"


def test_assigning_a_closed_incident_is_refused_on_the_page(
    client_for, province_coordinator
):
    incident = pandeglang_incident()
    services.incident_transition(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=1,
        target="ditolak",
        reason="hoaks",
    )
    response = client_for(province_coordinator).post(
        f"/kejadian/{incident.pk}/tugaskan/", {"agencies": [polres().pk]}
    )
    assert response.status_code == 422
    assert not Assignment.objects.exists()


def test_escalation_through_the_page_adds_the_parent_agency(
    client_for, province_coordinator
):
    incident = pandeglang_incident()
    [assignment] = services.incident_assign(
        actor=province_coordinator, incident_id=incident.pk, agency_ids=[polres().pk]
    )
    client = client_for(province_coordinator)
    url = f"/kejadian/{incident.pk}/penugasan/{assignment.pk}/eskalasi/"
    assert client.post(url, {"note": "Butuh Polda"}).status_code == 302
    html = client.get(f"/kejadian/{incident.pk}/").content.decode()
    assert 'data-agency="polda-banten"' in html and "escalated" in actions_on(html)


def test_a_duplicate_is_offered_and_merged(client_for, province_coordinator):
    first = pandeglang_incident()
    second = pandeglang_incident(person_name="Warga", person_contact="0812")
    client = client_for(province_coordinator)
    page = client.get(f"/kejadian/{first.pk}/")
    assert second in page.context["duplicates"]
    response = client.post(f"/kejadian/{first.pk}/gabung/", {"duplicate": second.pk})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.status, second.duplicate_of) == ("ditolak", first)
    html = client.get(f"/kejadian/{first.pk}/").content.decode()
    assert actions_on(html)[-1] == "merged" and second.ref in html
    assert first.sources.count() == 2


def test_an_inbound_message_source_is_shown(client_for, province_coordinator):
    from deskpemilu.intake.models import InboundMessage

    message = InboundMessage.objects.create(
        channel="sms_gateway", sender="+6281299990000", body="LAPOR amplop TPS 001"
    )
    incident = pandeglang_incident(message=message)
    html = client_for(province_coordinator).get(f"/kejadian/{incident.pk}/").content
    assert message.ref in html.decode() and b"LAPOR amplop TPS 001" in html
    assert b"+6281299990000" not in html  # phone numbers are for administrators


# Overdue --------------------------------------------------------------------------


def test_overdue_assignments_are_listed_and_marked(
    client_for, province_coordinator, kabkota_operator
):
    incident = pandeglang_incident()
    services.incident_assign(
        actor=province_coordinator,
        incident_id=incident.pk,
        agency_ids=[polres().pk],
        deadline=timezone.now() - dt.timedelta(hours=1),
    )
    client = client_for(province_coordinator)
    response = client.get("/kejadian/terlambat/")
    assert [a.incident_id for a in response.context["page_obj"]] == [incident.pk]
    assert 'data-agency="polres-pandeglang"' in response.content.decode()
    detail = client.get(f"/kejadian/{incident.pk}/").content.decode()
    assert 'class="assignment overdue"' in detail
    other = client_for(kabkota_operator).get("/kejadian/terlambat/")
    assert list(other.context["page_obj"]) == []


def test_a_chosen_now_moves_the_overdue_list_the_incident_and_the_dashboard(
    client_for, province_coordinator
):
    """The header's "as of" (core/deskmode.py) is the now of the overdue list, the
    incident page's deadlines and the dashboard's period; reset goes back."""
    incident = pandeglang_incident()
    services.incident_assign(
        actor=province_coordinator,
        incident_id=incident.pk,
        agency_ids=[polres().pk],
        deadline=dt.datetime(2024, 2, 14, 12, tzinfo=WIB),
    )
    client = client_for(province_coordinator)
    assert len(client.get("/kejadian/terlambat/").context["page_obj"]) == 1
    chosen = client.post(
        "/waktu/", {"as_of": "2024-02-14T10:00", "next": "/kejadian/terlambat/"}
    )
    assert chosen.status_code == 302 and chosen["Location"] == "/kejadian/terlambat/"
    page = client.get("/kejadian/terlambat/")
    assert list(page.context["page_obj"]) == []
    assert page.context["now"] == dt.datetime(2024, 2, 14, 10, tzinfo=WIB)
    assert "14 Feb 2024 10.00 WIB" in page.content.decode()  # the header says so
    detail = client.get(f"/kejadian/{incident.pk}/").content.decode()
    assert 'class="assignment overdue"' not in detail
    home = client.get("/")
    assert home.context["period"].date_to == dt.date(2024, 2, 14)
    client.post("/waktu/", {"reset": "1", "next": "/"})
    assert len(client.get("/kejadian/terlambat/").context["page_obj"]) == 1
    assert client.get("/").context["period"].date_to != dt.date(2024, 2, 14)


# Filters, counts, cost ------------------------------------------------------------


@pytest.fixture
def three_incidents(province_coordinator):
    a = pandeglang_incident(occurred_at=dt.datetime(2024, 2, 14, 9, tzinfo=WIB))
    b = kota_serang_incident(occurred_at=dt.datetime(2024, 2, 15, 9, tzinfo=WIB))
    c = pandeglang_incident(
        category="logistik",
        severity="ringan",
        title="Surat suara kurang",
        description="Kekurangan 20 lembar",
        occurred_at=dt.datetime(2024, 2, 13, 23, 30, tzinfo=WIB),
    )
    services.incident_transition(
        actor=province_coordinator, incident_id=a.pk, version=1, target="terverifikasi"
    )
    services.incident_assign(
        actor=province_coordinator, incident_id=a.pk, agency_ids=[polres().pk]
    )
    return a, b, c


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", "abc"),
        ("category=politik_uang", "a"),
        ("severity=kritis", "b"),
        ("status=baru", "bc"),
        ("region=36.01", "ac"),
        ("region=3673", "b"),
        ("date_from=2024-02-14&date_to=2024-02-14", "a"),
        ("date_to=2024-02-13", "c"),
        ("q=surat+suara", "c"),
        ("agency={polres}", "a"),
        ("stage={voting}", "a"),  # 15 Feb is counting, 13 Feb the quiet days
        ("region=36.01&severity=ringan", "c"),
        ("severity=bogus", "abc"),
    ],
)
def test_the_list_filters(
    client_for, province_coordinator, three_incidents, query, expected
):
    a, b, c = three_incidents
    named = {"a": a.ref, "b": b.ref, "c": c.ref}
    query = query.format(polres=polres().pk, voting=a.stage_id)
    response = client_for(province_coordinator).get(f"/kejadian/?{query}")
    assert response.status_code == 200
    assert sorted(refs_on(response)) == sorted(named[x] for x in expected)


def test_the_list_counts_by_status_severity_and_category(
    client_for, province_coordinator, three_incidents
):
    client = client_for(province_coordinator)
    counts = client.get("/kejadian/").context["counts"]
    assert counts["status"] == {"terverifikasi": 1, "baru": 2}
    assert counts["severity"] == {"berat": 1, "kritis": 1, "ringan": 1}
    assert counts["category"] == {"politik_uang": 1, "kekerasan": 1, "logistik": 1}
    response = client.get("/kejadian/?region=36.01")
    assert response.context["counts"]["category"] == {"politik_uang": 1, "logistik": 1}
    assert 'data-count="category-logistik">1<' in response.content.decode()


def test_the_list_is_paginated_by_fifty(client_for, province_coordinator):
    many_incidents(60)
    client = client_for(province_coordinator)
    first = client.get("/kejadian/")
    assert len(refs_on(first)) == 50 and first.context["page_obj"].paginator.count == 60
    second = client.get("/kejadian/?severity=sedang&page=2")
    assert len(refs_on(second)) == 10
    assert "severity=sedang&amp;page=1" in second.content.decode()


def many_incidents(n: int) -> None:
    tps = TPS.objects.select_related("desa").get(code=TPS_PANDEGLANG)
    start = timezone.now() - dt.timedelta(days=1)
    Incident.objects.bulk_create(
        Incident(
            title=f"Kejadian {i}",
            category="lainnya",
            severity="sedang",
            region=tps.desa,
            area_code=tps.desa.code_nodot,
            tps=tps,
            occurred_at=start + dt.timedelta(minutes=i),
        )
        for i in range(n)
    )


def test_the_list_costs_the_same_queries_for_few_or_many_rows(
    client_for, province_coordinator, django_assert_max_num_queries
):
    client = client_for(province_coordinator)
    many_incidents(2)
    # 12: the header's bell counts the unread notifications (one query a page).
    with django_assert_max_num_queries(12):
        assert len(refs_on(client.get("/kejadian/?page=1"))) == 2
    many_incidents(70)
    with django_assert_max_num_queries(12):
        assert len(refs_on(client.get("/kejadian/?page=1"))) == 50
    assert IncidentEvent.objects.count() == 0


def test_a_refused_desk_form_is_still_kept_raw(client_for, province_coordinator):
    from deskpemilu.intake.models import InboundMessage

    data = form_data()
    data["tps"] = "3601019999001"
    response = client_for(province_coordinator).post("/kejadian/baru/", data)
    assert response.status_code == 422 and not Incident.objects.exists()
    message = InboundMessage.objects.get(channel="web")
    assert message.status == "failed" and "3601019999001" in message.raw
