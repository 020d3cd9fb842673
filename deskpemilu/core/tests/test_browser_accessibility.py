"""The main pages in a real browser, in both languages, on a desktop screen and a
390 px phone: axe-core (vendored from the npm registry, tests/vendor/axe-core)
finds no serious or critical accessibility violation, and no page scrolls sideways on a
phone. Screenshots go to test-artifacts/pages/.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from deskpemilu.core.tests.conftest import PASSWORD
from deskpemilu.devtools.liveserver import LiveDesk

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
PUBLIC = ("/masuk/", "/lapor/", "/lapor/status/", "/publik/")
DESK = (
    "/",
    "/kejadian/",
    "/kejadian/baru/",
    "/kejadian/tugas/",
    "/pesan/",
    "/hasil/",
    "/koordinasi/",
    "/berita/",
    "/wilayah/36/",
)
WIDTHS = {"desktop": 1280, "phone": 390}
SERIOUS = {"serious", "critical"}


def _axe(page: Page) -> list[dict]:
    """axe-core's serious and critical violations on the page as it stands."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async () => JSON.stringify(await axe.run(document, "
        "{resultTypes: ['violations']}))"
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [n["target"] for n in v["nodes"][:5]],
        }
        for v in json.loads(result)["violations"]
        if v["impact"] in SERIOUS
    ]


def _walk(
    browser: Browser, desk: LiveDesk, shots: Path, language: str, width: str
) -> dict[str, dict]:
    context = browser.new_context(
        base_url=desk.url,
        viewport={"width": WIDTHS[width], "height": 900},
        bypass_csp=True,  # axe is injected into the page; the desk's own CSP stays
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    found: dict[str, dict] = {}
    try:
        page.goto("/lapor/")
        if language == "en":
            page.click("form.lang button[value=en]")
        for path in PUBLIC:
            found[path] = _visit(page, path, shots, language, width)
        page.goto("/masuk/")
        page.fill("input[name=username]", "koordinator")
        page.fill("input[name=password]", PASSWORD)
        page.click("form:has(input[name=password]) button[type=submit]")
        page.wait_for_selector(".topbar .who")
        for path in DESK:
            found[path] = _visit(page, path, shots, language, width)
    finally:
        context.close()
    return found


def _visit(page: Page, path: str, shots: Path, language: str, width: str) -> dict:
    response = page.goto(path)
    assert response is not None and response.status == 200, path
    assert page.locator("html").get_attribute("lang") == language, path
    page.wait_for_load_state("networkidle")
    name = path.strip("/").replace("/", "-") or "home"
    page.screenshot(path=str(shots / f"{name}-{language}-{width}.png"), full_page=True)
    violations = _axe(page)
    overflow = page.evaluate(
        "document.scrollingElement.scrollWidth - document.documentElement.clientWidth"
    )
    return {"violations": violations, "overflow": overflow}


@pytest.mark.parametrize("width", sorted(WIDTHS))
@pytest.mark.parametrize("language", ["id", "en"])
def test_the_main_pages_have_no_serious_accessibility_violation(
    browser: Browser,
    desk_server: LiveDesk,
    artifacts: Path,
    language: str,
    width: str,
) -> None:
    shots = artifacts / "pages"
    shots.mkdir(exist_ok=True)
    found = _walk(browser, desk_server, shots, language, width)
    problems = {p: r["violations"] for p, r in found.items() if r["violations"]}
    assert not problems, json.dumps(problems, indent=1)
    if width == "phone":  # no page scrolls sideways on a phone
        wide = {p: r["overflow"] for p, r in found.items() if r["overflow"] > 0}
        assert not wide, wide
