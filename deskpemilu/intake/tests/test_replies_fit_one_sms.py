"""Every reply to an SMS fits one SMS: 160 characters of the GSM 03.38 7-bit alphabet
(70 if one character needs UCS-2). Kannel cut a longer reply at 160, mid-example."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from deskpemilu.incidents.taxonomy import Category, Severity
from deskpemilu.intake import fieldcode
from deskpemilu.intake.gsm7 import fits_one_sms, sms_units, to_gsm7
from deskpemilu.intake.services import (
    STAGE_WORDS,
    checkin_reply,
    citizen_reply,
    incident_reply,
    reporter_upsert,
    unknown_sender_reply,
)
from deskpemilu.regions.models import Region

T = "3601012001001"
BIG_REF = "M9999999999"  # ten digits: years of a national desk's messages
# Inputs that make each error repeat the most of what was typed.
WORST = [
    "",
    "selesai",
    "X" * 40 + " 1",
    "\U0001f600" * 30,
    "\u201cLAPORR\u201d " + "é" * 30,
    "BUKA",
    "BUKA 36010120AB1XYZ",
    "BUKA 3601-0120-0100-1234-5678-9999-9999",
    "KIRIM " + T + " 0705 " + "blabla" * 20,
    "HITUNG " + T + " 2599",
    "HITUNG " + T + " 99:99:99:99:99",
    "LAPOR",
    "LAPOR " + "abcdefghij" * 5,
    "LAPOR 36.01.01.20.01.00.1.2.3.4.5.6.7.8.9.1.2.3.4.5.6.7.8.9.1.2.3.4.5",
    "LAPOR " + T + " PU " + "x" * 40 + " ada uang",
    "LAPOR " + T + " " + "x" * 40 + " B ada",
    "LAPOR " + T + " PU B",
    "LAPOR " + T + " PU",
    "HASIL " + T + " 1 2 " + "abc" * 20 + " 4 5",
    "HASIL " + T + " 1 2",
    "HASIL " + T + " " + " ".join(["1"] * 60),
    "HASIL " + T + " " + "9" * 400 + " 1 1 1 1",
    "HASIL " + T + " 9999 9999 9999 1 9999",
    "HASIL " + T + " 1 1 1 3 9999 1",
    "HASIL",
    "HASIL " + "1234567890" * 10 + " 1 2 3",
    "INFO",
    "INFO LAPOR",
    "INFO HASIL",
    "INFO BUKA",
]


def assert_one_sms(text: str) -> None:
    encoding, units = sms_units(text)
    assert encoding == "gsm7", (text, [c for c in text if to_gsm7(c) != c])
    assert units <= 160, (units, text)


@pytest.mark.parametrize("text", WORST)
def test_every_reply_of_the_field_code_fits_one_sms(text):
    result = fieldcode.parse(text)
    if isinstance(result, fieldcode.HelpRequest):
        assert_one_sms(fieldcode.HELP_TEXTS[result.topic])
    else:
        assert isinstance(result, fieldcode.ParseError)
        assert_one_sms(result.message)


@settings(max_examples=400, deadline=None)
@given(st.text(max_size=400))
def test_any_text_gets_a_reply_of_one_sms(text):
    result = fieldcode.parse(text)
    if isinstance(result, fieldcode.ParseError):
        assert_one_sms(result.message)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["BUKA", "LAPOR", "HASIL", "KIRIM", "TUTUP", ""]),
    st.lists(
        st.one_of(
            st.from_regex(r"[0-9.\-]{1,30}", fullmatch=True),
            st.text(min_size=1, max_size=30),
        ),
        max_size=8,
    ),
)
def test_any_field_code_with_noise_gets_a_reply_of_one_sms(keyword, parts):
    result = fieldcode.parse(" ".join([keyword, *parts]))
    if isinstance(result, fieldcode.ParseError):
        assert_one_sms(result.message)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.django_db
def test_every_reply_of_the_desk_fits_one_sms_with_the_longest_names(language):
    longest = max(Region.objects.values_list("name", flat=True), key=len)
    at = dt.datetime(2024, 2, 14, 23, 59, tzinfo=dt.UTC)
    with translation.override(language):
        categories = [str(label) for label in Category.labels]
        severities = [str(label) for label in Severity.labels]
    replies = [
        *(checkin_reply(BIG_REF, T, stage, at) for stage in STAGE_WORDS),
        unknown_sender_reply(BIG_REF),
        citizen_reply(BIG_REF),
        *(
            incident_reply("K9999999", c, s, longest + " " + longest)
            for c in categories
            for s in severities
        ),
    ]
    for reply in replies:
        assert_one_sms(reply)


@pytest.mark.django_db
def test_every_reply_through_the_sms_gateway_fits_one_sms(settings):
    settings.DESKPEMILU_SMS_GATEWAY_KEY = "k"
    reporter_upsert(phone="081211112222", name="X" * 120, role="field_officer")
    texts = [
        *WORST,
        "BUKA " + T + " 0705",
        "BUKA 3601019999001",
        "LAPOR 3601019999001 PU B ada amplop",
        "LAPOR 99.99.99 PU B ada amplop",
        "HASIL " + T + " 9999 9999 9999 9999 9999",
        "Pak, di TPS 5 desa kami ada orang bagi-bagi uang \U0001f600",
    ]
    for sender in ("081299990000", "081211112222"):  # unknown, registered
        for n, text in enumerate(texts):
            response = Client().get(
                "/webhooks/sms",
                {"sender": sender, "text": text, "id": f"{sender}-{n}", "key": "k"},
            )
            assert response.status_code == 200
            assert_one_sms(response.content.decode())
    # The registered reporter's reports became incidents; their replies fit too.
    lapor = "LAPOR 36.01 KEK K " + "bentrok " * 30
    response = Client().get(
        "/webhooks/sms",
        {"sender": "081211112222", "text": lapor, "id": "last", "key": "k"},
    )
    assert response.content.startswith(b"OK K")
    assert fits_one_sms(response.content.decode())
