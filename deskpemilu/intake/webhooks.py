"""Provider webhooks: SMS (Twilio, Kannel/Gammu-style gateways), WhatsApp Cloud API,
Telegram Bot API. Each checks the provider's secret, stores every message raw, then
processes it; a retry of the same provider message gets the first answer back.

A request whose signature fails is not authentic and is not stored (403, logged). An
authentic request that cannot be read is stored raw, marked failed, and answered 400:
that includes JSON nested deeper than any provider writes it
(``channels.base.MAX_JSON_DEPTH``).
The raw copy keeps the request byte for byte except for secrets: the value of any
query or form parameter named in :data:`SECRET_PARAMS` is replaced by ``***``
(headers, where the other channels carry their secrets, are not stored).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from urllib.parse import unquote_plus

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from deskpemilu.core import jsonload
from deskpemilu.core.clientaddr import client_address
from deskpemilu.intake import channels
from deskpemilu.intake.bulk import handle_one, messages_handle_batch
from deskpemilu.intake.channels import PayloadError, SignatureError
from deskpemilu.intake.channels.base import MAX_JSON_DEPTH, payload_error
from deskpemilu.intake.channels.gateway import gateway_form, gateway_reply_headers
from deskpemilu.intake.models import InboundMessage, ParseStatus
from deskpemilu.intake.services import Incoming, message_receive

log = logging.getLogger(__name__)
TEXT = "text/plain; charset=utf-8"


# Parameter names whose values are secrets (compared without case): the gateway's
# key, and the names a provider or an operator may put a token under in a URL.
SECRET_PARAMS = frozenset(
    {
        "key",
        "secret",
        "token",
        "access_token",
        "api_key",
        "apikey",
        "auth_token",
        "password",
        "hub.verify_token",
    }
)
SECRET_MASK = "***"
_PAIR = re.compile(r"([^&;=]*)(=?)([^&;]*)")


def redact(encoded: str) -> str:
    """A query string or form body with every secret parameter's value replaced by
    ``***``, the rest byte for byte."""

    def mask(match: re.Match[str]) -> str:
        name, equals, value = match.groups()
        if value and unquote_plus(name).strip().lower() in SECRET_PARAMS:
            return f"{name}{equals}{SECRET_MASK}"
        return match.group(0)

    return _PAIR.sub(mask, encoded)


# A multipart part's header naming the field, its blank line, and its value.
_PART = re.compile(
    r'(Content-Disposition:[^\r\n]*\bname="([^"]*)"[^\r\n]*\r?\n'
    r"(?:[^\r\n]+\r?\n)*\r?\n)(.*?)(?=\r?\n--)",
    re.IGNORECASE | re.DOTALL,
)


def redact_multipart(body: str) -> str:
    """A multipart form with every secret field's value replaced by ``***``."""

    def mask(match: re.Match[str]) -> str:
        head, name, value = match.groups()
        if value and name.strip().lower() in SECRET_PARAMS:
            return head + SECRET_MASK
        return match.group(0)

    return _PART.sub(mask, body)


def _is_form(request: HttpRequest) -> bool:
    return request.content_type == "application/x-www-form-urlencoded"


def _raw(request: HttpRequest) -> str:
    query = redact(request.META.get("QUERY_STRING", ""))
    body = request.body.decode("utf-8", errors="replace") if request.body else ""
    if body and _is_form(request):
        body = redact(body)
    elif body and request.content_type == "multipart/form-data":
        body = redact_multipart(body)
    # PostgreSQL text cannot hold NUL: shown as U+FFFD, as intake.bulk does.
    raw = "\n".join(part for part in (query, body) if part)
    return raw.replace("\x00", "\ufffd")


def _refused(channel: str, error: SignatureError) -> HttpResponse:
    log.warning("%s webhook refused: %s", channel, error.detail)
    return HttpResponse(error.message + "\n", status=403, content_type=TEXT)


def _unreadable(channel: str, raw: str, error: PayloadError) -> HttpResponse:
    """An authentic but unreadable request: kept raw, answered 400."""
    message, _ = message_receive(Incoming(channel=channel, body="", raw=raw))
    InboundMessage.objects.filter(pk=message.pk).update(
        status=ParseStatus.FAILED, error_code=error.code[:40], reply=error.message
    )
    return HttpResponse(error.message + "\n", status=400, content_type=TEXT)


def _incoming(inbound: channels.Inbound, raw: str, request: HttpRequest) -> Incoming:
    return Incoming(
        channel=inbound.channel,
        body=inbound.text,
        raw=raw,
        sender=inbound.sender,
        provider_id=inbound.provider_id,
        sender_name=inbound.sender_name,
        sent_at=inbound.sent_at,
        attachments=inbound.attachments,
        reply_to=inbound.reply_to,
        meta=inbound.meta,
        remote_addr=client_address(request),
    )


def _form(request: HttpRequest) -> dict[str, str]:
    source = request.POST if request.method == "POST" else request.GET
    return {key: source.get(key, "") for key in source}


def _keep_body(request: HttpRequest) -> None:
    """Read the body before the form: the raw copy (_raw) needs it afterwards, and
    Django refuses to give a multipart body once its form is parsed."""
    _ = request.body


