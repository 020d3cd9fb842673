"""Messages that complete another one, written after a batch is stored:

* a **location or photo sent without text** (WhatsApp ``location``/``image``,
  Telegram ``location``/``photo``): joined to the same sender's report of the last
  DESKPEMILU_MEDIA_JOIN_MINUTES (the incident it became gets the point and the
  source), or kept as a located report for the desk, placed in the desa the point
  lies in; a report that comes after takes the sender's waiting media in the same
  way;
* a **Telegram edit** of a message that was understood: kept as an edit of the first
  message (noted in its incident's history), never a second report;
* a **contact a Telegram user shares of their own number**: that user is linked to
  the reporter with that phone, so their reports become incidents from then on.

Each function takes the stored message's values, writes what the join causes, and
returns the message's outcome (`Completed`); intake.bulk writes it on the message
and answers the sender with its reply.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings

from deskpemilu.incidents.models import IncidentSource
from deskpemilu.incidents.services import incident_add_from_sender
from deskpemilu.intake import storage
from deskpemilu.intake.models import InboundMessage, MessageKind, ParseStatus, Reporter
from deskpemilu.intake.services import SenderError, reporter_handle_add
from deskpemilu.regions.selectors import desa_at

log = logging.getLogger(__name__)


@dataclass
class Completed:
    """The outcome of a completing message (see intake.bulk._Row)."""

    reply: str
    kind: str
    parsed: dict[str, Any] = field(default_factory=dict)
    status: str = ParseStatus.PARSED
    tps_id: int | None = None
    region_id: int | None = None
    area_code: str = ""
    reporter_id: int | None = None


def location_of(attachments: list[dict[str, Any]]) -> tuple[float, float] | None:
    """The first location among a message's attachments, if it is a valid point."""
    for item in attachments or ():
        if not isinstance(item, dict) or item.get("type") != "location":
            continue
        try:
            lat, lng = float(item["latitude"]), float(item["longitude"])
        except (KeyError, TypeError, ValueError):
            continue
        if -90 <= lat <= 90 and -180 <= lng <= 180:
            return lat, lng
    return None


def what_was_sent(attachments: list[dict[str, Any]]) -> str:
    """In the reply's words: lokasi, foto, or lampiran (a file, a voice note)."""
    kinds = {a.get("type") for a in attachments or () if isinstance(a, dict)}
    if "location" in kinds:
        return "lokasi" if len(kinds) == 1 else "lokasi dan lampiran"
    return "foto" if kinds == {"image"} else "lampiran"


def window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.DESKPEMILU_MEDIA_JOIN_MINUTES)


def _incident_of(message_id: int) -> int | None:
    return (
        IncidentSource.objects.filter(message_id=message_id)
        .order_by("incident_id")
        .values_list("incident_id", flat=True)
        .first()
    )


def _label(message: InboundMessage) -> str:
    # No query for a message without a reporter: Django answers None from the id.
    name = (
        message.reporter.name if message.reporter is not None else message.sender_name
    )
    return f"{name or 'pengirim'} ({message.get_channel_display()})"


def media_complete(message_id: int) -> Completed:
    """A location or photo without text: joined to the sender's recent report, or
    kept as a located report for the desk."""
    message = InboundMessage.objects.select_related("reporter").get(pk=message_id)
    ref, what = message.ref, what_was_sent(message.attachments)
    point = location_of(message.attachments)
    parsed: dict[str, Any] = {"attachment": what}
    if point:
        parsed["lat"], parsed["lng"] = point
    recent = _sender_recent(message, media=False, newest_only=True)
    earlier = recent[0] if recent else None
    if earlier is None:
        region = desa_at(*point) if point else None
        return Completed(
            reply=f"OK {ref}: {what} diterima. Kirim juga keterangannya, mis. "
            "LAPOR 3601012001001 PU ada bagi uang.",
            kind=MessageKind.MEDIA,
            parsed=parsed,
            region_id=region.pk if region else None,
            area_code=region.code_nodot if region else "",
        )
    parsed["joined_to"] = earlier.pk
    incident_id = _incident_of(earlier.pk)
    target = earlier.ref
    if incident_id is not None:
        incident = incident_add_from_sender(
            incident_id=incident_id,
            message=message,
            actor_label=_label(message),
            point=point,
        )
        parsed["incident_id"], target = incident.pk, incident.ref
    return Completed(
        reply=f"OK {ref}: {what} diterima, digabung dengan laporan {target}.",
        kind=MessageKind.MEDIA,
        parsed=parsed,
        tps_id=earlier.tps_id,
        region_id=earlier.region_id,
        area_code=earlier.area_code,
    )


