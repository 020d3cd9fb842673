"""What an event says to a person (title, text, link) and whom it concerns: an
agency (its members and its webhooks) or a region (the desk's people whose scope
holds it, and the webhooks of agencies seated there). Indonesian, as people read
it; one or two queries per event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse

from deskpemilu.coordination.models import ActionItem
from deskpemilu.core.timeutil import to_wib
from deskpemilu.incidents.models import Assignment, Incident
from deskpemilu.intake.outbound import sms_text
from deskpemilu.regions.models import Region
from deskpemilu.situation.models import Level


@dataclass(frozen=True)
class Told:
    title: str
    body: str
    url: str
    agency_id: int | None = None
    region_code: str = ""
    # The SMS's words (what, where, the reference); empty: the title and text.
    short: str = ""

    def absolute_url(self) -> str:
        """The link with DESKPEMILU_NOTIFY_BASE_URL in front (an e-mail, a message
        and a webhook are read outside the desk)."""
        if not self.url or self.url.startswith(("http://", "https://")):
            return self.url
        return settings.DESKPEMILU_NOTIFY_BASE_URL.rstrip("/") + self.url

    def text_with_link(self) -> str:
        link = self.absolute_url()
        return f"{self.body}\n\n{link}" if link else self.body

    def sms(self) -> str:
        """One or two SMS: the words cut at a word if need be, the link whole."""
        words = self.short or f"{self.title}. {self.body}"
        link = self.absolute_url()
        return sms_text(words, f" {link}" if link else "")


def _when(moment: dt.datetime) -> str:
    return f"{to_wib(moment):%d-%m-%Y %H:%M} WIB"


def _clip(text: str, most: int = 60) -> str:
    """A person's words (an incident's title) kept short for an SMS, at a word."""
    if len(text) <= most:
        return text
    cut = text[: most - 3]
    return (cut.rsplit(" ", 1)[0] if " " in cut[most // 2 :] else cut) + "..."


def _incident_url(incident_id: int) -> str:
    return reverse("incidents:detail", args=[incident_id])


_ASSIGNMENT_TITLES = {
    "assigned": "Penugasan baru",
    "escalated": "Eskalasi ke instansi Anda",
    "deadline_soon": "Tenggat segera tiba",
    "overdue": "Melewati tenggat",
}


def _assignment(kind: str, payload: dict[str, Any]) -> Told | None:
    found = (
        Assignment.objects.select_related("incident", "incident__region", "agency")
        .filter(pk=payload["assignment_id"])
        .first()
    )
    if found is None:
        return None
    incident = found.incident
    return Told(
        title=f"{_ASSIGNMENT_TITLES[kind]}: {incident.title}"[:200],
        body=(
            f"{found.agency} menangani kejadian #{incident.pk} "
            f"({incident.get_severity_display()}) di {incident.region.name}; "
            f"tenggat {_when(found.deadline)}."
        ),
        url=_incident_url(incident.pk),
        agency_id=found.agency_id,
        short=(
            f"{_ASSIGNMENT_TITLES[kind]}: #{incident.pk} {_clip(incident.title)} "
            f"({incident.get_severity_display()}) di {incident.region.name}, "
            f"tenggat {to_wib(found.deadline):%d-%m %H:%M} WIB."
        ),
    )


def _critical(kind: str, payload: dict[str, Any]) -> Told | None:
    incident = (
        Incident.objects.select_related("region")
        .filter(pk=payload["incident_id"])
        .first()
    )
    if incident is None:
        return None
    return Told(
        title=f"Kejadian kritis: {incident.title}"[:200],
        body=(
            f"Kejadian #{incident.pk} di {incident.region.name}, "
            f"{_when(incident.occurred_at)}."
        ),
        url=_incident_url(incident.pk),
        region_code=incident.region.code,
        short=(
            f"Kejadian kritis: #{incident.pk} {_clip(incident.title)} di "
            f"{incident.region.name}, {to_wib(incident.occurred_at):%d-%m %H:%M} WIB."
        ),
    )


def _region_alert(kind: str, payload: dict[str, Any]) -> Told | None:
    region = Region.objects.filter(code=payload["region_code"]).first()
    if region is None:
        return None
    level = Level(payload["level"]).label
    return Told(
        title=f"{region.name} berstatus {level}",
        body=(
            f"Status {region.name} berubah menjadi {level} "
            f"(sebelumnya {payload.get('from_level') or '-'})."
        ),
        url=reverse("situation:region", args=[region.code]),
        region_code=region.code,
        short=(
            f"Status {region.name} berubah menjadi {level} "
            f"(sebelumnya {payload.get('from_level') or '-'})."
        ),
    )


def _action_item(kind: str, payload: dict[str, Any]) -> Told | None:
    item = (
        ActionItem.objects.select_related("meeting", "owner")
        .filter(pk=payload["action_item_id"])
        .first()
    )
    if item is None:
        return None
    return Told(
        title=f"Tindak lanjut rapat jatuh tempo {item.due_on:%d-%m-%Y}",
        body=f"{item.owner}: {item.description}"[:1000],
        url=reverse("coordination:meeting-detail", args=[item.meeting_id]),
        agency_id=item.owner_id,
    )


def _report(kind: str, payload: dict[str, Any]) -> Told | None:
    return Told(
        title=f"Laporan terbit: {payload.get('title', '')}"[:200],
        body=str(payload.get("title", "")),
        url=str(payload.get("url", "")),
        region_code=str(payload["region_code"]),
    )


_DESCRIBE: dict[str, Callable[[str, dict[str, Any]], Told | None]] = {
    "assigned": _assignment,
    "escalated": _assignment,
    "deadline_soon": _assignment,
    "overdue": _assignment,
    "critical_incident": _critical,
    "region_alert": _region_alert,
    "action_item_due": _action_item,
    "report_issued": _report,
}


def describe(kind: str, payload: dict[str, Any]) -> Told | None:
    """What the event says and whom it concerns; None when its subject is gone."""
    return _DESCRIBE[kind](kind, payload)
