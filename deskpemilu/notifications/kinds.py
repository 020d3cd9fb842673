"""Which events reach whom on which channel by default (pure, without Django).

Agency events go to the active members of the agency concerned; region events to the
desk's people (not liaisons) whose scope holds the region. Each person then keeps or
drops each event on each channel ("Notifikasi saya"); a cell never chosen falls back
to the defaults of their roles below.
"""

from __future__ import annotations

from collections.abc import Iterable

from deskpemilu.core.events import KINDS

__all__ = ["KINDS", "default_on", "wanted"]

AGENCY_KINDS = frozenset(
    {"assigned", "escalated", "deadline_soon", "overdue", "action_item_due"}
)
REGION_KINDS = frozenset({"critical_incident", "region_alert", "report_issued"})
assert AGENCY_KINDS | REGION_KINDS == set(KINDS)

# A person's channels; an agency's webhook is the agency's, not a person's choice.
# SMS costs the desk per message: no role has it by default, a person chooses it.
DESK, EMAIL, PHONE, SMS = "desk", "email", "phone", "sms"
PERSONAL_CHANNELS = (DESK, EMAIL, PHONE, SMS)
WEBHOOK = "webhook"

_ALL = frozenset(KINDS)
_DEFAULTS: dict[str, dict[str, frozenset[str]]] = {
    "liaison": {
        DESK: _ALL,
        EMAIL: frozenset({"assigned", "escalated", "deadline_soon", "overdue"}),
        PHONE: frozenset({"assigned", "overdue"}),
    },
    "coordinator": {
        DESK: _ALL,
        EMAIL: frozenset({"escalated", "critical_incident", "region_alert"}),
        PHONE: frozenset({"critical_incident"}),
    },
    "operator": {
        DESK: _ALL,
        EMAIL: frozenset({"critical_incident"}),
        PHONE: frozenset(),
    },
    "leader": {
        DESK: _ALL,
        EMAIL: frozenset({"region_alert", "report_issued"}),
        PHONE: frozenset(),
    },
    "administrator": {DESK: _ALL, EMAIL: frozenset(), PHONE: frozenset()},
}


def default_on(roles: Iterable[str], kind: str, channel: str) -> bool:
    """Whether `kind` reaches a person of `roles` on `channel` unless they chose."""
    return any(kind in _DEFAULTS.get(role, {}).get(channel, ()) for role in roles)


def wanted(
    roles: Iterable[str],
    kind: str,
    channel: str,
    chosen: dict[tuple[str, str], bool],
) -> bool:
    """The person's own choice for the cell, else their roles' default."""
    choice = chosen.get((kind, channel))
    return default_on(roles, kind, channel) if choice is None else choice
