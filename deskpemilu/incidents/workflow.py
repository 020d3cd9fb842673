"""The incident status workflow: which move is allowed, and for whom. No ORM.

baru -> terverifikasi -> ditangani -> selesai, or ditolak (with a reason) from any open
status; a closed or rejected incident can be reopened. The table below is the whole
rule; `accounts.access` adds the object checks (scope, the liaison's own agency).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

ADMIN, COORD, OPER, LIAISON = "administrator", "coordinator", "operator", "liaison"
DESK = frozenset({ADMIN, COORD, OPER})

# (from, to): roles that may make the move.
TRANSITIONS: dict[tuple[str, str], frozenset[str]] = {
    ("baru", "terverifikasi"): DESK,
    ("baru", "ditolak"): DESK,
    ("terverifikasi", "ditangani"): DESK | {LIAISON},
    ("terverifikasi", "ditolak"): frozenset({ADMIN, COORD}),
    ("ditangani", "selesai"): frozenset({ADMIN, COORD}),
    ("ditangani", "ditolak"): frozenset({ADMIN, COORD}),
    # Reopening.
    ("selesai", "ditangani"): frozenset({ADMIN, COORD}),
    ("ditolak", "baru"): frozenset({ADMIN, COORD}),
}
REOPENING = frozenset({("selesai", "ditangani"), ("ditolak", "baru")})
OPEN = frozenset({"baru", "terverifikasi", "ditangani"})
# Who closes: the roles of the move to "selesai".
CLOSERS = TRANSITIONS[("ditangani", "selesai")]
# When the last assigned agency reports done, an incident still "terverifikasi"
# moves on to "ditangani" by itself (docs/decisions.md, "Closing an incident"); an
# unverified one waits for the desk.
ALL_DONE_MOVES = {"terverifikasi": "ditangani"}
# Hours before an assignment's deadline from which it is "due soon" (setting
# DESKPEMILU_DEADLINE_WARN_HOURS).
DEFAULT_WARN_HOURS = 2


@dataclass(frozen=True)
class TransitionRefused(Exception):
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def deadline_state(deadline: dt.datetime, now: dt.datetime, warn: dt.timedelta) -> str:
    """An open assignment's place against its deadline: "late" once it has passed,
    "soon" within `warn` before it, else "ok"."""
    if deadline < now:
        return "late"
    if deadline < now + warn:
        return "soon"
    return "ok"


def allowed_targets(current: str, roles: frozenset[str]) -> list[str]:
    """The statuses someone with `roles` may move an incident in `current` to."""
    return [
        to for (src, to), who in TRANSITIONS.items() if src == current and who & roles
    ]


def check_transition(
    current: str, target: str, roles: frozenset[str], *, reason: str = ""
) -> None:
    """Raise TransitionRefused (Indonesian message) unless the move is allowed."""
    if (current, target) not in TRANSITIONS:
        raise TransitionRefused(
            "not_a_transition",
            f"Status tidak dapat diubah dari '{current}' ke '{target}'.",
        )
    if not TRANSITIONS[(current, target)] & roles:
        raise TransitionRefused(
            "role_not_allowed",
            f"Peran Anda tidak boleh mengubah status '{current}' ke '{target}'.",
        )
    if target == "ditolak" and not reason:
        raise TransitionRefused(
            "reason_required",
            "Penolakan perlu alasan: hoaks, duplikat, atau di luar cakupan.",
        )
    if (current, target) in REOPENING and not reason.strip():
        raise TransitionRefused(
            "reason_required", "Membuka kembali kejadian perlu alasan."
        )
