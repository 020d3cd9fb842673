"""The election-day watchlist page: TPS not heard from, with whom to call."""

import pytest
from django.test import Client

from deskpemilu.intake.models import ReporterRole
from deskpemilu.intake.services import reporter_upsert
from deskpemilu.regions.models import TPS

pytestmark = pytest.mark.django_db
URL = "/situasi/pantau/36.73.01/"


def test_the_watchlist_needs_a_login():
    assert Client().get(URL).status_code == 302


def test_another_kabkota_is_not_found(client_for, kabkota_operator):
    assert (
        client_for(kabkota_operator).get("/situasi/pantau/36.01.01/").status_code == 404
    )


def test_silent_tps_are_listed_with_a_masked_phone_to_call(
    client_for, kabkota_operator
):
    tps = TPS.objects.filter(code__startswith="367301").order_by("code").first()
    reporter_upsert(
        phone="6281299990001", name="Pak Amir", role=ReporterRole.FIELD_OFFICER, tps=tps
    )
    response = client_for(kabkota_operator).get(URL + "?tahap=buka")
    html = response.content.decode()
    assert response.status_code == 200
    assert tps.code in html and "Pak Amir" in html
    assert "6281299990001" not in html  # personal data masked for an operator


def test_an_unknown_stage_is_not_found(client_for, kabkota_operator):
    assert client_for(kabkota_operator).get(URL + "?tahap=makan").status_code == 404
