"""SMS out through the real Kannel's sendsms interface (tests/kannel.py): GSM text as
7-bit, anything else as UCS-2, a long text cut to two concatenated SMS; Kannel's
refusals given up at once, Kannel away tried again later, each attempt logged."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine

from deskpemilu.devtools.sinks import free_port
from deskpemilu.intake.channels import kannel as k
from deskpemilu.intake.models import Channel, OutboundMessage, OutboundStatus
from deskpemilu.intake.outbound import outbound_send_due
from deskpemilu.intake.tests.kannel import PASSWORD, USER, Kannel, Sms

EMOJI = "\U0001f600"


# --- the request, without Kannel ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "coding"),
    [
        ("Penugasan baru: kejadian #12 di Lebak. [x] {y} \u20ac", "0"),
        ("caf\xe9 \xe0 \xfc", "0"),  # accented letters of GSM 03.38
        ("\u201ckutip\u201d", "2"),
        (f"ok {EMOJI}", "2"),
        ("`", "2"),
    ],
)
def test_gsm_text_goes_as_7_bit_and_anything_else_as_ucs2(text, coding):
    url = k.kannel_sendsms(
        "http://127.0.0.1:13013/cgi-bin/sendsms",
        username="desk",
        password="p&q",
        sender="DESKPEMILU",
        to="6281234567890",
        text=text,
    )
    query = parse_qs(urlsplit(url).query)
    assert query == {
        "username": ["desk"],
        "password": ["p&q"],
        "to": ["+6281234567890"],
        "text": [text],
        "charset": ["UTF-8"],
        "coding": [coding],
        "from": ["DESKPEMILU"],
    }
    # "+" is written %2B: a bare one would be a space, separating receivers.
    assert "to=%2B62" in url


def test_without_a_sender_kannel_uses_its_global_sender():
    url = k.kannel_sendsms(
        "http://h/s?x=1", username="u", password="p", sender="", to="+628", text="t"
    )
    assert url.startswith("http://h/s?x=1&") and "from" not in parse_qs(url)


@pytest.mark.parametrize(
    ("text", "parts", "limit"),
    [
        ("kata " * 100, 1, 160),
        ("kata " * 100, 2, 306),
        ("kata\u2013" * 100, 2, 134),  # UCS-2: 2 x 67
        ("[" * 200, 2, 306),  # extension characters count two
        (EMOJI * 100, 2, 134),  # beyond the BMP: two UCS-2 units each
    ],
)
def test_a_long_text_is_cut_at_a_word_to_fit(text, parts, limit):
    cut = k.sms_fit(text, parts)
    encoding, units = k.sms_units(cut)
    assert units <= limit and k.sms_parts(cut) == parts
    assert cut.endswith("...") and not cut.endswith(" ...")
    assert text.startswith(cut[:-3])


def test_what_must_stay_whole_is_kept_after_the_cut():
    link = " https://desk.example/kejadian/12/"
    cut = k.sms_fit("kata " * 100, 2, link)
    assert cut.endswith("..." + link) and k.sms_parts(cut) == 2
    assert k.sms_fit("pendek", 1, link) == "pendek" + link


def test_a_text_that_fits_is_left_alone():
    text = "x" * 160
    assert k.sms_fit(text, 1) == text and k.sms_parts(text) == 1
    assert k.sms_parts("x" * 161) == 2 and k.sms_parts("\u2013" * 71) == 2


@pytest.mark.parametrize(
    ("status", "final"), [(400, True), (403, True), (500, False), (503, False)]
)
def test_kannels_refusals_are_final_its_failures_are_not(status, final):
    assert k.kannel_gives_up(status) is final


# --- the real Kannel ---------------------------------------------------------------


@pytest.fixture(scope="module")
def kannel(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kannel]:
    with Kannel(tmp_path_factory.mktemp("kannel")) as running:
        yield running


@pytest.fixture
def sms_settings(settings, kannel: Kannel):
    settings.DESKPEMILU_SMS_SENDSMS_URL = kannel.sendsms_url
    settings.DESKPEMILU_SMS_SENDSMS_USER = USER
    settings.DESKPEMILU_SMS_SENDSMS_PASSWORD = PASSWORD
    settings.DESKPEMILU_SMS_FROM = "DESKPEMILU"
    settings.DESKPEMILU_SMS_MAX_PARTS = 2
    return settings


def queue(recipient: str, body: str) -> OutboundMessage:
    return OutboundMessage.objects.create(
        channel=Channel.SMS_GATEWAY, recipient=recipient, body=body
    )


def sent_to(kannel: Kannel, number: str) -> list[Sms]:
    return [sms for sms in kannel.received() if sms.to == number]


def to(kannel: Kannel, number: str) -> list[Sms]:
    """The SMS the network got for `number`, once there is one."""
    kannel.wait(lambda: bool(sent_to(kannel, number)), f"an SMS to {number}")
    return sent_to(kannel, number)


@pytest.mark.django_db
def test_kannel_delivers_gsm_text_as_7_bit_and_other_text_as_ucs2(sms_settings, kannel):
    plain = "Penugasan baru: kejadian #12 (kritis) di Lebak [TPS 001] 50\u20ac"
    fancy = f"\u201cAmplop\u201d dibagi \u2013 warga {EMOJI}"
    first = queue("6281200000101", plain)
    second = queue("6281200000102", fancy)
    assert outbound_send_due() == (2, 0)
    [sms] = to(kannel, "+6281200000101")
    assert (sms.sender, sms.text, sms.coding) == ("DESKPEMILU", plain, "text")
    [sms] = to(kannel, "+6281200000102")
    assert (sms.text, sms.coding) == (fancy, "ucs-2")
    for message in (first, second):
        message.refresh_from_db()
        assert (message.status, message.attempts) == (OutboundStatus.SENT, 1)


@pytest.mark.django_db
def test_a_long_text_arrives_as_two_concatenated_sms_cut_at_a_word(
    sms_settings, kannel
):
    body = " ".join(f"kata{n}" for n in range(120))
    queue("6281200000103", body)
    assert outbound_send_due() == (1, 0)
    [sms] = to(kannel, "+6281200000103")
    assert sms.parts == 2 and sms.text == k.sms_fit(body, 2)
    assert sms.text.endswith("...") and len(sms.text) <= 306

    fancy = " ".join(f"\u201ckata{n}\u201d" for n in range(60))
    queue("6281200000104", fancy)
    assert outbound_send_due() == (1, 0)
    [sms] = to(kannel, "+6281200000104")
    assert sms.parts == 2 and sms.text == k.sms_fit(fancy, 2)


@pytest.mark.django_db
def test_a_refusal_by_kannel_is_given_up_at_once_and_logged(
    sms_settings, kannel, caplog
):
    sms_settings.DESKPEMILU_SMS_SENDSMS_PASSWORD = "salah"
    message = queue("6281200000105", "tidak akan sampai")
    assert outbound_send_due() == (0, 1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.FAILED, 1)
    assert message.last_error == "HTTP 403: Authorization failed for sendsms"
    assert "attempt 1 failed: HTTP 403" in caplog.text
    assert "salah" not in caplog.text and "salah" not in message.last_error


@pytest.mark.django_db
def test_kannel_not_running_is_tried_again_later_until_it_takes_it(
    sms_settings, kannel, caplog
):
    sms_settings.DESKPEMILU_SMS_SENDSMS_URL = (
        f"http://127.0.0.1:{free_port()}/cgi-bin/sendsms"
    )
    message = queue("6281200000106", "dicoba lagi nanti")
    assert outbound_send_due() == (0, 1)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.QUEUED, 1)
    assert "refused" in message.last_error.lower()
    assert "attempt 1 failed" in caplog.text
    # Not due yet: nothing is tried.
    assert outbound_send_due() == (0, 0)
    sms_settings.DESKPEMILU_SMS_SENDSMS_URL = kannel.sendsms_url
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        assert outbound_send_due() == (1, 0)
    message.refresh_from_db()
    assert (message.status, message.attempts) == (OutboundStatus.SENT, 2)
    [sms] = to(kannel, "+6281200000106")
    assert sms.text == "dicoba lagi nanti"


@pytest.mark.django_db
def test_sms_off_sends_nothing_and_keeps_the_message(settings):
    settings.DESKPEMILU_SMS_SENDSMS_URL = ""
    message = queue("6281200000107", "mati")
    assert outbound_send_due() == (0, 1)
    message.refresh_from_db()
    assert message.status == OutboundStatus.QUEUED
    assert "DESKPEMILU_SMS_SENDSMS_URL" in message.last_error


@pytest.mark.django_db
def test_queued_for_later_by_kannel_is_accepted_and_arrives_when_the_network_does(
    sms_settings, tmp_path: Path, caplog
):
    caplog.set_level("INFO", logger="deskpemilu.intake.outbound")
    with Kannel(tmp_path) as own:
        sms_settings.DESKPEMILU_SMS_SENDSMS_URL = own.sendsms_url
        own.stop_box("fakesmsc")
        own.wait(lambda: b"(online" not in own.status(), "network down")
        message = queue("6281200000108", "nanti saja")
        assert outbound_send_due() == (1, 0)  # Kannel: "3: Queued for later delivery"
        message.refresh_from_db()
        assert message.status == OutboundStatus.SENT
        assert "3: Queued for later delivery" in caplog.text
        own.network_up()
        [sms] = own.wait_for(1)
        assert (sms.to, sms.text) == ("+6281200000108", "nanti saja")
