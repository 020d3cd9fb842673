"""Reporters' phone numbers are personal data: only administrators open them."""

import pytest

pytestmark = pytest.mark.django_db


def test_only_administrators_open_the_reporters_admin(
    client_for, province_coordinator, django_user_model
):
    province_coordinator.is_staff = True
    province_coordinator.save()
    assert (
        client_for(province_coordinator).get("/admin/intake/reporter/").status_code
        == 403
    )
    root = django_user_model.objects.create_superuser("akar", password="x-akar-12345")
    assert client_for(root).get("/admin/intake/reporter/").status_code == 200
    assert client_for(root).get("/admin/intake/inboundmessage/").status_code == 200
    assert client_for(root).get("/admin/incidents/incident/").status_code == 200
