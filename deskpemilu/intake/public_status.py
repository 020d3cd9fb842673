"""Where a citizen's report stands, in the words a citizen reads, and the check code
that lets only the person holding the thank-you page look it up.

The check code is derived from the report's number with the desk's secret (HMAC), so
nothing is stored for it and a number alone (they run in sequence) reveals nothing.
"""

from __future__ import annotations

import base64

from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _

CODE_LENGTH = 8
_SALT = "deskpemilu.intake.public-status"

# The report's state, from its message and the incident the desk made of it.
RECEIVED = "received"
HANDLING = "handling"
HANDLED = "handled"
NOT_PURSUED = "not_pursued"
LABELS = {
    RECEIVED: _("Received; waiting to be checked by the desk"),
    HANDLING: _("Checked; being handled by the agencies concerned"),
    HANDLED: _("Handled; the case is closed"),
    NOT_PURSUED: _("Checked; not pursued (not confirmed, a duplicate or out of scope)"),
}


def check_code(ref: str) -> str:
    """'M0000123' -> 8 letters and digits (no 0/1/O/I confusion: base32)."""
    digest = salted_hmac(_SALT, ref.strip().upper(), algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def code_matches(ref: str, code: str) -> bool:
    typed = code.strip().upper().replace(" ", "").replace("-", "")
    return constant_time_compare(typed, check_code(ref))


def state_of(message_status: str, incident_status: str | None) -> str:
    """The report's state: the incident's when the desk made one of it (several:
    the most advanced is given by the caller), else the message's own."""
    if incident_status is not None:
        if incident_status == "ditolak":
            return NOT_PURSUED
        if incident_status == "selesai":
            return HANDLED
        if incident_status in ("terverifikasi", "ditangani"):
            return HANDLING
        return RECEIVED
    if message_status == "ignored":
        return NOT_PURSUED
    return RECEIVED
