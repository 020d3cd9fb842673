"""Item 18: a Content-Security-Policy that allows only the desk's own files, HTTPS
only (HSTS) behind the TLS proxy, a login that lasts one shift, and a clean
`deskpemilu check --deploy` under the production settings README documents.
(The browser side, no CSP violation on the main pages, is in
test_browser_security.py.)"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import sys

import pytest
from django.conf import settings
from django.test import Client

from deskpemilu.core.tests.conftest import PASSWORD

# The production environment of README ("Production"), minus the database: the
# checks do not connect to it.
PRODUCTION_ENV = {
    "DESKPEMILU_BEHIND_TLS_PROXY": "true",
    "DESKPEMILU_ALLOWED_HOSTS": "desk.bantenprov.go.id",
    "DESKPEMILU_CSRF_TRUSTED_ORIGINS": "https://desk.bantenprov.go.id",
}
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src|type=\"application/json\"))[^>]*>")
STYLE_ATTRIBUTE = re.compile(r"<[^>]+\sstyle=[^>]*>", re.S)


def desk_env(tmp_path, **more: str) -> dict[str, str]:
    """A clean environment for a desk process: no test settings, a key of its own."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DESKPEMILU_") and k not in ("DJANGO_SETTINGS_MODULE",)
    }
    env.pop("DATABASE_URL", None)
    return env | {
        "DJANGO_SETTINGS_MODULE": "deskpemilu.settings",
        "DESKPEMILU_VAR_DIR": str(tmp_path),
        "DESKPEMILU_SECRET_KEY": secrets.token_urlsafe(50),
        **more,
    }


def settings_in(env: dict[str, str], *names: str) -> dict:
    """The named settings as a process with this environment computes them."""
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_check_deploy_is_clean_under_the_documented_production_settings(tmp_path):
    env = desk_env(tmp_path, **PRODUCTION_ENV)
    done = subprocess.run(
        [sys.executable, "-m", "deskpemilu.cli", "check", "--deploy"]
        + ["--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_behind_the_tls_proxy_the_desk_is_https_only(tmp_path):
    names = (
        "SECURE_HSTS_SECONDS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "DESKPEMILU_TRUSTED_PROXIES",
    )
    behind = settings_in(desk_env(tmp_path, **PRODUCTION_ENV), *names)
    assert behind == {
        "SECURE_HSTS_SECONDS": 365 * 24 * 3600,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "DESKPEMILU_TRUSTED_PROXIES": 1,
    }
    local = settings_in(desk_env(tmp_path), *names)
    assert local == dict.fromkeys(names, False) | {
        "SECURE_HSTS_SECONDS": 0,
        "DESKPEMILU_TRUSTED_PROXIES": 0,
    }


def test_the_session_lifetime_is_a_setting_in_hours(tmp_path):
    env = desk_env(tmp_path, DESKPEMILU_SESSION_HOURS="8")
    assert settings_in(env, "SESSION_COOKIE_AGE") == {"SESSION_COOKIE_AGE": 8 * 3600}


@pytest.mark.django_db
def test_a_login_lasts_one_twelve_hour_shift(province_coordinator):
    client = Client()
    response = client.post("/masuk/", {"username": "koordinator", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == 12 * 3600


@pytest.mark.django_db
def test_hsts_is_sent_on_https_through_the_proxy(settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 365 * 24 * 3600
    response = Client().get("/masuk/", HTTP_X_FORWARDED_PROTO="https")
    assert response["Strict-Transport-Security"] == (
        "max-age=31536000; includeSubDomains; preload"
    )


@pytest.mark.django_db
def test_every_answer_carries_a_policy_that_allows_only_our_own_files():
    for path in ("/masuk/", "/publik/", "/api/v1/docs", "/healthz"):
        policy = Client().get(path)["Content-Security-Policy"]
        directives = dict(
            (part.split()[0], part.split()[1:]) for part in policy.split("; ")
        )
        assert directives["default-src"] == ["'self'"], path
        assert directives["script-src"] == ["'self'"], path
        assert directives["style-src"] == ["'self'"], path
        assert directives["object-src"] == ["'none'"], path
        assert directives["frame-ancestors"] == ["'none'"], path
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy


MAIN_PAGES = (
    "/",
    "/wilayah/36/",
    "/wilayah/36.73/",
    "/kejadian/",
    "/kejadian/baru/",
    "/kejadian/terlambat/",
    "/pesan/",
    "/pesan/unggah/",
    "/situasi/wilayah/36/",
    "/situasi/pantau/36/",
    "/situasi/pengerahan/36/",
    "/situasi/tps-rawan/36/",
    "/hasil/",
    "/hasil/entri/",
    "/hasil/resmi/entri/",
    "/publik/",
    "/lapor/",
)


@pytest.mark.django_db
def test_no_page_has_an_inline_script_or_a_style_attribute(
    province_coordinator, client_for
):
    client = client_for(province_coordinator)
    found = {}
    for path in MAIN_PAGES:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        problems = INLINE_SCRIPT.findall(html) + STYLE_ATTRIBUTE.findall(html)
        if problems:
            found[path] = problems
    assert found == {}
