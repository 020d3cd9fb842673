import pytest
from django.core.management import call_command
from django.test import Client

from deskpemilu.accounts.models import User

pytestmark = pytest.mark.django_db


def test_health_answers_ok_with_the_database_in_use():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] in ("sqlite", "postgresql")


def test_load_banten_is_skipped_when_nothing_changed(capsys):
    call_command("load_banten")
    assert "sudah termuat" in capsys.readouterr().out


def test_the_first_administrator_gets_a_random_password_printed_once(
    capsys, monkeypatch
):
    monkeypatch.delenv("DESKPEMILU_ADMIN_PASSWORD", raising=False)
    call_command("ensure_admin", "--username", "admin_pertama")
    out = capsys.readouterr().out
    password = out.rsplit(": ", 1)[1].strip()
    user = User.objects.get(username="admin_pertama")
    assert user.is_superuser and user.check_password(password)
    assert user.memberships.get().role == "administrator"
    call_command("ensure_admin", "--username", "admin_pertama")
    again = capsys.readouterr().out
    assert "sudah ada" in again and password not in again


def test_the_administrator_password_can_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("DESKPEMILU_ADMIN_PASSWORD", "dari-lingkungan-123")
    call_command("ensure_admin", "--username", "admin_env")
    assert User.objects.get(username="admin_env").check_password("dari-lingkungan-123")


def test_add_member_refuses_a_kecamatan_scope():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="provinsi atau kab/kota"):
        call_command(
            "add_member",
            "x",
            "--agency",
            "polres-lebak",
            "--role",
            "operator",
            "--region",
            "36.02.01",
            "--password",
            "abc-12345-xyz",
        )
