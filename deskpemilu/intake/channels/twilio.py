"""Twilio Programmable Messaging: the incoming-message webhook, its signature, and
the TwiML reply.

Shapes followed:

* "Twilio's request to your incoming message Webhook URL"
  (twilio.com/docs/messaging/guides/webhook-request): an
  ``application/x-www-form-urlencoded`` POST with ``MessageSid``, ``SmsSid``,
  ``SmsMessageSid``, ``AccountSid``, ``MessagingServiceSid``, ``From``, ``To``,
  ``Body``, ``NumMedia``, ``NumSegments``, ``MediaContentType{N}``/``MediaUrl{N}``,
  and for WhatsApp-through-Twilio ``ProfileName``/``WaId`` with ``From`` written
  ``whatsapp:+62...``.
* "Secure webhooks" (twilio.com/docs/usage/webhooks/webhooks-security): header
  ``X-Twilio-Signature`` = base64(HMAC-SHA1(auth token, full URL + every POST
  parameter name followed by its value, names sorted)). As in Twilio's own
  validators, a repeated name contributes its values in sorted order (twilio-php
  and twilio-node drop duplicate values first, some twilio-python versions keep
  them: both are accepted), and the URL is tried as given, without its port and
  with the scheme's default port, because Twilio signs inconsistently there. JSON-bodied
  webhooks (``bodySHA256``) are not used by Messaging and are not handled.
* TwiML ``<Response><Message>`` (twilio.com/docs/messaging/twiml/message).

``provider_id`` is ``MessageSid`` (falling back to ``SmsMessageSid``/``SmsSid``,
which carry the same value): Twilio repeats it on every retry of a delivery.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit, urlunsplit
from xml.sax.saxutils import escape

from .base import (
    SMS_TWILIO,
    Inbound,
    clean_text,
    first_of,
    first_value,
    payload_error,
    require_secret,
    sender_from,
    signature_error,
)

TWIML_CONTENT_TYPE = "application/xml; charset=utf-8"
_XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>'
# Characters XML 1.0 cannot carry at all (controls other than tab, LF, CR).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _values(params: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(params, "getlist", None)
    if callable(getlist):
        return [str(v) for v in getlist(name)]
    value = params[name]
    if isinstance(value, list | tuple):
        return [str(v) for v in value]
    return [str(value)]


def _signature(
    auth_token: str, url: str, params: Mapping[str, Any], dedupe: bool
) -> bytes:
    data = url
    for name in sorted(set(params)):
        values = _values(params, name)
        for value in sorted(set(values) if dedupe else values):
            data += name + value
    digest = hmac.new(
        auth_token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1
    ).digest()
    return base64.b64encode(digest)


def _url_variants(url: str) -> list[str]:
    """The URL as given, without its port, and with the default port."""
    variants = [url]
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return variants
    userinfo, at, hostport = parts.netloc.rpartition("@")
    if port is not None:
        host = hostport.rsplit(":", 1)[0]
        variants.append(urlunsplit(parts._replace(netloc=f"{userinfo}{at}{host}")))
    elif parts.scheme in ("http", "https"):
        default = 443 if parts.scheme == "https" else 80
        netloc = f"{userinfo}{at}{hostport}:{default}"
        variants.append(urlunsplit(parts._replace(netloc=netloc)))
    return variants


def twilio_verify(
    auth_token: str,
    url: str,
    params: Mapping[str, str | list[str]],
    signature: str | None,
) -> None:
    """Check ``X-Twilio-Signature`` for a form POST; raise SignatureError if wrong.

    ``url`` must be the full URL Twilio requested, query string included, exactly
    as configured in Twilio (mind proxies: the public scheme and host, not the
    internal ones). ``params`` are all the POST parameters (a ``QueryDict`` is fine;
    repeated names are honoured).
    """
    require_secret(auth_token, "Twilio auth token")
    if not signature:
        raise signature_error("missing_signature", "X-Twilio-Signature is missing")
    given = signature.strip().encode("utf-8")
    ok = False
    for variant in _url_variants(url):
        for dedupe in (True, False):
            expected = _signature(auth_token, variant, params, dedupe)
            ok |= hmac.compare_digest(expected, given)
    if not ok:
        raise signature_error("bad_signature", "X-Twilio-Signature does not match")


def _media_kind(mime: str) -> str:
    major = mime.split("/", 1)[0].lower()
    return major if major in ("image", "video", "audio") else "file"


def twilio_parse(params: Mapping[str, str]) -> Inbound:
    """The incoming-message webhook's form parameters as an :class:`Inbound`."""
    sid = first_of(params, ("MessageSid", "SmsMessageSid", "SmsSid"))
    if not sid:
        raise payload_error(
            "missing_id", "nomor pesan tidak ada", "MessageSid/SmsSid missing"
        )
    raw_from = (first_value(params, "From") or "").strip()
    if not raw_from:
        raise payload_error("missing_sender", "pengirim tidak ada", "From missing")
    via = "sms"
    address = raw_from
    if raw_from.lower().startswith("whatsapp:"):
        via = "whatsapp"
        address = raw_from.split(":", 1)[1]

    attachments: list[dict[str, Any]] = []
    num_media = (first_value(params, "NumMedia") or "0").strip() or "0"
    if not (num_media.isascii() and num_media.isdigit()) or len(num_media) > 2:
        raise payload_error(
            "bad_media", "jumlah lampiran tidak sah", f"NumMedia={num_media!r}"
        )
    for index in range(int(num_media)):
        media_url = first_value(params, f"MediaUrl{index}")
        if not media_url:
            raise payload_error(
                "bad_media",
                "lampiran tidak lengkap",
                f"NumMedia={num_media} but MediaUrl{index} missing",
            )
        mime = first_value(params, f"MediaContentType{index}") or ""
        attachments.append({"type": _media_kind(mime), "url": media_url, "mime": mime})

    meta: dict[str, Any] = {"via": via}
    for key, name in (
        ("account_sid", "AccountSid"),
        ("to", "To"),
        ("messaging_service_sid", "MessagingServiceSid"),
        ("num_segments", "NumSegments"),
        ("from_country", "FromCountry"),
    ):
        value = first_value(params, name)
        if value:
            meta[key] = value
    return Inbound(
        channel=SMS_TWILIO,
        provider_id=sid,
        sender=sender_from(address),
        sender_name=(first_value(params, "ProfileName") or "").strip(),
        text=clean_text(first_value(params, "Body")),
        sent_at=None,  # Twilio's webhook carries no send time
        attachments=attachments,
        reply_to=raw_from,
        meta=meta,
    )


def twilio_reply(text: str | None) -> str:
    """TwiML answering the webhook: one ``<Message>`` with ``text``, or an empty
    ``<Response/>`` (acknowledge, send nothing) when there is no text. The text is
    XML-escaped and stripped of characters XML cannot carry."""
    if not text:
        return f"{_XML_DECLARATION}<Response/>"
    body = escape(_XML_ILLEGAL.sub("", text))
    return f"{_XML_DECLARATION}<Response><Message>{body}</Message></Response>"
