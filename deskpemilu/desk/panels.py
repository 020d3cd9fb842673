"""What the apps higher up add to the pages of the apps below them (core/panels.py):
coordination's contact directory on the incident page and the watchlist, and the
meetings' action items that are due on Tugas saya and the dashboard; media's
officials' statements on a region's page."""

from __future__ import annotations

import datetime as dt
from typing import Any

from deskpemilu.accounts.models import User
from deskpemilu.coordination import selectors as coordination
from deskpemilu.core import panels
from deskpemilu.incidents.models import Incident
from deskpemilu.media.selectors import statements_for_region
from deskpemilu.regions.models import TPS, Region

CONTACTS = "coordination/_contacts.html"
ACTION_ITEMS = "coordination/_action_items.html"
STATEMENTS = "media/_statements.html"


def incident_contacts(*, user: User, incident: Incident) -> dict[str, Any]:
    """Whom to call about the incident's place: its TPS, desa and the regions above."""
    if incident.region is None:
        return {}
    contacts = coordination.contacts_for(user, incident.region, incident.tps)
    return {"panels": [CONTACTS], "contacts": contacts}


def due_action_items(*, user: User, now: dt.datetime, **_: Any) -> dict[str, Any]:
    """Open action items of the user's scope or agency, overdue or due soon."""
    items = coordination.action_items_due(user, now)
    return {"panels": [ACTION_ITEMS], "action_items": items}


def overdue_action_items(*, user: User, now: dt.datetime, **_: Any) -> dict[str, Any]:
    """The dashboard shows only the overdue ones (Tugas saya shows those due soon too);
    nothing at all when none is overdue."""
    overdue = [row for row in coordination.action_items_due(user, now) if row.overdue]
    if not overdue:
        return {}
    return {"panels": [ACTION_ITEMS], "action_items": overdue}


def watchlist_contacts(
    *, user: User, region: Region, tps_list: list[TPS]
) -> dict[str, Any]:
    """The directory's people per TPS of the watchlist's page (KPPS chair of the TPS,
    PPS of its desa, PPK of its kecamatan, ...), nearest first."""
    return {"directory": coordination.contacts_by_tps(user, region, tps_list)}


def media_statements(*, user: User, region: Region) -> dict[str, Any]:
    """Officials' stability statements about the region, from the news (media)."""
    statements = list(statements_for_region(user, region.code))
    return {"panels": [STATEMENTS], "statements": statements}


def register() -> None:
    panels.register("incident_detail", incident_contacts)
    panels.register("my_tasks", due_action_items)
    panels.register("dashboard", overdue_action_items)
    panels.register("watchlist", watchlist_contacts)
    panels.register("region_page", media_statements)
