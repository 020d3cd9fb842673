"""The desk's incident form as a telephone channel: the call keeps channel `telepon`
and the caller's number on its stored message, shown to the operator who took it
and to those who may see personal data, masked to the other desk staff."""

from __future__ import annotations

import pytest

from conftest import make_member
from deskpemilu.accounts.models import Role
from deskpemilu.incidents.models import Incident
from deskpemilu.intake.models import Channel, InboundMessage, ParseStatus

pytestmark = pytest.mark.django_db

TPS_PANDEGLANG = "3601012001001"


def call(**overrides) -> dict:
    data = {
        "channel": "telepon",
        "caller_phone": "0812-3456-7890",
        "category": "politik_uang",
        "severity": "sedang",
        "title": "Serangan fajar",
        "description": "Penelepon melihat pembagian amplop",
        "region": "",
        "tps": TPS_PANDEGLANG,
        "occurred_at": "2024-02-14T06:30",
        "lat": "",
        "lng": "",
        "person_name": "",
        "person_contact": "",
    }
    return data | overrides


def test_a_call_keeps_the_channel_and_the_callers_number(
    client_for, province_coordinator
):
    response = client_for(province_coordinator).post("/kejadian/baru/", call())
    assert response.status_code == 302
    message = InboundMessage.objects.get()
    incident = Incident.objects.get()
    assert (message.channel, message.sender) == (Channel.TELEPON, "6281234567890")
    assert (message.status, message.submitted_by) == (
        ParseStatus.PARSED,
        province_coordinator,
    )
    source = incident.sources.get()
    assert (incident.channel, source.person_contact) == ("telepon", "6281234567890")


def test_a_call_without_a_number_is_refused_and_kept(client_for, province_coordinator):
    response = client_for(province_coordinator).post(
        "/kejadian/baru/", call(caller_phone="")
    )
    assert response.status_code == 422
    assert "caller_phone" in response.context["form"].errors
    message = InboundMessage.objects.get()
    assert (message.channel, message.status) == (Channel.TELEPON, ParseStatus.FAILED)
    assert not Incident.objects.exists()


def test_the_form_without_a_channel_is_typed_in_at_the_desk(
    client_for, province_coordinator
):
    data = call()
    del data["channel"], data["caller_phone"]
    assert client_for(province_coordinator).post("/kejadian/baru/", data).status_code
    message = InboundMessage.objects.get()
    assert (message.channel, message.sender) == (Channel.WEB, "")


def test_the_callers_number_is_shown_to_the_operator_who_took_the_call(
    client_for, province_coordinator
):
    client_for(province_coordinator).post("/kejadian/baru/", call())
    message = InboundMessage.objects.get()
    url = f"/pesan/{message.pk}/"
    mine = client_for(province_coordinator).get(url).content.decode()
    assert "6281234567890" in mine
    colleague = make_member("operator_prov", "kesbangpol-banten", Role.OPERATOR, "36")
    theirs = client_for(colleague).get(url).content.decode()
    assert "6281234567890" not in theirs and "62812*****890" in theirs
    admin = make_member("admin_prov", "kesbangpol-banten", Role.ADMINISTRATOR, "36")
    assert "6281234567890" in client_for(admin).get(url).content.decode()
