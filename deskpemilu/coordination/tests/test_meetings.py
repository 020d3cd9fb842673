"""Coordination meetings and their action items: the pages through the test client
(one who may, one who may not, one outside the scope), the services, and the list
of action items due."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from deskpemilu.accounts.models import Agency
from deskpemilu.coordination import selectors, services
from deskpemilu.coordination.models import ActionItem, ActionStatus, Meeting
from deskpemilu.coordination.services import CoordinationError
from deskpemilu.core.timeutil import to_wib
from deskpemilu.incidents.models import Incident
from deskpemilu.regions.models import Region

from .conftest import NOW, item_of, meeting_of

pytestmark = pytest.mark.django_db

TODAY = NOW.date()


def _incident(code: str) -> Incident:
    region = Region.objects.get(code=code)
    return Incident.objects.create(
        title="uji",
        category="lainnya",
        severity="sedang",
        region=region,
        area_code=region.code_nodot,
        occurred_at=NOW,
    )


def test_desk_staff_record_a_meeting_through_the_form(province_coordinator, client_for):
    client = client_for(province_coordinator)
    assert client.get(reverse("coordination:meeting-create")).status_code == 200
    polres = Agency.objects.get(code="polres-lebak")
    response = client.post(
        reverse("coordination:meeting-create"),
        {
            "title": "Rakor Forkopimda",
            "held_at": "2024-02-12T10:00",
            "place": "Pendopo Gubernur",
            "region": "36",
            "agencies": [polres.pk],
            "agenda": "Kesiapan pemungutan suara",
            "decisions": "Patroli gabungan",
        },
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "coordination:meeting-detail", args=[meeting.pk]
    )
    assert (meeting.area_code, list(meeting.agencies.all())) == ("36", [polres])
    assert to_wib(meeting.held_at).hour == 10  # the wall clock is read as WIB
    page = client.get(response["Location"])
    assert "Pendopo Gubernur" in page.content.decode()


def test_a_meeting_of_a_desk_outside_the_scope_is_refused(kabkota_operator, client_for):
    response = client_for(kabkota_operator).post(
        reverse("coordination:meeting-create"),
        {"title": "x", "held_at": "2024-02-12T10:00", "place": "x", "region": "36.01"},
    )
    assert response.status_code == 403
    assert not Meeting.objects.exists()


def test_a_meeting_below_a_kabkota_is_refused_with_the_reason(
    kabkota_operator, client_for
):
    response = client_for(kabkota_operator).post(
        reverse("coordination:meeting-create"),
        {
            "title": "x",
            "held_at": "2024-02-12T10:00",
            "place": "x",
            "region": "36.73.04",
        },
    )
    assert response.status_code == 422
    assert "Rapat milik desk provinsi atau kabupaten/kota." in response.content.decode()


def test_a_liaison_and_a_leader_may_not_open_the_meeting_form(
    police_liaison, leader, client_for
):
    for user in (police_liaison, leader):
        response = client_for(user).get(reverse("coordination:meeting-create"))
        assert response.status_code == 403


def test_a_meeting_outside_the_scope_is_not_found(
    kabkota_operator, province_coordinator, client_for
):
    meeting = meeting_of("36.01", province_coordinator)
    client = client_for(kabkota_operator)
    for name in ("meeting-detail", "meeting-print", "meeting-edit"):
        url = reverse(f"coordination:{name}", args=[meeting.pk])
        assert client.get(url).status_code == 404, name
    assert "Rakor" not in client.get(reverse("coordination:meetings")).content.decode()


def test_a_leader_reads_a_meeting_but_may_not_edit_it(
    leader, province_coordinator, client_for
):
    meeting = meeting_of("36", province_coordinator)
    client = client_for(leader)
    page = client.get(reverse("coordination:meeting-detail", args=[meeting.pk]))
    assert page.status_code == 200
    assert reverse("coordination:meeting-edit", args=[meeting.pk]) not in (
        page.content.decode()
    )
    edit = client.get(reverse("coordination:meeting-edit", args=[meeting.pk]))
    assert edit.status_code == 403


def test_the_meeting_of_an_agency_owing_an_action_item_is_seen_by_its_liaison(
    police_liaison, province_coordinator, client_for
):
    meeting = meeting_of("36.02", province_coordinator)  # Lebak: not Pandeglang's
    item_of(meeting, "polres-pandeglang", TODAY)
    url = reverse("coordination:meeting-detail", args=[meeting.pk])
    assert client_for(police_liaison).get(url).status_code == 200


def test_desk_staff_edit_a_meeting(province_coordinator, client_for):
    meeting = meeting_of("36", province_coordinator)
    response = client_for(province_coordinator).post(
        reverse("coordination:meeting-edit", args=[meeting.pk]),
        {
            "title": "Rakor diubah",
            "held_at": "2024-02-12T11:00",
            "place": "Aula",
            "decisions": "Keputusan baru",
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.title, meeting.decisions) == ("Rakor diubah", "Keputusan baru")


def test_an_action_item_links_incidents_and_regions_through_the_page(
    province_coordinator, client_for
):
    meeting = meeting_of("36", province_coordinator)
    incident = _incident("36.02")
    polres = Agency.objects.get(code="polres-lebak")
    response = client_for(province_coordinator).post(
        reverse("coordination:action-item-add", args=[meeting.pk]),
        {
            "description": "Patroli gabungan",
            "owner": polres.pk,
            "due_on": "2024-02-14",
            "incidents": f"{incident.ref}",
            "regions": "36.02.01, 3602",
        },
    )
    assert response.status_code == 302
    item = ActionItem.objects.get()
    assert (item.owner, item.status) == (polres, ActionStatus.OPEN)
    assert list(item.incidents.all()) == [incident]
    assert sorted(r.code for r in item.regions.all()) == ["36.02", "36.02.01"]


def test_an_action_item_naming_an_incident_outside_the_scope_is_refused(
    serang_coordinator, client_for
):
    meeting = meeting_of("36.73", serang_coordinator)
    outside = _incident("36.02")
    response = client_for(serang_coordinator).post(
        reverse("coordination:action-item-add", args=[meeting.pk]),
        {
            "description": "x",
            "owner": Agency.objects.get(code="pemkot-serang").pk,
            "due_on": "2024-02-14",
            "incidents": outside.ref,
        },
    )
    assert response.status_code == 422
    assert f"Kejadian tidak ditemukan: {outside.ref}." in response.content.decode()
    assert not ActionItem.objects.exists()


def test_the_owner_agency_liaison_marks_an_action_item_done(
    police_liaison, province_coordinator, client_for
):
    item = item_of(meeting_of("36", province_coordinator), "polres-pandeglang", TODAY)
    response = client_for(police_liaison).post(
        reverse("coordination:action-item-status", args=[item.pk]),
        {"status": "done", "next": "/koordinasi/"},
    )
    assert (response.status_code, response["Location"]) == (302, "/koordinasi/")
    item.refresh_from_db()
    assert (item.status, item.closed_by) == (ActionStatus.DONE, police_liaison)


def test_another_agency_and_a_leader_may_not_mark_an_action_item(
    police_liaison, leader, province_coordinator, client_for
):
    meeting = meeting_of("36", province_coordinator)
    item = item_of(meeting, "polres-lebak", TODAY)
    url = reverse("coordination:action-item-status", args=[item.pk])
    # Lebak's item, on a province meeting Pandeglang's liaison neither sees nor owes.
    assert client_for(police_liaison).post(url, {"status": "done"}).status_code == 404
    assert client_for(leader).post(url, {"status": "done"}).status_code == 403
    item.refresh_from_db()
    assert item.status == ActionStatus.OPEN


def test_a_redirect_after_marking_stays_on_the_desk(province_coordinator, client_for):
    item = item_of(meeting_of("36", province_coordinator), "polres-lebak", TODAY)
    response = client_for(province_coordinator).post(
        reverse("coordination:action-item-status", args=[item.pk]),
        {"status": "cancelled", "next": "https://elsewhere.example/"},
    )
    assert response["Location"] == reverse(
        "coordination:meeting-detail", args=[item.meeting_id]
    )


def test_action_items_due_lists_overdue_and_due_soon_of_the_agency(
    police_liaison, province_coordinator
):
    meeting = meeting_of("36", province_coordinator)
    late = item_of(meeting, "polres-pandeglang", TODAY - dt.timedelta(days=1))
    soon = item_of(meeting, "polres-pandeglang", TODAY + dt.timedelta(days=2))
    item_of(meeting, "polres-pandeglang", TODAY + dt.timedelta(days=3))  # not yet
    item_of(meeting, "polres-lebak", TODAY)  # another agency
    done = item_of(meeting, "polres-pandeglang", TODAY)
    done.status = ActionStatus.DONE
    done.save()
    rows = selectors.action_items_due(police_liaison, NOW)
    assert [(r.item, r.overdue, r.may_update) for r in rows] == [
        (late, True, True),
        (soon, False, True),
    ]
    everything = selectors.action_items_due(province_coordinator, NOW)
    assert len(everything) == 3


def test_the_meeting_list_shows_the_action_items_due(
    police_liaison, province_coordinator, client_for
):
    meeting = meeting_of("36", province_coordinator)
    item = item_of(meeting, "polres-pandeglang", dt.date(2024, 1, 1))
    page = client_for(police_liaison).get(reverse("coordination:meetings"))
    html = page.content.decode()
    assert f'data-item="{item.pk}"' in html
    assert reverse("coordination:action-item-status", args=[item.pk]) in html


def test_the_minutes_print_with_the_desks_own_stylesheet_only(
    province_coordinator, client_for
):
    meeting = meeting_of("36", province_coordinator)
    item_of(meeting, "polres-lebak", TODAY)
    response = client_for(province_coordinator).get(
        reverse("coordination:meeting-print", args=[meeting.pk])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "/static/css/minutes.css" in html
    assert "<script" not in html and "<style" not in html and "style=" not in html
    assert "Patroli di TPS rawan" in html


def test_the_services_refuse_who_the_pages_refuse(kabkota_operator, leader):
    region = Region.objects.get(code="36.01")
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=kabkota_operator, region=region, title="x", held_at=NOW, place="x"
        )
    with pytest.raises(PermissionDenied):
        services.meeting_create(
            actor=leader, region=region, title="x", held_at=NOW, place="x"
        )
    with pytest.raises(CoordinationError):
        services.action_item_set_status(actor=leader, item_id=1, status="bogus")
