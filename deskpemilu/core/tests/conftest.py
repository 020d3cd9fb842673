"""Fixtures for the browser tests: the real desk in a subprocess and Debian's Chromium.

One desk and one browser serve the whole session; each test gets a fresh browser
context (no cookies shared between tests).
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from deskpemilu.devtools.liveserver import CLI, LiveDesk, Member, live_desk

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
]
PASSWORD = "uji-rahasia-123"
MEMBERS = (
    Member("koordinator", "kesbangpol-banten", "coordinator", "36", PASSWORD),
    Member("operator_serang", "pemkot-serang", "operator", "36.73", PASSWORD),
)
ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts"


@pytest.fixture(scope="session")
def desk_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    """The real desk (production settings, granian) with Banten and two users."""
    with live_desk(tmp_path_factory.mktemp("desk"), MEMBERS) as desk:
        yield desk


def _require_chromium() -> None:
    """Skip without Debian's chromium; in CI (CI=true) that is a failure."""
    if CHROMIUM.exists():
        return
    reason = (
        f"{CHROMIUM} is missing: install Debian's chromium "
        "(apt-get install --no-install-recommends chromium) to run browser tests"
    )
    if os.environ.get("CI") == "true":
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Playwright's sync Chromium, driving /usr/bin/chromium headless."""
    _require_chromium()
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def desk_page(browser: Browser, desk_server: LiveDesk) -> Iterator[Page]:
    """A page in a fresh browser context whose relative URLs go to the desk."""
    context = browser.new_context(
        base_url=desk_server.url, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """The git-ignored folder for screenshots (test-artifacts/ at the repo root)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def run(desk: LiveDesk, *args: str) -> str:
    """A console command against the desk's own database."""
    done = subprocess.run(
        [*CLI, *args], env=dict(desk.env), capture_output=True, text=True, check=True
    )
    return done.stdout


def in_own_browser(desk: LiveDesk, scenario: Callable[[Page], None]) -> None:
    """Run `scenario` on a fresh page of a Chromium started in a thread of its own;
    a failure inside is raised here."""
    _require_chromium()
    failures: list[BaseException] = []

    def target() -> None:
        try:
            with sync_playwright() as playwright:
                browser: Browser = playwright.chromium.launch(
                    executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
                )
                context = browser.new_context(
                    base_url=desk.url, viewport={"width": 1280, "height": 900}
                )
                context.set_default_timeout(15_000)
                try:
                    scenario(context.new_page())
                finally:
                    browser.close()
        except BaseException as failure:  # re-raised in the test's thread
            failures.append(failure)

    thread = threading.Thread(target=target, name="own-browser")
    thread.start()
    thread.join()
    if failures:
        raise failures[0]
