"""The incident workflow through the services, with the real database and personas."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from deskpemilu.accounts.models import Agency
from deskpemilu.incidents import services
from deskpemilu.incidents.models import IncidentEvent
from deskpemilu.incidents.services import Conflict, IncidentError
from deskpemilu.regions.models import TPS, Region

pytestmark = pytest.mark.django_db


def new_incident(actor, **overrides):
    fields = dict(
        actor=actor,
        category="politik_uang",
        severity="berat",
        title="Bagi amplop dekat TPS",
        description="Tim sukses membagi amplop berisi uang di dekat TPS 001",
        tps=TPS.objects.get(code="3601012001001"),
        occurred_at=timezone.now() - dt.timedelta(hours=1),
    )
    fields.update(overrides)
    return services.incident_create(**fields)


def test_an_incident_takes_its_region_from_the_tps_and_its_stage_from_the_calendar(
    province_coordinator,
):
    incident = new_incident(
        province_coordinator, occurred_at=dt.datetime(2024, 2, 14, 10, tzinfo=dt.UTC)
    )
    assert (
        incident.region.code == "36.01.01.2001" and incident.area_code == "3601012001"
    )
    assert incident.stage.name == "Pemungutan suara"
    assert incident.status == "baru" and incident.sources.count() == 1
    assert list(incident.events.values_list("action", flat=True)) == ["created"]


def test_a_time_in_the_future_is_refused():
    with pytest.raises(IncidentError) as error:
        new_incident(None, occurred_at=timezone.now() + dt.timedelta(hours=2))
    assert error.value.code == "future_time"


def test_a_point_outside_the_region_is_refused(province_coordinator):
    with pytest.raises(IncidentError) as error:
        new_incident(province_coordinator, lat=-6.12, lng=106.15)  # Kota Serang
    assert error.value.code == "point_outside_region"


def test_a_point_inside_the_region_is_kept(province_coordinator):
    sumberjaya = Region.objects.get(code="36.01.01.2001")
    incident = new_incident(
        province_coordinator, lat=sumberjaya.centroid_lat, lng=sumberjaya.centroid_lng
    )
    assert incident.lat == pytest.approx(sumberjaya.centroid_lat)


def test_a_tps_outside_the_given_region_is_refused(province_coordinator):
    with pytest.raises(IncidentError) as error:
        new_incident(province_coordinator, region=Region.objects.get(code="36.73"))
    assert error.value.code == "tps_outside_region"


def test_an_operator_cannot_file_an_incident_in_another_kabkota(kabkota_operator):
    with pytest.raises(IncidentError) as error:
        new_incident(kabkota_operator)
    assert error.value.code == "region_out_of_scope"


def test_a_leader_cannot_file_an_incident(leader):
    with pytest.raises(PermissionDenied):
        new_incident(leader)


def test_the_full_workflow_is_kept_in_the_history(province_coordinator, police_liaison):
    incident = new_incident(None)
    incident = services.incident_transition(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=incident.version,
        target="terverifikasi",
    )
    polres = Agency.objects.get(code="polres-pandeglang")
    [assignment] = services.incident_assign(
        actor=province_coordinator, incident_id=incident.pk, agency_ids=[polres.pk]
    )
    hours = (assignment.deadline - assignment.assigned_at).total_seconds() / 3600
    assert round(hours) == 6  # berat
    services.assignment_acknowledge(actor=police_liaison, assignment_id=assignment.pk)
    incident.refresh_from_db()
    services.incident_transition(
        actor=police_liaison,
        incident_id=incident.pk,
        version=incident.version,
        target="ditangani",
    )
    services.followup_record(
        actor=police_liaison,
        assignment_id=assignment.pk,
        action="Pelaku diamankan, barang bukti amplop disita",
        done=True,
    )
    incident.refresh_from_db()
    with pytest.raises(PermissionDenied):
        services.incident_transition(
            actor=police_liaison,
            incident_id=incident.pk,
            version=incident.version,
            target="selesai",
        )
    services.incident_transition(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=incident.version,
        target="selesai",
        note="Ditangani Polres",
    )
    actions = list(
        IncidentEvent.objects.filter(incident=incident).values_list("action", flat=True)
    )
    assert actions == [
        "created",
        "status",
        "assigned",
        "acknowledged",
        "status",
        "followup",
        "all_done",  # the last assigned agency reported done
        "status",
    ]


def test_a_liaison_of_another_agency_cannot_act(province_coordinator, police_liaison):
    incident = new_incident(province_coordinator)
    services.incident_transition(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=1,
        target="terverifikasi",
    )
    kodim = Agency.objects.get(code="kodim-0601")
    [assignment] = services.incident_assign(
        actor=province_coordinator, incident_id=incident.pk, agency_ids=[kodim.pk]
    )
    with pytest.raises(PermissionDenied):
        services.assignment_acknowledge(
            actor=police_liaison, assignment_id=assignment.pk
        )
    with pytest.raises(PermissionDenied):
        services.incident_transition(
            actor=police_liaison,
            incident_id=incident.pk,
            version=None,
            target="ditangani",
        )


def test_the_second_of_two_concurrent_saves_is_refused(province_coordinator):
    incident = new_incident(province_coordinator)
    services.incident_update(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=1,
        changes={"severity": "kritis"},
    )
    with pytest.raises(Conflict):
        services.incident_update(
            actor=province_coordinator,
            incident_id=incident.pk,
            version=1,
            changes={"title": "Judul lain"},
        )
    incident.refresh_from_db()
    assert incident.severity == "kritis" and incident.title == "Bagi amplop dekat TPS"


def test_out_of_scope_incidents_look_absent(province_coordinator, kabkota_operator):
    incident = new_incident(province_coordinator)
    with pytest.raises(Http404):
        services.incident_update(
            actor=kabkota_operator,
            incident_id=incident.pk,
            version=1,
            changes={"title": "x"},
        )


def test_rejecting_needs_a_reason_and_reopening_is_allowed(province_coordinator):
    incident = new_incident(province_coordinator)
    with pytest.raises(IncidentError):
        services.incident_transition(
            actor=province_coordinator,
            incident_id=incident.pk,
            version=1,
            target="ditolak",
        )
    services.incident_transition(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=1,
        target="ditolak",
        reason="hoaks",
    )
    reopened = services.incident_transition(
        actor=province_coordinator,
        incident_id=incident.pk,
        version=2,
        target="baru",
        reason="Ada saksi baru",
    )
    assert reopened.status == "baru" and reopened.reject_reason == ""
    assert reopened.events.last().action == "reopened"


def test_escalation_hands_the_assignment_to_the_parent_agency(province_coordinator):
    incident = new_incident(province_coordinator)
    polres = Agency.objects.get(code="polres-pandeglang")
    [assignment] = services.incident_assign(
        actor=province_coordinator, incident_id=incident.pk, agency_ids=[polres.pk]
    )
    upper = services.incident_escalate(
        actor=province_coordinator, assignment_id=assignment.pk, note="Butuh Polda"
    )
    assert upper.agency.code == "polda-banten" and upper.escalated_from == assignment


def test_merging_keeps_every_source(province_coordinator):
    first = new_incident(province_coordinator)
    second = new_incident(
        province_coordinator, person_name="Warga", person_contact="0812"
    )
    merged = services.incident_merge(
        actor=province_coordinator, primary_id=first.pk, duplicate_id=second.pk
    )
    second.refresh_from_db()
    assert merged.sources.count() == 2
    assert (second.status, second.reject_reason, second.duplicate_of) == (
        "ditolak",
        "duplikat",
        first,
    )


def test_history_entries_cannot_be_changed(province_coordinator):
    event = new_incident(province_coordinator).events.get()
    event.note = "diubah"
    with pytest.raises(ValueError):
        event.save()


def test_only_agencies_whose_area_holds_the_incident_can_be_assigned(
    province_coordinator,
):
    """An operator of Pandeglang must not hand a case to Polresta Tangerang, whose
    liaison could never see it; the provincial desk agencies may always be asked."""
    incident = new_incident(province_coordinator)  # a TPS in Kab. Pandeglang (36.01)
    elsewhere = Agency.objects.get(code="polresta-tangerang")
    with pytest.raises(IncidentError) as error:
        services.incident_assign(
            actor=province_coordinator,
            incident_id=incident.pk,
            agency_ids=[elsewhere.pk],
        )
    assert error.value.code == "agency_out_of_area"
    assert "Polresta Tangerang" in error.value.message
    assert not incident.assignments.exists()
    here = Agency.objects.get(code="polres-pandeglang")
    province = Agency.objects.get(code="kejati-banten")
    made = services.incident_assign(
        actor=province_coordinator,
        incident_id=incident.pk,
        agency_ids=[here.pk, province.pk],
    )
    assert {a.agency.code for a in made} == {"polres-pandeglang", "kejati-banten"}
