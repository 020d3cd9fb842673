"""The webhook signature as an agency's receiver checks it (pure, no database)."""

from __future__ import annotations

import hashlib
import hmac

from deskpemilu.notifications import kinds, signing


def test_the_signature_is_the_hex_hmac_sha256_of_the_raw_body():
    body = b'{"id":"a1","event":"assigned","timestamp":1707879600}'
    expected = hmac.new(b"rahasia", body, hashlib.sha256).hexdigest()
    assert signing.signature("rahasia", body) == f"sha256={expected}"


def test_a_changed_body_or_secret_fails_the_check():
    body = b'{"timestamp":1707879600}'
    header = signing.signature("rahasia", body)
    assert signing.signature_ok("rahasia", body, header)
    assert not signing.signature_ok("rahasia", b'{"timestamp":1707879601}', header)
    assert not signing.signature_ok("lain", body, header)
    assert not signing.signature_ok("rahasia", body, "")


def test_an_old_timestamp_is_not_fresh():
    assert signing.fresh(1000, 1000 + 300)
    assert not signing.fresh(1000, 1000 + 301)
    assert not signing.fresh(1000 + 301, 1000)  # from the future, too


def test_a_persons_own_choice_wins_over_the_roles_default():
    assert kinds.wanted({"liaison"}, "assigned", "email", {})
    assert not kinds.wanted(
        {"liaison"}, "assigned", "email", {("assigned", "email"): False}
    )
    assert kinds.wanted({"leader"}, "region_alert", "email", {})
    assert not kinds.wanted({"leader"}, "assigned", "email", {})
    # Two roles: either one's default holds.
    assert kinds.wanted({"leader", "operator"}, "critical_incident", "email", {})
