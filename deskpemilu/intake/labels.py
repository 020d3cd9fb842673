"""Words for the codes an inbound message keeps: its error code and the names of what
the parser read. The codes stay in the database, the API and the logs (they are the
contract); people read these labels, Indonesian first."""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERRORS: dict[str, Promise] = {
    "empty": _("empty message"),
    "unknown_keyword": _("unknown keyword"),
    "bad_tps_code": _("TPS code not valid"),
    "bad_place_code": _("place code not valid"),
    "bad_time": _("time not valid"),
    "bad_number": _("number not valid"),
    "missing_number": _("a number is missing"),
    "extra_number": _("a number too many"),
    "missing_text": _("description missing"),
    "extra_text": _("text too many"),
    "sum_mismatch": _("votes do not add up to the valid total"),
    "total_mismatch": _("totals do not add up"),
    "unknown_category": _("unknown category"),
    "unknown_severity": _("unknown severity"),
    "unknown_tps": _("TPS not registered"),
    "unknown_place": _("place not found"),
    "invalid_form": _("form incomplete or not valid"),
    "internal_error": _("not processed yet (desk fault, will be retried)"),
    "bad_json": _("not readable JSON"),
    "not_an_object": _("not a JSON object"),
    "required": _("a required field is missing"),
    "too_long": _("too long"),
    "string_too_long": _("too long"),
    "batch_too_large": _("batch too large"),
    "idempotency_key_reused": _("the same message id with other content"),
    "idempotency_in_progress": _("the same message id is being processed"),
}

PARSED: dict[str, Promise] = {
    "keyword": _("keyword"),
    "stage": _("stage"),
    "tps_code": _("TPS code"),
    "place_code": _("place code"),
    "place": _("place"),
    "kode_tempat": _("place code"),
    "category": _("category"),
    "kategori": _("category"),
    "severity": _("severity"),
    "tingkat": _("severity"),
    "time": _("time"),
    "occurred_at": _("time of the event"),
    "text": _("description"),
    "description": _("description"),
    "votes": _("votes per candidate"),
    "valid": _("valid votes"),
    "invalid": _("invalid votes"),
    "total": _("votes cast"),
    "lat": _("latitude"),
    "lng": _("longitude"),
    "person_name": _("reporter's name"),
    "person_contact": _("reporter's contact"),
    "caller_phone": _("caller's number"),
    "sender_name": _("sender's name"),
    "reporter": _("reporter"),
    "reporter_id": _("reporter"),
    "region": _("region"),
    "kabkota": _("regency/city"),
    "incident_id": _("incident"),
    "edit_of": _("correction of message"),
    "joined_to": _("joined to message"),
    "reply_to": _("reply to message"),
    "original_id": _("original message"),
    "provider_id": _("provider's message id"),
    "attachment": _("attachment"),
}


def error_label(code: str) -> str:
    """The words for an error code; an unknown code is shown as it is."""
    label = ERRORS.get(code)
    return str(label) if label is not None else code


def parsed_label(key: str) -> str:
    label = PARSED.get(key)
    return str(label) if label is not None else key.replace("_", " ")