def report_takes_media(message_id: int) -> None:
    """A report that follows the sender's location or photo (sent first, within the
    window, not joined yet) takes them: they join it, and its incident."""
    report = InboundMessage.objects.get(pk=message_id)
    waiting = _sender_recent(report, media=True)
    incident_id = _incident_of(report.pk)
    for media in waiting:
        parsed = media.parsed if isinstance(media.parsed, dict) else {}
        if parsed.get("joined_to"):
            continue
        parsed["joined_to"] = report.pk
        if incident_id is not None:
            incident_add_from_sender(
                incident_id=incident_id,
                message=media,
                actor_label=_label(media),
                point=location_of(media.attachments),
            )
            parsed["incident_id"] = incident_id
        InboundMessage.objects.filter(pk=media.pk).update(
            parsed=parsed,
            tps_id=report.tps_id,
            region_id=report.region_id,
            area_code=report.area_code,
        )


def contact_complete(message_id: int, phone: str) -> Completed:
    """A Telegram user shared their own number: link them to that reporter."""
    message = InboundMessage.objects.get(pk=message_id)
    reporter = Reporter.objects.filter(phone=phone, is_active=True).first()
    parsed: dict[str, Any] = {"phone": phone}
    if reporter is None:
        return Completed(
            reply=f"OK {message.ref}: nomor diterima, tetapi belum terdaftar di desk. "
            "Laporan Anda tetap diterima dan diperiksa petugas.",
            kind=MessageKind.LINK,
            parsed=parsed,
        )
    try:
        reporter_handle_add(reporter=reporter, handle=message.sender)
    except SenderError as error:
        log.warning("contact of %s not linked: %s", message.ref, error.message)
        return Completed(
            reply=f"OK {message.ref}: nomor diterima; akun ini terhubung dengan "
            "pelapor lain. Hubungi petugas desk.",
            kind=MessageKind.LINK,
            parsed=parsed,
        )
    parsed["reporter_id"] = reporter.pk
    return Completed(
        reply=f"OK {message.ref}: terima kasih, {reporter.name[:40]}. Laporan Anda "
        "lewat Telegram kini dikenali desk.",
        kind=MessageKind.LINK,
        parsed=parsed,
        reporter_id=reporter.pk,
        region_id=reporter.region_id,
        area_code=reporter.region.code_nodot if reporter.region is not None else "",
    )


def original_of(
    channel: str, provider_ids: set[str]
) -> dict[str, tuple[int, str, str, Any]]:
    """The first messages that edits in a batch refer to, by provider id:
    (id, status, kind, parsed)."""
    if not provider_ids:
        return {}
    rows = InboundMessage.objects.filter(
        channel=channel, provider_id__in=provider_ids
    ).values_list("provider_id", "pk", "status", "kind", "parsed")
    return {pid: (pk, status, kind, parsed) for pid, pk, status, kind, parsed in rows}


def edit_complete(message_id: int, original_id: int, text: str) -> Completed:
    """An edit of a message that was understood: noted on the first message's
    incident (if it became one), never a second report."""
    message = InboundMessage.objects.select_related("reporter").get(pk=message_id)
    original = InboundMessage.objects.get(pk=original_id)
    parsed: dict[str, Any] = {"edit_of": original.pk, "text": text}
    incident_id = _incident_of(original.pk)
    target = original.ref
    if incident_id is not None:
        incident = incident_add_from_sender(
            incident_id=incident_id,
            message=message,
            actor_label=_label(message),
            note=text,
        )
        parsed["incident_id"], target = incident.pk, incident.ref
    return Completed(
        reply=f"OK {message.ref}: perubahan pesan {original.ref} dicatat pada "
        f"laporan {target}.",
        kind=MessageKind.EDIT,
        parsed=parsed,
        tps_id=original.tps_id,
        region_id=original.region_id,
        area_code=original.area_code,
    )


def _sender_recent(
    message: InboundMessage, *, media: bool, newest_only: bool = False
) -> list[InboundMessage]:
    """The same sender's messages on the same channel, before this one, within the
    window: their locations and photos (`media`) or else their reports, newest
    first."""
    if not message.sender:
        return []
    ids = storage.sender_recent(
        sender=message.sender,
        channel=message.channel,
        since=message.received_at - window(),
        before_id=message.pk,
        media=media,
        newest_only=newest_only,
    )
    found = InboundMessage.objects.select_related("reporter").in_bulk(ids)
    return [found[pk] for pk in ids if pk in found]
