"""The login throttle (item 11): failed logins are counted per account and per client
address; at the limit the right password no longer gets in until the cool-off has
passed or an administrator unlocks the account. Real requests to /masuk/ and
/admin/login/, the real database."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone

from deskpemilu.accounts.models import User
from deskpemilu.core.tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT
LOCKED_ID = "Terlalu banyak percobaan masuk yang gagal"


def log_in(client: Client, username: str, password: str, path: str = "/masuk/"):
    return client.post(path, {"username": username, "password": password})


def fail_times(client: Client, username: str, times: int = LIMIT) -> list[int]:
    return [log_in(client, username, "salah-sekali").status_code for _ in range(times)]


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def test_below_the_limit_a_wrong_password_shows_the_form_again(province_coordinator):
    client = Client()
    assert fail_times(client, "koordinator", LIMIT - 1) == [200] * (LIMIT - 1)
    assert log_in(client, "koordinator", PASSWORD).status_code == 302
    assert logged_in(client)


def test_at_the_limit_the_right_password_is_refused_with_the_desks_page(
    province_coordinator,
):
    client = Client()
    answers = fail_times(client, "koordinator")
    assert answers == [200] * (LIMIT - 1) + [429]
    refused = log_in(client, "koordinator", PASSWORD)
    assert refused.status_code == 429
    assert not logged_in(client)
    page = refused.content.decode()
    assert LOCKED_ID in page and 'class="topbar"' in page  # the desk's own page
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"{minutes} menit" in page
    assert refused["Retry-After"] == str(minutes * 60)


def test_the_lockout_page_speaks_english_on_request(province_coordinator):
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    fail_times(client, "koordinator")
    page = log_in(client, "koordinator", PASSWORD).content.decode()
    assert "Too many failed login attempts" in page and LOCKED_ID not in page


def test_an_account_is_locked_even_when_each_try_comes_from_a_new_address(
    province_coordinator,
):
    for n in range(LIMIT):
        log_in(Client(REMOTE_ADDR=f"198.51.100.{n + 1}"), "koordinator", "salah")
    elsewhere = Client(REMOTE_ADDR="203.0.113.77")
    assert log_in(elsewhere, "koordinator", PASSWORD).status_code == 429
    assert not logged_in(elsewhere)


def test_an_address_trying_many_accounts_is_locked_for_every_account(
    province_coordinator, leader
):
    guesser = Client(REMOTE_ADDR="198.51.100.9")
    for n in range(LIMIT):
        log_in(guesser, f"tebakan{n}", "salah")
    assert log_in(guesser, "sekda", PASSWORD).status_code == 429
    other = Client(REMOTE_ADDR="198.51.100.10")
    assert log_in(other, "koordinator", PASSWORD).status_code == 302


def test_the_admin_login_is_throttled_too(province_coordinator):
    client = Client()
    for _ in range(LIMIT):
        log_in(client, "koordinator", "salah", path="/admin/login/")
    refused = log_in(client, "koordinator", PASSWORD, path="/admin/login/")
    assert refused.status_code == 429 and LOCKED_ID in refused.content.decode()
    assert log_in(client, "koordinator", PASSWORD).status_code == 429


def test_the_lock_lifts_after_the_cool_off_and_not_before(province_coordinator):
    client = Client()
    start = timezone.now()
    with time_machine.travel(start, tick=False) as clock:
        fail_times(client, "koordinator")
        clock.shift(settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=5))
        assert log_in(client, "koordinator", PASSWORD).status_code == 429
        # That try started the cool-off again.
        clock.shift(settings.AXES_COOLOFF_TIME + dt.timedelta(seconds=1))
        assert log_in(client, "koordinator", PASSWORD).status_code == 302


def test_an_administrator_unlocks_a_locked_account(province_coordinator):
    fail_times(Client(), "koordinator")
    admin = User.objects.create_superuser("admin", "", "rahasia-admin-123")
    staff = Client(REMOTE_ADDR="10.9.9.9")
    staff.force_login(admin)
    response = staff.post(
        "/admin/accounts/user/",
        {"action": "unlock_login", "_selected_action": [province_coordinator.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert "1 pengguna dibuka kuncinya" in response.content.decode()
    client = Client()
    assert log_in(client, "koordinator", PASSWORD).status_code == 302
    assert logged_in(client)
