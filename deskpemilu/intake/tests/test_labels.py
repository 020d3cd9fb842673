"""Inbox and message pages in words: error codes and the parser's field names as
labels (Indonesian first, English on the switch), categories and severities by
their labels; the codes stay in data attributes for tools."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from deskpemilu.intake import fieldcode, labels
from deskpemilu.intake.tests.test_pages import message_in

pytestmark = pytest.mark.django_db

SERANG_TPS = "3673041003005"


def test_every_error_code_the_parser_can_give_has_a_label():
    source = Path(fieldcode.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'_err\(\s*"([a-z_]+)"', source))
    assert codes and codes <= set(labels.ERRORS)


def test_the_inbox_and_message_page_say_the_error_in_words(
    province_coordinator, client_for
):
    message = message_in(
        "36.73",
        status="failed",
        kind="unknown",
        error_code="unknown_tps",
        parsed={
            "place_code": SERANG_TPS,
            "category": "politik_uang",
            "severity": "berat",
        },
    )
    client = client_for(province_coordinator)
    inbox = client.get(reverse("intake:inbox")).content.decode()
    assert 'data-code="unknown_tps">TPS tidak terdaftar<' in inbox
    url = reverse("intake:message-detail", args=[message.pk])
    page = client.get(url).content.decode()
    assert "TPS tidak terdaftar" in page
    assert '<dt data-key="place_code">Kode tempat</dt>' in page
    assert '<dt data-key="category">Kategori</dt><dd>Politik uang</dd>' in page
    client.post(reverse("set_language"), {"language": "en"})
    english = client.get(url).content.decode()
    assert "TPS not registered" in english
    assert '<dt data-key="place_code">Place code</dt>' in english
