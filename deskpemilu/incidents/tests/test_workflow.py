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
