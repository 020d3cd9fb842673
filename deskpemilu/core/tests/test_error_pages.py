"""400, 403, 404, 500 and the CSRF refusal in the desk's own layout, Indonesian
first and English on the switch; never Django's bare English pages."""

from __future__ import annotations

import pytest
from django.core.exceptions import BadRequest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views import defaults

pytestmark = pytest.mark.django_db


def test_an_unknown_page_is_the_desks_404_in_indonesian_and_in_english(
    client_for, kabkota_operator
):
    client = client_for(kabkota_operator)
    page = client.get("/tidak-ada/")
    html = page.content.decode()
    assert page.status_code == 404
    assert "Halaman tidak ditemukan" in html and 'class="topbar"' in html
    assert "Not Found" not in html and "The requested resource" not in html
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get("/tidak-ada/").content.decode()
    assert "Page not found" in english and "Halaman tidak ditemukan" not in english


def test_a_region_outside_the_scope_is_the_desks_404(client_for, kabkota_operator):
    page = client_for(kabkota_operator).get(reverse("region-detail", args=["36.01"]))
    assert page.status_code == 404
    assert 'data-status="404"' in page.content.decode()


def test_a_refused_role_gets_the_desks_403(client_for, police_liaison):
    page = client_for(police_liaison).get(reverse("incidents:ready"))
    html = page.content.decode()
    assert page.status_code == 403
    assert "Tidak diizinkan" in html and "administrator desk" in html
    assert 'class="who"' in html  # the desk's header, with the user


def test_a_form_without_its_csrf_token_is_refused_in_indonesian():
    client = Client(enforce_csrf_checks=True)
    page = client.post(reverse("login"), {"username": "x", "password": "y"})
    html = page.content.decode()
    assert page.status_code == 403
    assert "Formulir sudah kedaluwarsa" in html and "CSRF verification" not in html


@pytest.mark.parametrize(
    ("view", "status", "indonesian", "english"),
    [
        (defaults.server_error, 500, "Terjadi kesalahan", "Something went wrong"),
        (
            lambda request: defaults.bad_request(request, BadRequest()),
            400,
            "Permintaan tidak dapat dibaca",
            "Request not understood",
        ),
    ],
)
def test_the_standalone_pages_speak_both_languages(view, status, indonesian, english):
    request = RequestFactory().get("/")
    for language, expected in (("id", indonesian), ("en", english)):
        with translation.override(language):
            response = view(request)
        html = response.content.decode()
        assert response.status_code == status
        assert expected in html and f'lang="{language}"' in html
        assert "Desk Pemilu" in html
