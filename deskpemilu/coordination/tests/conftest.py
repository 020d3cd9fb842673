"""Helpers for the coordination tests: a meeting of a desk, an action item."""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import make_member
from deskpemilu.accounts.models import Agency, Role, User
from deskpemilu.coordination.models import ActionItem, Meeting
from deskpemilu.core.timeutil import WIB
from deskpemilu.regions.models import Region

NOW = dt.datetime(2024, 2, 13, 9, 0, tzinfo=WIB)


def meeting_of(code: str, author: User, title: str = "Rakor pengamanan") -> Meeting:
    region = Region.objects.get(code=code)
    return Meeting.objects.create(
        title=title,
        held_at=NOW,
        place="Aula Kesbangpol",
        region=region,
        area_code=region.code_nodot,
        created_by=author,
    )


def item_of(meeting: Meeting, owner: str, due_on: dt.date) -> ActionItem:
    return ActionItem.objects.create(
        meeting=meeting,
        description="Patroli di TPS rawan",
        owner=Agency.objects.get(code=owner),
        due_on=due_on,
    )


@pytest.fixture
def administrator(db) -> User:
    """The province's administrator: sees personal data."""
    return make_member("admin_banten", "kesbangpol-banten", Role.ADMINISTRATOR, "36")


@pytest.fixture
def serang_coordinator(db) -> User:
    return make_member("koord_serang", "pemkot-serang", Role.COORDINATOR, "36.73")
