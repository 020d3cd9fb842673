"""The Indonesian catalogue is complete, and the desk speaks Indonesian unless asked."""

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client

PO = Path(settings.LOCALE_PATHS[0]) / "id" / "LC_MESSAGES" / "django.po"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    with PO.open("rb") as f:
        return read_po(f, abort_invalid=True)


def test_every_msgid_is_translated(catalog: Catalog) -> None:
    messages = [m for m in catalog if m.id]
    assert len(messages) > 50, "the catalogue looks empty; run makemessages -l id"
    untranslated = [
        m.id
        for m in messages
        if not (all(m.string) if isinstance(m.string, tuple) else m.string)
    ]
    assert untranslated == []


def test_nothing_is_fuzzy(catalog: Catalog) -> None:
    assert not catalog.fuzzy, "the header is marked fuzzy"
    assert [m.id for m in catalog if m.id and m.fuzzy] == []


def test_plural_forms_and_placeholders(catalog: Catalog) -> None:
    assert catalog.num_plurals == 1
    problems = [(m.id, [str(e) for e in errors]) for m, errors in catalog.check()]
    assert problems == []


def test_compiled_catalogue_is_current() -> None:
    mo = PO.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= PO.stat().st_mtime, (
        "django.mo is missing or stale: run `deskpemilu compile_translations`"
    )


@pytest.mark.django_db
def test_login_page_is_indonesian_by_default() -> None:
    # An English browser still gets Indonesian: only the explicit choice counts.
    response = Client(HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").get("/masuk/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "id"
    assert "Masuk" in html
    assert "Log in" not in html


@pytest.mark.django_db
def test_login_page_is_english_with_the_language_cookie() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/masuk/")
    html = response.content.decode()
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    assert "Log in" in html
    assert "Masuk" not in html
