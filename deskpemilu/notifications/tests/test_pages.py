"""The bell, its list and "Notifikasi saya" through the test client."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from deskpemilu.accounts.models import User
from deskpemilu.notifications.models import Digest, Notification, Preference
from deskpemilu.notifications.tests.test_events import assign, new_incident

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_assignments(
    province_coordinator, police_liaison, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assign(province_coordinator, new_incident(province_coordinator))
        assign(province_coordinator, new_incident(province_coordinator))
    return list(Notification.objects.filter(user=police_liaison).order_by("id"))


def test_the_header_shows_the_unread_count_next_to_my_tasks(
    two_assignments, police_liaison, client_for
):
    page = client_for(police_liaison).get(reverse("incidents:tasks"))
    assert page.status_code == 200
    assert b'data-unread="2"' in page.content
    assert page.content.index(b'class="tasks"') < page.content.index(b'class="bell"')


def test_the_list_shows_my_notifications_and_opening_one_marks_it_read(
    two_assignments, police_liaison, client_for
):
    client = client_for(police_liaison)
    page = client.get(reverse("notifications:list"))
    assert page.content.count(b'class="notification unread"') == 2
    first = two_assignments[0]
    opened = client.post(reverse("notifications:read"), {"id": first.pk})
    assert opened.status_code == 302 and opened["Location"] == first.url
    first.refresh_from_db()
    assert first.read_at is not None
    assert b'data-unread="1"' in client.get(reverse("notifications:list")).content
    client.post(reverse("notifications:read"))
    assert not Notification.objects.filter(read_at__isnull=True).exists()
    assert b"data-unread" not in client.get(reverse("notifications:list")).content


def test_nobody_reads_or_marks_another_persons_notifications(
    two_assignments, province_coordinator, client_for
):
    client = client_for(province_coordinator)
    page = client.get(reverse("notifications:list"))
    assert b"Penugasan baru" not in page.content
    answer = client.post(reverse("notifications:read"), {"id": two_assignments[0].pk})
    assert answer.status_code == 404
    client.post(reverse("notifications:read"))
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_the_pages_need_a_login(client):
    for name in ("notifications:list", "notifications:preferences"):
        answer = client.get(reverse(name))
        assert answer.status_code == 302 and "/masuk/" in answer["Location"]


def test_my_notifications_shows_the_role_defaults_and_keeps_my_choices(
    police_liaison, client_for
):
    client = client_for(police_liaison)
    page = client.get(reverse("notifications:preferences"))
    grid = {row.kind: dict(row.cells) for row in page.context["choices"].rows}
    assert grid["assigned"] == {"desk": True, "email": True, "phone": True}
    assert grid["region_alert"]["email"] is False
    answer = client.post(
        reverse("notifications:preferences"),
        {"assigned:desk": "1", "overdue:email": "1", "daily_digest": "1"},
    )
    assert answer.status_code == 302
    page = client.get(reverse("notifications:preferences"))
    grid = {row.kind: dict(row.cells) for row in page.context["choices"].rows}
    assert grid["assigned"] == {"desk": True, "email": False, "phone": False}
    assert grid["overdue"]["email"] is True
    assert page.context["choices"].daily_digest
    assert Digest.objects.filter(user=police_liaison).exists()
    assert Preference.objects.filter(user=police_liaison).count() == 8 * 3


def test_add_member_keeps_email_and_phone(db):
    call_command(
        "add_member",
        "kasat_lebak",
        "--agency=polres-lebak",
        "--role=liaison",
        "--region=36.02",
        "--password=rahasia-uji-123",
        "--email=kasat@polres-lebak.example",
        "--phone=0812-3456-7890",
    )
    user = User.objects.get(username="kasat_lebak")
    assert (user.email, user.phone) == ("kasat@polres-lebak.example", "6281234567890")


@pytest.mark.parametrize(
    "option", ["--email=bukan-surel", "--phone=telepon saya", "--phone=12"]
)
def test_add_member_refuses_a_bad_email_or_phone(db, option):
    with pytest.raises(CommandError):
        call_command(
            "add_member",
            "kasat_lebak",
            "--agency=polres-lebak",
            "--role=liaison",
            "--region=36.02",
            "--password=rahasia-uji-123",
            option,
        )
    assert not User.objects.filter(username="kasat_lebak").exists()
