"""The status workflow table, case by case, without the database."""

import pytest

from deskpemilu.incidents.workflow import (
    TRANSITIONS,
    TransitionRefused,
    allowed_targets,
    check_transition,
)

DESK = frozenset({"operator"})
COORD = frozenset({"coordinator"})
LIAISON = frozenset({"liaison"})
LEADER = frozenset({"leader"})


@pytest.mark.parametrize(
    ("src", "dst", "roles"),
    [
        ("baru", "terverifikasi", DESK),
        ("terverifikasi", "ditangani", LIAISON),
        ("ditangani", "selesai", COORD),
        ("baru", "ditolak", DESK),
    ],
)
def test_the_normal_path_is_allowed_for_the_right_roles(src, dst, roles):
    check_transition(src, dst, roles, reason="hoaks" if dst == "ditolak" else "")


@pytest.mark.parametrize(
    ("src", "dst", "roles", "code"),
    [
        ("baru", "selesai", COORD, "not_a_transition"),
        ("baru", "ditangani", COORD, "not_a_transition"),
        ("selesai", "baru", COORD, "not_a_transition"),
        ("baru", "terverifikasi", LIAISON, "role_not_allowed"),
        ("ditangani", "selesai", DESK, "role_not_allowed"),
        ("ditangani", "selesai", LIAISON, "role_not_allowed"),
        ("baru", "terverifikasi", LEADER, "role_not_allowed"),
        ("baru", "ditolak", DESK, "reason_required"),
        ("selesai", "ditangani", COORD, "reason_required"),
    ],
)
def test_wrong_moves_are_refused_with_a_reason_code(src, dst, roles, code):
    with pytest.raises(TransitionRefused) as refused:
        check_transition(src, dst, roles)
    assert refused.value.code == code
    assert refused.value.message  # an Indonesian sentence for the person


def test_closed_and_rejected_incidents_can_be_reopened_with_a_reason():
    check_transition("selesai", "ditangani", COORD, reason="ada kejadian susulan")
    check_transition("ditolak", "baru", COORD, reason="ternyata benar")


def test_the_leader_can_move_nothing():
    for src, _ in TRANSITIONS:
        assert allowed_targets(src, LEADER) == []


def test_a_liaison_can_only_take_up_a_verified_incident():
    assert allowed_targets("terverifikasi", LIAISON) == ["ditangani"]
    assert allowed_targets("baru", LIAISON) == []


# Deadlines and closing (issue 12) -------------------------------------------------


def test_an_open_assignment_is_due_soon_within_the_window_then_late():
    import datetime as dt

    from deskpemilu.incidents.workflow import deadline_state

    now = dt.datetime(2024, 2, 14, 10, 0, tzinfo=dt.UTC)
    warn = dt.timedelta(hours=2)
    assert deadline_state(now + dt.timedelta(hours=3), now, warn) == "ok"
    assert deadline_state(now + warn, now, warn) == "ok"
    assert deadline_state(now + dt.timedelta(minutes=119), now, warn) == "soon"
    assert deadline_state(now, now, warn) == "soon"
    assert deadline_state(now - dt.timedelta(seconds=1), now, warn) == "late"


def test_the_access_rule_for_closing_is_the_workflows():
    from deskpemilu.accounts.access import CLOSING_ROLES
    from deskpemilu.incidents.workflow import ALL_DONE_MOVES, CLOSERS, TRANSITIONS

    assert CLOSING_ROLES == CLOSERS
    # The move made when every agency is done is one a liaison may make.
    for move in ALL_DONE_MOVES.items():
        assert "liaison" in TRANSITIONS[move]
