"""The Content-Security-Policy in a real browser (item 18): every main page, the API
docs and the admin's login arrive with the policy and work under it, with no
violation reported by Chromium (no inline script or style, nothing from elsewhere).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from deskpemilu.core.tests.test_browser_first_page import log_in
from deskpemilu.devtools.liveserver import LiveDesk

pytestmark = pytest.mark.browser

# Collects every violation the page reports, from before its first script runs.
LISTEN_JS = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  const where = `${e.sourceFile}:${e.lineNumber}`;
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${where}`);
});
"""
ANONYMOUS_PAGES = ("/masuk/", "/lapor/", "/publik/", "/admin/login/", "/api/v1/docs")
DESK_PAGES = (
    "/",
    "/wilayah/36/",
    "/wilayah/36.73/",
    "/kejadian/",
    "/kejadian/baru/",
    "/pesan/",
    "/pesan/unggah/",
    "/situasi/wilayah/36/",
    "/situasi/pantau/36/",
    "/situasi/pengerahan/36/",
    "/situasi/tps-rawan/36/",
    "/hasil/",
    "/hasil/entri/",
    "/hasil/resmi/entri/",
)


def visit(page: Page, path: str, console: list[str]) -> list[str]:
    """Open a page; the problems seen: a missing policy, or reported violations."""
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    problems = []
    if "default-src 'self'" not in response.headers.get("content-security-policy", ""):
        problems.append(f"{path}: no Content-Security-Policy")
    page.wait_for_load_state("networkidle")
    problems += [f"{path}: {v}" for v in page.evaluate("window.__csp")]
    problems += [f"{path}: {line}" for line in console]
    console.clear()
    return problems


def watch(page: Page) -> list[str]:
    console: list[str] = []
    page.add_init_script(LISTEN_JS)

    def note(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            console.append(message.text)

    page.on("console", note)
    return console


def test_no_page_breaks_the_content_security_policy(
    desk_page: Page, desk_server: LiveDesk, artifacts: Path
) -> None:
    page = desk_page
    console = watch(page)
    problems = []
    for path in ANONYMOUS_PAGES:
        problems += visit(page, path, console)
        if path == "/publik/":  # its map is drawn by a script file now
            expect(page.locator('#public-map[data-loaded="8"]')).to_be_attached()
        if path == "/api/v1/docs":  # Swagger UI runs from local files
            expect(page.locator(".swagger-ui .info .title")).to_contain_text(
                "Desk Pemilu API"
            )
            page.screenshot(path=artifacts / "api-docs.png")
    log_in(page, "koordinator")
    expect(page).to_have_url(f"{desk_server.url}/")
    for path in DESK_PAGES:
        problems += visit(page, path, console)
    assert problems == []
