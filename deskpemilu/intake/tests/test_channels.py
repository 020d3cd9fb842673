"""Channel adapters against payloads shaped like the providers' own documentation.

No database: the adapters are pure. Signatures are computed here independently of
the code under test and pinned to the providers' published vectors where they
exist (Twilio's "12345" example, as in its docs and SDK tests).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict

from deskpemilu.intake.channels import (
    BOT_API,
    GRAPH_API,
    PayloadError,
    SignatureError,
    gateway_parse,
    gateway_verify,
    normalise_phone,
    telegram_outbound,
    telegram_parse,
    telegram_verify,
    twilio_parse,
    twilio_reply,
    twilio_verify,
    whatsapp_outbound,
    whatsapp_parse,
    whatsapp_verify_challenge,
    whatsapp_verify_signature,
)

PAYLOADS = Path(__file__).parent / "payloads"


def raw(name: str) -> bytes:
    return (PAYLOADS / name).read_bytes()


def form(name: str) -> QueryDict:
    """A form body or query string as Django hands it to a view."""
    return QueryDict(raw(name).decode("ascii").strip())


# --- phone numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    "written",
    [
        "+6281234567890",
        "081234567890",
        "6281234567890",
        "0812-3456-7890",
        "+62 812 3456 7890",
        "(0812) 3456 7890",
        "0062 81234567890",
        "+62 0812 3456 7890",
        " 0812.3456.7890 ",
    ],
)
def test_indonesian_numbers_in_every_written_form_become_62_digits(written):
    assert normalise_phone(written) == "6281234567890"


def test_other_countries_keep_their_code():
    assert normalise_phone("+1 415 523 8886") == "14155238886"
    assert normalise_phone("+60 17-352 6233") == "60173526233"


def test_short_codes_stay_as_they_are():
    assert normalise_phone("3636") == "3636"


@pytest.mark.parametrize(
    "written", ["", "   ", "TELKOMSEL", "0812abc", "08", "+62812345678901234", "1+2"]
)
def test_what_is_not_a_phone_number_is_refused(written):
    with pytest.raises(PayloadError) as caught:
        normalise_phone(written)
    assert caught.value.code == "bad_phone"


# --- Twilio ------------------------------------------------------------------------

# Twilio's documented example ("Secure webhooks"; the same vector is in every
# Twilio SDK's RequestValidator test).
DOC_TOKEN = "12345"
DOC_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
DOC_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}
DOC_SIGNATURE = "RSOYDt4T1cUTdK1PDd93/VVr8B8="


def twilio_signature(token: str, url: str, pairs: list[tuple[str, str]]) -> str:
    """Twilio's algorithm written out independently: the URL, then every distinct
    (name, value) pair in sorted order, name and value glued together."""
    signed = url + "".join(name + value for name, value in sorted(set(pairs)))
    mac = hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    return base64.b64encode(mac).decode()


def pairs_of(body: bytes) -> list[tuple[str, str]]:
    parsed = parse_qs(body.decode().strip(), keep_blank_values=True)
    return [(name, value) for name, values in parsed.items() for value in values]


def test_independent_signature_reproduces_twilios_documented_example():
    assert twilio_signature(DOC_TOKEN, DOC_URL, list(DOC_PARAMS.items())) == (
        DOC_SIGNATURE
    )


def test_twilio_verify_accepts_the_documented_example():
    twilio_verify(DOC_TOKEN, DOC_URL, DOC_PARAMS, DOC_SIGNATURE)
    reordered = dict(reversed(list(DOC_PARAMS.items())))
    twilio_verify(DOC_TOKEN, DOC_URL, reordered, DOC_SIGNATURE)


@pytest.mark.parametrize(
    ("token", "url", "params"),
    [
        ("54321", DOC_URL, DOC_PARAMS),
        (DOC_TOKEN, DOC_URL + "&baz=3", DOC_PARAMS),
        (DOC_TOKEN, DOC_URL.replace("https", "http"), DOC_PARAMS),
        (DOC_TOKEN, DOC_URL, {**DOC_PARAMS, "Digits": "9999"}),
        (DOC_TOKEN, DOC_URL, {**DOC_PARAMS, "Extra": ""}),
        (DOC_TOKEN, DOC_URL, {k: v for k, v in DOC_PARAMS.items() if k != "To"}),
    ],
    ids=["wrong-token", "other-url", "http", "tampered", "added", "removed"],
)
def test_twilio_verify_rejects_any_change(token, url, params):
    with pytest.raises(SignatureError) as caught:
        twilio_verify(token, url, params, DOC_SIGNATURE)
    assert caught.value.code == "bad_signature"


@pytest.mark.parametrize("signature", [None, "", "FAIL", "invalid 王"])
def test_twilio_verify_rejects_missing_or_garbage_signatures(signature):
    with pytest.raises(SignatureError):
        twilio_verify(DOC_TOKEN, DOC_URL, DOC_PARAMS, signature)


def test_twilio_verify_refuses_everything_without_a_token():
    with pytest.raises(SignatureError) as caught:
        twilio_verify("", DOC_URL, DOC_PARAMS, DOC_SIGNATURE)
    assert caught.value.code == "not_configured"


def test_twilio_repeated_parameters_follow_the_sdk_vector():
    # twilio-php RequestValidatorTest: array values with duplicates, which
    # twilio-php and twilio-node drop before signing.
    expected = "IK+Dwps556ElfBT0I3Rgjkr1wJU="
    params = {"Sid": "CA123", "SidAccount": "AC123", "Digits": ["5678", "1234", "1234"]}
    pairs = [("Sid", "CA123"), ("SidAccount", "AC123")] + [
        ("Digits", d) for d in ("5678", "1234", "1234")
    ]
    assert twilio_signature(DOC_TOKEN, DOC_URL, pairs) == expected
    twilio_verify(DOC_TOKEN, DOC_URL, params, expected)
    as_form = QueryDict(
        "Sid=CA123&SidAccount=AC123&Digits=5678&Digits=1234&Digits=1234"
    )
    twilio_verify(DOC_TOKEN, DOC_URL, as_form, expected)
    # Signed keeping the duplicate (some twilio-python versions): also accepted.
    kept = DOC_URL + "Digits1234Digits1234Digits5678SidCA123SidAccountAC123"
    mac = hmac.new(DOC_TOKEN.encode(), kept.encode(), hashlib.sha1).digest()
    twilio_verify(DOC_TOKEN, DOC_URL, params, base64.b64encode(mac).decode())
    with pytest.raises(SignatureError):
        twilio_verify(DOC_TOKEN, DOC_URL, {**params, "Digits": ["5678"]}, expected)


def test_twilio_port_is_tolerated_both_ways():
    # Twilio may sign with or without the port (twilio-php/-python tests).
    with_port = DOC_URL.replace(".com", ".com:1234")
    twilio_verify(DOC_TOKEN, with_port, DOC_PARAMS, DOC_SIGNATURE)
    signed_with_443 = "kvajT1Ptam85bY51eRf/AJRuM3w="
    assert (
        twilio_signature(
            DOC_TOKEN, DOC_URL.replace(".com", ".com:443"), list(DOC_PARAMS.items())
        )
        == signed_with_443
    )
    twilio_verify(DOC_TOKEN, DOC_URL, DOC_PARAMS, signed_with_443)


SMS_URL = "https://desk.example.id/intake/twilio/sms/"
SMS_TOKEN = "a3f9c1e7b5d2048e6f1a9c3e5b7d0f2a"


def test_twilio_signed_sms_form_is_accepted_and_tampering_is_not():
    body = raw("twilio_sms.txt")
    signature = twilio_signature(SMS_TOKEN, SMS_URL, pairs_of(body))
    twilio_verify(SMS_TOKEN, SMS_URL, form("twilio_sms.txt"), signature)

    tampered = QueryDict(body.decode().replace("kurang+15", "kurang+50"))
    with pytest.raises(SignatureError):
        twilio_verify(SMS_TOKEN, SMS_URL, tampered, signature)
    with pytest.raises(SignatureError):
        twilio_verify("0" * 32, SMS_URL, form("twilio_sms.txt"), signature)


def test_twilio_sms_is_parsed():
    message = twilio_parse(form("twilio_sms.txt"))
    assert message.channel == "sms_twilio"
    assert message.provider_id == "SM4f1c2a7e9b3d48e6a0c5d2f8b1e7a934"
    assert message.sender == "6281234567890"
    assert message.reply_to == "+6281234567890"
    assert message.text == (
        "LAPOR TPS 005 Ds. Sukamaju: surat suara kurang 15 lembar & saksi "
        "<paslon 2> ditolak masuk\nMohon tindak lanjut"
    )
    assert message.sent_at is None
    assert message.attachments == []
    assert message.meta["account_sid"] == "AC7b3e9d1f5a2c48b6e0d4f9a1c3b5e7d2"
    assert message.meta["to"] == "+12025550143"
    assert message.meta["via"] == "sms"


def test_twilio_text_keeps_leading_and_inner_whitespace():
    params = {"MessageSid": "SM1", "From": "+6281234567890", "Body": "  A\n\n B \r\n"}
    assert twilio_parse(params).text == "  A\n\n B"


def test_twilio_retry_carries_the_same_id():
    first = twilio_parse(form("twilio_sms.txt"))
    again = twilio_parse(form("twilio_sms.txt"))
    other = twilio_parse(form("twilio_mms.txt"))
    assert first.provider_id == again.provider_id != other.provider_id


def test_twilio_sms_sid_is_used_when_message_sid_is_absent():
    params = {"SmsSid": "SM0123", "From": "+6281234567890", "Body": "x"}
    assert twilio_parse(params).provider_id == "SM0123"


def test_twilio_mms_media_become_attachments():
    message = twilio_parse(form("twilio_mms.txt"))
    assert message.text == ""
    assert message.attachments == [
        {
            "type": "image",
            "url": "https://api.twilio.com/2010-04-01/Accounts/"
            "AC7b3e9d1f5a2c48b6e0d4f9a1c3b5e7d2/Messages/"
            "MM8a0b2c4d6e8f40a2b4c6d8e0f2a4b6c8/Media/"
            "ME3c5e7a9b1d3f45a7c9e1b3d5f7a9c1e3",
            "mime": "image/jpeg",
        }
    ]
    assert message.sender == "6285712345678"


def test_twilio_whatsapp_sender_keeps_its_address_for_the_reply():
    params = {
        "MessageSid": "SM9",
        "From": "whatsapp:+6281234567890",
        "ProfileName": "Siti",
        "Body": "Halo",
    }
    message = twilio_parse(params)
    assert message.sender == "6281234567890"
    assert message.reply_to == "whatsapp:+6281234567890"
    assert message.sender_name == "Siti"
    assert message.meta["via"] == "whatsapp"


def test_twilio_alphanumeric_sender_is_kept():
    message = twilio_parse({"MessageSid": "SM1", "From": "TELKOMSEL", "Body": "Promo"})
    assert message.sender == "TELKOMSEL"


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"From": "+6281234567890", "Body": "x"}, "missing_id"),
        ({"MessageSid": "SM1", "Body": "x"}, "missing_sender"),
        ({"MessageSid": "SM1", "From": "+62812", "NumMedia": "dua"}, "bad_media"),
        (
            {
                "MessageSid": "SM1",
                "From": "+6281234567890",
                "NumMedia": "2",
                "MediaUrl0": "https://api.twilio.com/m0",
            },
            "bad_media",
        ),
    ],
)
def test_twilio_malformed_forms_are_refused(params, code):
    with pytest.raises(PayloadError) as caught:
        twilio_parse(params)
    assert caught.value.code == code
    assert caught.value.message.startswith("Pesan tidak dapat dibaca")
    assert caught.value.detail


def test_twiml_reply_escapes_markup():
    text = 'Terima kasih. Kode <A&B> "diterima" > 2'
    twiml = twilio_reply(text)
    assert twiml.startswith('<?xml version="1.0" encoding="UTF-8"?><Response>')
    assert "<A&B>" not in twiml
    assert "&lt;A&amp;B&gt;" in twiml
    root = ET.fromstring(twiml)
    assert root.tag == "Response"
    assert [child.tag for child in root] == ["Message"]
    assert root[0].text == text


def test_twiml_reply_drops_characters_xml_cannot_carry():
    root = ET.fromstring(twilio_reply("baris\x00satu\x1b\nbaris dua"))
    assert root[0].text == "barissatu\nbaris dua"


def test_twiml_without_text_acknowledges_silently():
    root = ET.fromstring(twilio_reply(""))
    assert root.tag == "Response" and len(root) == 0


# --- SMS gateway (Kannel / Gammu) ----------------------------------------------------


def test_kannel_get_url_is_parsed():
    message = gateway_parse(form("gateway_kannel.txt"))
    assert message.channel == "sms_gateway"
    assert message.provider_id == "4f9d2c1e-8b7a-4e6d-9c0b-2a1f3e5d7c9b"
    assert message.sender == "6281234567890"
    assert message.reply_to == "+6281234567890"
    assert message.text == "CEKIN 3604012001 005 BUKA\nSemua saksi hadir"
    assert message.sent_at == datetime(2024, 2, 14, 3, 15, 7, tzinfo=UTC)
    assert message.meta == {"to": "99876", "smsc": "telkomsel"}
    assert "uji-kunci-gateway" not in json.dumps(message.meta)


@pytest.mark.parametrize(
    ("sender", "text", "ident"),
    [
        ("from", "message", "message_id"),
        ("phone", "msg", "id"),
        ("msisdn", "body", "msgid"),
    ],
)
def test_gateway_accepts_the_common_parameter_names(sender, text, ident):
    params = {sender: "081234567890", text: "LAPOR aman", ident: "77"}
    message = gateway_parse(params)
    assert (message.sender, message.text, message.provider_id) == (
        "6281234567890",
        "LAPOR aman",
        "77",
    )
    assert message.reply_to == "081234567890"


def test_gateway_smsc_id_is_not_a_message_id():
    # Kannel's %i names the SMSC link: the same for every message on it.
    one = gateway_parse({"sender": "0812", "text": "a", "smsc_id": "telkomsel"})
    two = gateway_parse({"sender": "0812", "text": "b", "smsc_id": "telkomsel"})
    assert one.provider_id == two.provider_id == ""
    assert one.meta["smsc"] == "telkomsel"


@pytest.mark.parametrize(
    "written",
    [
        "1707880507",  # Kannel %T
        "1707880507000",  # milliseconds (SMSSync-style)
        "2024-02-14+03:15:07",  # Kannel %t as it appears undecoded
        "2024-02-14 03:15:07",  # Kannel %t decoded
        "2024-02-14T10:15:07+07:00",  # ISO 8601 with WIB offset
        "2024-02-14T03:15:07Z",
    ],
)
def test_gateway_times_become_aware_utc(written):
    message = gateway_parse({"sender": "0812", "text": "x", "time": written})
    assert message.sent_at == datetime(2024, 2, 14, 3, 15, 7, tzinfo=UTC)


def test_gateway_old_kannel_minute_format():
    message = gateway_parse({"sender": "0812", "text": "x", "time": "1999-09-21 14:18"})
    assert message.sent_at == datetime(1999, 9, 21, 14, 18, tzinfo=UTC)


def test_gateway_without_time_or_id():
    message = gateway_parse({"sender": "0812", "text": ""})
    assert message.sent_at is None
    assert message.provider_id == ""
    assert message.text == ""


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"text": "x"}, "missing_sender"),
        ({"sender": "  ", "text": "x"}, "missing_sender"),
        ({"sender": "0812"}, "missing_text"),
        ({"sender": "0812", "text": "x", "time": "besok pagi"}, "bad_time"),
    ],
)
def test_gateway_malformed_requests_are_refused(params, code):
    with pytest.raises(PayloadError) as caught:
        gateway_parse(params)
    assert caught.value.code == code


def test_gateway_key_from_parameter_or_header():
    gateway_verify("uji-kunci-gateway", form("gateway_kannel.txt"))
    gateway_verify("uji-kunci-gateway", {}, header="uji-kunci-gateway")
    gateway_verify("uji-kunci-gateway", {"secret": "uji-kunci-gateway"})


@pytest.mark.parametrize(
    ("secret", "params", "header", "code"),
    [
        ("kunci-lain", {"key": "uji-kunci-gateway"}, None, "bad_key"),
        ("uji-kunci-gateway", {}, None, "missing_key"),
        ("uji-kunci-gateway", {"key": ""}, None, "missing_key"),
        ("uji-kunci-gateway", {"key": "uji-kunci-gateway"}, "salah", "bad_key"),
        ("", {"key": ""}, None, "not_configured"),
    ],
)
def test_gateway_key_is_refused_when_wrong(secret, params, header, code):
    with pytest.raises(SignatureError) as caught:
        gateway_verify(secret, params, header=header)
    assert caught.value.code == code


# --- WhatsApp Cloud API --------------------------------------------------------------

APP_SECRET = "6d1c9b3f0e2a4c8b"
VERIFY_TOKEN = "desk-pemilu-verifikasi"


def meta_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_whatsapp_get_verification_echoes_the_challenge():
    params = QueryDict(
        "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token="
        "desk-pemilu-verifikasi"
    )
    assert whatsapp_verify_challenge(params, VERIFY_TOKEN) == "1158201444"


@pytest.mark.parametrize(
    "query",
    [
        "hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=salah",
        "hub.mode=unsubscribe&hub.challenge=1158201444"
        "&hub.verify_token=desk-pemilu-verifikasi",
        "hub.mode=subscribe&hub.challenge=1158201444",
    ],
    ids=["wrong-token", "wrong-mode", "no-token"],
)
def test_whatsapp_get_verification_refuses(query):
    with pytest.raises(SignatureError):
        whatsapp_verify_challenge(QueryDict(query), VERIFY_TOKEN)


def test_whatsapp_get_verification_without_configured_token():
    query = QueryDict("hub.mode=subscribe&hub.challenge=1&hub.verify_token=")
    with pytest.raises(SignatureError):
        whatsapp_verify_challenge(query, "")


def test_whatsapp_signature_accepts_the_raw_body():
    body = raw("whatsapp_text.json")
    whatsapp_verify_signature(APP_SECRET, body, meta_signature(APP_SECRET, body))


@pytest.mark.parametrize(
    ("secret", "mangle", "header"),
    [
        (APP_SECRET, lambda b: b.replace(b"rusak", b"aman!"), "computed"),
        (APP_SECRET, lambda b: b + b"\n", "computed"),
        ("rahasia-lain", lambda b: b, "computed"),
        (APP_SECRET, lambda b: b, None),
        (APP_SECRET, lambda b: b, ""),
        (APP_SECRET, lambda b: b, "sha1=0123"),
        (APP_SECRET, lambda b: b, "sha256="),
        (APP_SECRET, lambda b: b, "sha256=Ω"),
        (APP_SECRET, lambda b: b, "sha1-right-digest"),
    ],
    ids=[
        "tampered",
        "re-serialised",
        "wrong-secret",
        "missing",
        "empty",
        "sha1",
        "no-digest",
        "non-ascii",
        "right-digest-wrong-scheme",
    ],
)
def test_whatsapp_signature_rejects(secret, mangle, header):
    body = raw("whatsapp_text.json")
    if header == "computed":
        header = meta_signature(secret, body)
    elif header == "sha1-right-digest":
        header = meta_signature(secret, body).replace("sha256=", "sha1=")
    with pytest.raises(SignatureError):
        whatsapp_verify_signature(APP_SECRET, mangle(body), header)


def test_whatsapp_signature_refuses_without_app_secret():
    body = raw("whatsapp_text.json")
    with pytest.raises(SignatureError) as caught:
        whatsapp_verify_signature("", body, meta_signature("", body))
    assert caught.value.code == "not_configured"


def test_whatsapp_text_message_is_parsed():
    [message] = whatsapp_parse(raw("whatsapp_text.json"))
    assert message.channel == "whatsapp"
    assert message.provider_id == (
        "wamid.HBgNNjI4MTIzNDU2Nzg5MBUCABIYFDNBMDJGNjE0QjlEMEQ1QzA5RjI1AA=="
    )
    assert message.sender == "6281234567890"
    assert message.sender_name == "Siti Rahmawati"
    assert message.text == "LAPOR TPS 005 Ds. Sukamaju: kotak suara rusak"
    assert message.sent_at == datetime(2024, 2, 14, 3, 15, 7, tzinfo=UTC)
    assert message.attachments == []
    assert message.reply_to == "6281234567890"
    assert message.meta["phone_number_id"] == "106540352242922"
    assert message.meta["display_phone_number"] == "15550783881"
    assert message.meta["waba_id"] == "102290129340398"
    assert message.meta["type"] == "text"


def test_whatsapp_statuses_only_payload_gives_nothing():
    assert whatsapp_parse(raw("whatsapp_statuses.json")) == []


IMAGE_SHA256 = "81d3bd8a8db4868c9520ed47186e8b7c5789e61ff79f7f834be6950b808a90d3"


def test_whatsapp_image_with_caption():
    [message] = whatsapp_parse(raw("whatsapp_image.json"))
    assert message.text == "Baliho paslon masih terpasang di depan TPS 012"
    assert message.attachments == [
        {
            "type": "image",
            "id": "2754859441498128",
            "mime": "image/jpeg",
            "sha256": IMAGE_SHA256,
        }
    ]
    assert message.sender_name == "Budi Santoso"
    assert message.meta["type"] == "image"


def test_whatsapp_batch_gives_every_message_in_order():
    messages = whatsapp_parse(raw("whatsapp_batch.json"))
    assert [m.provider_id for m in messages] == [
        "wamid.BATCH1",
        "wamid.BATCH2",
        "wamid.BATCH3",
    ]
    first, located, button = messages
    assert first.text == "CEKIN 3604012001 005 TUTUP"
    assert located.sender == "6287812345678"
    assert located.sender_name == "Agus"
    assert located.text == ""
    assert located.attachments == [
        {
            "type": "location",
            "latitude": -6.1203,
            "longitude": 106.1503,
            "name": "TPS 005 Sukamaju",
            "address": "Jl. Raya Serang",
        }
    ]
    assert button.text == "Ya, benar"
    assert button.meta["reply_id"] == "konfirmasi-ya"
    assert button.meta["context_id"] == "wamid.OUT1"


def test_whatsapp_only_the_messages_field_is_read():
    payload = json.loads(raw("whatsapp_text.json"))
    payload["entry"][0]["changes"][0]["field"] = "smb_message_echoes"
    assert whatsapp_parse(json.dumps(payload).encode()) == []


def test_whatsapp_retry_carries_the_same_ids():
    body = raw("whatsapp_batch.json")
    assert [m.provider_id for m in whatsapp_parse(body)] == [
        m.provider_id for m in whatsapp_parse(body)
    ]


def test_whatsapp_user_known_only_by_business_scoped_id():
    [message] = whatsapp_parse(raw("whatsapp_bsuid.json"))
    assert message.sender == "wa:ID.1502576394655843"
    assert message.reply_to == "ID.1502576394655843"
    assert message.meta["username"] == "@dewi.pemantau"
    _, _, body = whatsapp_outbound(GRAPH_API, "t", "1065", message.reply_to, "Halo")
    assert body["recipient"] == "ID.1502576394655843"
    assert "to" not in body


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"{not json", "bad_json"),
        (b"\xff\xfe", "bad_json"),
        (b"[]", "bad_payload"),
        (b'{"object": "page", "entry": []}', "bad_payload"),
        (b'{"object": "whatsapp_business_account", "entry": {}}', "bad_payload"),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": '
            b'[{"field": "messages", "value": {"messages": [{"from": "62812"}]}}]}]}',
            "bad_payload",
        ),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": '
            b'[{"field": "messages", "value": {"messages": [{"id": "wamid.X", '
            b'"type": "text", "text": {"body": "x"}}]}}]}]}',
            "missing_sender",
        ),
        (
            b'{"object": "whatsapp_business_account", "entry": [{"changes": '
            b'[{"field": "messages", "value": {"messages": [{"id": "wamid.X", '
            b'"from": "62812", "timestamp": "kemarin"}]}}]}]}',
            "bad_time",
        ),
    ],
)
def test_whatsapp_malformed_payloads_are_refused(body, code):
    with pytest.raises(PayloadError) as caught:
        whatsapp_parse(body)
    assert caught.value.code == code


def test_whatsapp_outbound_text_request():
    url, headers, body = whatsapp_outbound(
        "https://graph.facebook.com/v21.0/",
        "EAAtoken",
        "106540352242922",
        "6281234567890",
        "Laporan M0000042 diterima. Terima kasih.",
    )
    assert url == "https://graph.facebook.com/v21.0/106540352242922/messages"
    assert headers == {
        "Authorization": "Bearer EAAtoken",
        "Content-Type": "application/json",
    }
    assert body == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": "6281234567890",
        "type": "text",
        "text": {
            "preview_url": False,
            "body": "Laporan M0000042 diterima. Terima kasih.",
        },
    }
    json.dumps(body)  # serialisable as is


def test_whatsapp_outbound_can_quote_the_report():
    _, _, body = whatsapp_outbound(
        GRAPH_API, "t", "1065", "6281234567890", "Diterima", "wamid.ABC"
    )
    assert body["context"] == {"message_id": "wamid.ABC"}


@pytest.mark.parametrize("text", ["", "x" * 4097])
def test_whatsapp_outbound_refuses_text_it_cannot_send(text):
    with pytest.raises(ValueError):
        whatsapp_outbound(GRAPH_API, "t", "1065", "6281234567890", text)


# --- Telegram ------------------------------------------------------------------------

TG_SECRET = "deskpemilu_Webhook-2024"


def test_telegram_secret_header():
    telegram_verify(TG_SECRET, TG_SECRET)
    for header in (None, "", "deskpemilu_webhook-2024", TG_SECRET + "x", "Ω"):
        with pytest.raises(SignatureError):
            telegram_verify(TG_SECRET, header)
    with pytest.raises(SignatureError) as caught:
        telegram_verify("", "")
    assert caught.value.code == "not_configured"


def test_telegram_text_update_is_parsed():
    [message] = telegram_parse(raw("telegram_text.json"))
    assert message.channel == "telegram"
    assert message.provider_id == "987654321:4521"
    assert message.sender == "tg:987654321"
    assert message.sender_name == "Rudi Hartono"
    assert message.text == "LAPOR TPS 003 Kel. Cipare: antrean panjang, bilik kurang"
    assert message.sent_at == datetime(2024, 2, 14, 3, 20, tzinfo=UTC)
    assert message.reply_to == "987654321"
    assert message.attachments == []
    assert message.meta["update_id"] == 734110921
    assert message.meta["message_id"] == 4521
    assert message.meta["username"] == "rudi_pantau"
    assert message.meta["chat_type"] == "private"


def test_telegram_photo_with_caption_in_a_group():
    [message] = telegram_parse(raw("telegram_photo.json"))
    assert message.text == "Kotak suara tiba tanpa segel, TPS 007"
    assert message.provider_id == "-1001987654321:4530"
    assert message.sender == "tg:987654321"
    assert message.reply_to == "-1001987654321"
    assert message.attachments == [
        {
            "type": "image",
            "id": "AgACAgUAAxkBAAIRs2XMa1large",
            "unique_id": "AQADlg1",
            "width": 1280,
            "height": 960,
        }
    ]


def test_telegram_edit_is_a_new_message_but_its_retry_is_not():
    [original] = telegram_parse(raw("telegram_text.json"))
    [edited] = telegram_parse(raw("telegram_edited.json"))
    [again] = telegram_parse(raw("telegram_edited.json"))
    assert edited.provider_id == "987654321:4521:e1707880920"
    assert edited.provider_id != original.provider_id
    assert again.provider_id == edited.provider_id
    assert edited.meta["original_id"] == original.provider_id
    assert edited.sent_at == original.sent_at
    assert edited.text.endswith("bilik kurang 2")


def test_telegram_channel_post_is_from_the_channel():
    [message] = telegram_parse(raw("telegram_channel_post.json"))
    assert message.sender == "tg:-1001122334455"
    assert message.sender_name == "Info Bawaslu Kab. Serang"
    assert message.provider_id == "-1001122334455:88"


def test_telegram_other_updates_give_nothing():
    assert telegram_parse(raw("telegram_callback_query.json")) == []
    assert telegram_parse(b'{"update_id": 5, "my_chat_member": {}}') == []


def test_telegram_shared_own_contact_gives_the_phone():
    update = {
        "update_id": 9,
        "message": {
            "message_id": 1,
            "from": {"id": 555, "is_bot": False, "first_name": "Ani"},
            "chat": {"id": 555, "type": "private"},
            "date": 1707880800,
            "contact": {
                "phone_number": "+62 812-3456-7890",
                "first_name": "Ani",
                "user_id": 555,
            },
        },
    }
    [message] = telegram_parse(json.dumps(update).encode())
    assert message.meta["phone"] == "6281234567890"
    assert message.attachments[0]["type"] == "contact"


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"", "bad_json"),
        (b"[1]", "bad_payload"),
        (b'{"message": {}}', "bad_payload"),
        (b'{"update_id": "7", "message": {}}', "bad_payload"),
        (
            b'{"update_id": 7, "message": {"message_id": "1", "chat": {"id": 1}}}',
            "bad_payload",
        ),
        (b'{"update_id": 7, "message": {"message_id": 1, "chat": {}}}', "bad_payload"),
        (b'{"update_id": 7, "message": "halo"}', "bad_payload"),
    ],
)
def test_telegram_malformed_updates_are_refused(body, code):
    with pytest.raises(PayloadError) as caught:
        telegram_parse(body)
    assert caught.value.code == code


def test_telegram_outbound_send_message():
    url, headers, body = telegram_outbound(
        BOT_API, "123456:ABC-DEF", "987654321", "Laporan diterima."
    )
    assert url == "https://api.telegram.org/bot123456:ABC-DEF/sendMessage"
    assert headers == {"Content-Type": "application/json"}
    assert body == {"chat_id": 987654321, "text": "Laporan diterima."}


def test_telegram_outbound_reply_to_a_message_in_a_group():
    _, _, body = telegram_outbound(
        "https://api.telegram.org/", "123456:ABC", "-1001987654321", "Diterima", 4530
    )
    assert body == {
        "chat_id": -1001987654321,
        "text": "Diterima",
        "reply_parameters": {"message_id": 4530, "allow_sending_without_reply": True},
    }


@pytest.mark.parametrize("text", ["", "x" * 4097])
def test_telegram_outbound_refuses_text_it_cannot_send(text):
    with pytest.raises(ValueError):
        telegram_outbound(BOT_API, "123456:ABC", "1", text)
