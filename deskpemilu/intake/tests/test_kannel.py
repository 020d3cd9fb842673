"""SMS through Kannel in every coding a phone uses: the bytes Kannel really sends
(payloads/kannel_requests.txt, captured from Kannel 1.4.5) decoded by its ``coding``
and ``charset``, and the desk's answer. The whole chain with the real Kannel is in
test_live_intake.py."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import pytest
from django.test import Client

from deskpemilu.intake.channels import gateway_parse
from deskpemilu.intake.channels.gateway import (
    decode_text,
    gateway_form,
    gateway_reply_headers,
)
from deskpemilu.intake.models import InboundMessage, TpsCheckin

PAYLOADS = Path(__file__).parent / "payloads"
KEY = "uji-kunci-gateway"
EMOJI = "\U0001f600"
CAFE = "LAPOR 3601012001001 PU B amplop di caf\xe9"
TEXTS = {
    "ucs2_emoji": f"BUKA 3601012001001 {EMOJI}",
    "ucs2_checkin": "BUKA 3601012001001 0705",
    "ucs2_quotes": "LAPOR 3601012001001 PU B \u201camplop\u201d dibagi \u2013 warga "
    "\U0001f621",
    "data_checkin": "BUKA 3601012001001 0710",
    "data_latin1": CAFE,
    "text_7bit": CAFE,
}


def kannel_requests() -> dict[str, str]:
    """name -> the path and query Kannel requested."""
    found = {}
    for line in (PAYLOADS / "kannel_requests.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, request_line = line.split("\t")
            found[name] = request_line.split(" ")[1]
    return found


REQUESTS = kannel_requests()


def query(name: str) -> str:
    return REQUESTS[name].split("?", 1)[1]


@pytest.mark.parametrize("name", sorted(TEXTS))
def test_kannel_text_is_decoded_by_its_coding_and_charset(name):
    message = gateway_parse(gateway_form(query(name)))
    assert message.text == TEXTS[name]
    assert message.sender == "6281234567890"


@pytest.mark.parametrize("name", ["ucs2_checkin", "data_checkin"])
def test_a_checkin_by_kannel_in_ucs2_or_8_bit_is_recorded(name, settings, db):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    response = Client().get(REQUESTS[name])
    assert response.status_code == 200
    assert response.content.decode().startswith("OK ")
    assert InboundMessage.objects.get().body == TEXTS[name]
    assert TpsCheckin.objects.get().tps.code == "3601012001001"


@pytest.mark.parametrize("name", ["ucs2_quotes", "data_latin1", "text_7bit"])
def test_a_report_by_kannel_is_read_in_any_coding(name, settings, db):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    response = Client().get(REQUESTS[name])
    assert response.status_code == 200
    message = InboundMessage.objects.get()
    assert message.body == TEXTS[name]
    assert (message.kind, message.area_code) == ("incident", "3601012001")
    assert message.parsed["category"] == "politik_uang"


def test_an_emoji_after_a_checkin_is_read_past_not_garbled(settings, db):
    """An emoji after BUKA's code is a separator, not a field: the check-in is taken
    (the text used to arrive as "?B?U?K?A?" and be refused as an unknown keyword)."""
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    response = Client().get(REQUESTS["ucs2_emoji"])
    answer = response.content.decode()
    assert answer.startswith("OK M") and "dibuka" in answer, answer
    assert InboundMessage.objects.get().body == TEXTS["ucs2_emoji"]
    assert TpsCheckin.objects.count() == 1
    # The answer is in the GSM alphabet: Kannel sends it as 7-bit.
    assert "X-Kannel-Coding" not in response


def test_an_answer_in_the_gsm_alphabet_goes_as_7_bit(settings, db):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    assert "X-Kannel-Coding" not in Client().get(REQUESTS["data_checkin"])


@pytest.mark.parametrize(
    ("reply", "ucs2"),
    [
        ("OK M0000001: 3601012001001 TPS dibuka pukul 07.05 WIB.", False),
        ('Kata pertama "caf\xe9" [x] {y} ~ | \\ ^ \u20ac @ \u00a3 \u00bf', False),
        ("", False),
        (f'"{EMOJI}" tidak dikenal', True),
        ("\u201ckutipan\u201d", True),
        ("`", True),  # not in GSM 03.38
    ],
)
def test_an_answer_asks_for_ucs2_only_when_gsm_lacks_a_character(reply, ucs2):
    assert gateway_reply_headers(reply) == ({"X-Kannel-Coding": "2"} if ucs2 else {})


def test_a_kannel_post_form_is_read_as_bytes_too(settings, db):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = KEY
    body = query("ucs2_checkin").replace(f"key={KEY}&", "")
    response = Client().post(
        f"/webhooks/sms?key={KEY}",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    assert InboundMessage.objects.get().body == TEXTS["ucs2_checkin"]
    assert TpsCheckin.objects.count() == 1


@pytest.mark.parametrize(
    ("data", "coding", "charset", "text"),
    [
        ("a\u201cb\u201d".encode("cp1252"), "1", "WINDOWS-1252", "a\u201cb\u201d"),
        ("caf\xe9".encode("latin-1"), None, "ISO-8859-1", "caf\xe9"),
        ("caf\xe9".encode(), "0", "utf-8", "caf\xe9"),
        (f"ok {EMOJI}".encode("utf-16-be"), "2", None, f"ok {EMOJI}"),
        (f"ok {EMOJI}".encode("utf-16-be"), None, "UCS-2", f"ok {EMOJI}"),
        # Kannel configured without coding=%c: the NUL bytes give UTF-16 away.
        (f"BUKA {EMOJI}".encode("utf-16-be"), None, None, f"BUKA {EMOJI}"),
        # 8-bit data: UTF-8 when it is, else WINDOWS-1252.
        ("caf\xe9".encode(), "1", "8-BIT", "caf\xe9"),
        (b"\x93ok\x94", "1", "8-BIT", "\u201cok\u201d"),
        (b"\x81", None, None, "\x81"),  # undefined in WINDOWS-1252: as ISO-8859-1
        # A charset the bytes do not fit: read as without one.
        (b"caf\xe9", "0", "UTF-8", "caf\xe9"),
        (b"\x00B\x00", "2", "UTF-16BE", "B\ufffd"),  # odd length: marked, not lost
        (b"plain", "9", "KOI8-R?", "plain"),
    ],
)
def test_text_bytes_are_decoded_by_charset_then_coding_then_their_look(
    data, coding, charset, text
):
    assert decode_text(data, coding, charset) == text


def test_other_parameters_are_read_as_utf8_and_plus_is_a_space():
    form = gateway_form(
        "sender=" + quote("+62 812") + "&text=a+b&name=" + quote("Siti \u00e9")
    )
    assert form == {"sender": ["+62 812"], "text": ["a b"], "name": ["Siti \u00e9"]}
