"""Channel adapters: each provider's documented webhook request turned into an
:class:`Inbound`, its signature checked, and the reply or outbound request built.

Pure functions, no database and no network; the views store and send. One module
per provider: :mod:`.twilio`, :mod:`.gateway` (Kannel/Gammu-style SMS gateways),
:mod:`.whatsapp` (Cloud API), :mod:`.telegram` (Bot API). Shared decisions (text
kept as sent minus trailing blanks, UTC times, phone normalisation) are described in
:mod:`.base`. Request size limits are the caller's job.
"""

from .base import (
    SMS_GATEWAY,
    SMS_TWILIO,
    TELEGRAM,
    WHATSAPP,
    ChannelError,
    Inbound,
    PayloadError,
    SignatureError,
    normalise_phone,
)
from .gateway import GATEWAY_CONTENT_TYPE, gateway_parse, gateway_verify
from .telegram import BOT_API, telegram_outbound, telegram_parse, telegram_verify
from .twilio import TWIML_CONTENT_TYPE, twilio_parse, twilio_reply, twilio_verify
from .whatsapp import (
    GRAPH_API,
    whatsapp_outbound,
    whatsapp_parse,
    whatsapp_verify_challenge,
    whatsapp_verify_signature,
)

__all__ = [
    "BOT_API",
    "GATEWAY_CONTENT_TYPE",
    "GRAPH_API",
    "SMS_GATEWAY",
    "SMS_TWILIO",
    "TELEGRAM",
    "TWIML_CONTENT_TYPE",
    "WHATSAPP",
    "ChannelError",
    "Inbound",
    "PayloadError",
    "SignatureError",
    "gateway_parse",
    "gateway_verify",
    "normalise_phone",
    "telegram_outbound",
    "telegram_parse",
    "telegram_verify",
    "twilio_parse",
    "twilio_reply",
    "twilio_verify",
    "whatsapp_outbound",
    "whatsapp_parse",
    "whatsapp_verify_challenge",
    "whatsapp_verify_signature",
]
