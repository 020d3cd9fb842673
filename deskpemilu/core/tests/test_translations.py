"""The Indonesian catalogue is complete, and the desk speaks Indonesian unless asked."""

from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils import translation

PO = Path(settings.LOCALE_PATHS[0]) / "id" / "LC_MESSAGES" / "django.po"
# English for the few labels written in Indonesian at the source (docs/i18n.md).
EN = Path(settings.LOCALE_PATHS[0]) / "en" / "LC_MESSAGES" / "django.po"


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


@pytest.mark.parametrize("po", [PO, EN], ids=["id", "en"])
def test_compiled_catalogue_is_current(po: Path) -> None:
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_mtime >= po.stat().st_mtime, (
        "django.mo is missing or stale: run `deskpemilu compile_translations`"
    )


def test_the_english_catalogue_is_complete_and_not_fuzzy() -> None:
    with EN.open("rb") as f:
        english = read_po(f, abort_invalid=True)
    messages = [m for m in english if m.id]
    assert messages, "the English catalogue lost its entries"
    assert [m.id for m in messages if not m.string or m.fuzzy] == []
    assert not english.fuzzy


def test_every_label_written_in_indonesian_has_its_english() -> None:
    # Labels given in Indonesian at the source (the status levels' msgids, the
    # vulnerability classes of a pure module) are shown in English through the
    # English catalogue; a new one without its English would stay Indonesian.
    from deskpemilu.situation.models import Level
    from deskpemilu.situation.vulnerability import CLASS_LABELS

    with EN.open("rb") as f:
        english = {str(m.id) for m in read_po(f) if m.id}
    with translation.override(None):  # the msgids themselves
        labels = {str(label) for _, label in Level.choices}
    labels |= set(CLASS_LABELS.values())
    assert sorted(labels - english) == []


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
