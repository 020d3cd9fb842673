"""What happened, told to whoever listens: the apps that cause an event announce it
here; the notifications app (above them all) listens. A producer never names its
listeners, so a lower app never imports the app that tells people.

`announce(kind, **payload)` sends the signal once the caller's transaction has
committed (at once outside one): an event of a rolled-back write is never told,
and a listener's failure never fails the write (`robust`). The payload is plain
values (ids, codes, text), so a listener can store it as JSON.

Kinds and their payloads (docs/notifications.md):

- ``assigned``: assignment_id, incident_id, agency_id
- ``escalated``: assignment_id (the new one), incident_id, agency_id (the parent),
  from_agency_id
- ``deadline_soon`` / ``overdue``: assignment_id, incident_id, agency_id
- ``critical_incident``: incident_id, region_code (dotted)
- ``region_alert``: region_code (dotted), level (siaga or rawan), from_level
- ``action_item_due``: action_item_id, agency_id, due_on (ISO date)
- ``report_issued``: report_id, title, url, region_code (dotted; the scope it
  covers). The reports app announces it when a report is issued::

      announce("report_issued", report_id=report.pk, title=report.title,
               url=report.get_absolute_url(), region_code=report.region.code)
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.dispatch import Signal

KINDS = (
    "assigned",
    "escalated",
    "deadline_soon",
    "overdue",
    "critical_incident",
    "region_alert",
    "action_item_due",
    "report_issued",
)

log = logging.getLogger(__name__)

# Sent with sender=the kind (a str), kind=..., payload=dict.
announced = Signal()


def announce(kind: str, **payload: Any) -> None:
    """Tell the listeners of `kind`, once the current transaction commits."""
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")

    def send() -> None:
        for receiver, outcome in announced.send_robust(
            sender=kind, kind=kind, payload=payload
        ):
            if isinstance(outcome, Exception):
                log.error("event %s: %r failed", kind, receiver, exc_info=outcome)

    transaction.on_commit(send, robust=True)


# Files an event's e-mail carries (an issued report's PDF). The app that owns them
# registers a loader for the kind (reports/apps.py); the sender asks when it sends,
# so the files are read in the worker, never in the request that announced.
Attachment = tuple[str, bytes, str]  # file name, content, MIME type
_loaders: dict[str, Callable[[dict[str, Any]], list[Attachment]]] = {}


def provide_attachments(
    kind: str, loader: Callable[[dict[str, Any]], list[Attachment]]
) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown event kind {kind!r}")
    _loaders[kind] = loader


def attachments_for(kind: str, payload: dict[str, Any]) -> list[Attachment]:
    """The files of an event (none when no app provides any)."""
    loader = _loaders.get(kind)
    return loader(payload) if loader is not None else []