def _gateway_params(request: HttpRequest) -> dict[str, list[str]]:
    """The gateway's query and form, read as bytes: Django's QueryDict decodes
    them as UTF-8 and destroys UCS-2 text (see channels.gateway). A POST form's
    values come first; the query's follow (the first value of a name wins)."""
    params: dict[str, list[str]] = {}
    if request.method == "POST":
        if _is_form(request):
            params = gateway_form(request.body)
        else:  # multipart: no charset question, Django's reading is right
            _keep_body(request)
            params = {key: request.POST.getlist(key) for key in request.POST}
    query = request.META.get("QUERY_STRING", "")
    for name, values in gateway_form(query).items():
        params.setdefault(name, []).extend(values)
    return params


@csrf_exempt
@require_http_methods(["POST"])
def twilio_sms(request: HttpRequest) -> HttpResponse:
    """Twilio Messaging webhook; answers TwiML with the reply."""
    _keep_body(request)
    params = {key: request.POST.getlist(key) for key in request.POST}
    try:
        channels.twilio_verify(
            settings.DESKPEMILU_TWILIO_AUTH_TOKEN,
            request.build_absolute_uri(),
            params,
            request.headers.get("X-Twilio-Signature"),
        )
    except SignatureError as error:
        return _refused("twilio", error)
    raw = _raw(request)
    try:
        inbound = channels.twilio_parse(_form(request))
    except PayloadError as error:
        return _unreadable(channels.SMS_TWILIO, raw, error)
    result = handle_one(_incoming(inbound, raw, request))
    return HttpResponse(
        channels.twilio_reply(result.reply), content_type=channels.TWIML_CONTENT_TYPE
    )


@csrf_exempt
@require_http_methods(["GET", "POST"])
def sms_gateway(request: HttpRequest) -> HttpResponse:
    """Kannel/Gammu-style gateway (GET or POST sender + text); answers plain text,
    which the gateway sends back to the phone."""
    params = _gateway_params(request)
    try:
        channels.gateway_verify(
            settings.DESKPEMILU_SMS_GATEWAY_KEY,
            params,
            request.headers.get("X-Gateway-Key"),
        )
    except SignatureError as error:
        return _refused("sms gateway", error)
    raw = _raw(request)
    try:
        inbound = channels.gateway_parse(params)
    except PayloadError as error:
        return _unreadable(channels.SMS_GATEWAY, raw, error)
    result = handle_one(_incoming(inbound, raw, request))
    return HttpResponse(
        result.reply,
        content_type=channels.GATEWAY_CONTENT_TYPE,
        headers=gateway_reply_headers(result.reply or ""),
    )


def _json_webhook(
    request: HttpRequest,
    channel: str,
    verify: Callable[[], None],
    parse: Callable[[bytes], list[channels.Inbound]],
) -> HttpResponse:
    try:
        verify()
    except SignatureError as error:
        return _refused(channel, error)
    raw = _raw(request)
    try:
        _not_too_deep(request.body)
        items = parse(request.body)
    except PayloadError as error:
        return _unreadable(channel, raw, error)
    if items:
        messages_handle_batch([_incoming(inbound, raw, request) for inbound in items])
    return HttpResponse("OK", content_type=TEXT)


def _not_too_deep(body: bytes) -> None:
    """Refuse JSON nested deeper than any provider writes it, before a parser (or
    the database's JSON encoder, for values kept in ``meta``) recurses into it."""
    try:
        jsonload.loads(body, max_depth=MAX_JSON_DEPTH)
    except jsonload.TooDeep as exc:
        raise payload_error(
            "bad_json", "struktur JSON terlalu dalam", f"{exc}"
        ) from None
    except ValueError:
        pass  # not JSON at all: the channel's parser says so in its own words


@csrf_exempt
@require_http_methods(["GET", "POST"])
def whatsapp(request: HttpRequest) -> HttpResponse:
    """WhatsApp Cloud API: the GET verification challenge, and message POSTs signed
    with X-Hub-Signature-256. Replies go out through the outbound queue."""
    if request.method == "GET":
        try:
            challenge = channels.whatsapp_verify_challenge(
                request.GET, settings.DESKPEMILU_WHATSAPP_VERIFY_TOKEN
            )
        except SignatureError as error:
            return _refused("whatsapp", error)
        return HttpResponse(challenge, content_type=TEXT)
    return _json_webhook(
        request,
        channels.WHATSAPP,
        lambda: channels.whatsapp_verify_signature(
            settings.DESKPEMILU_WHATSAPP_APP_SECRET,
            request.body,
            request.headers.get("X-Hub-Signature-256"),
        ),
        channels.whatsapp_parse,
    )


@csrf_exempt
@require_http_methods(["POST"])
def telegram(request: HttpRequest) -> HttpResponse:
    """Telegram Bot API webhook (secret token header); replies go via the queue."""
    return _json_webhook(
        request,
        channels.TELEGRAM,
        lambda: channels.telegram_verify(
            settings.DESKPEMILU_TELEGRAM_SECRET,
            request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
        ),
        channels.telegram_parse,
    )
