"""The desk's first page in a real browser, against the real server (granian).

Screenshots go to test-artifacts/ at the repository root (git-ignored).
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from deskpemilu.core.tests.conftest import PASSWORD
from deskpemilu.devtools.liveserver import LiveDesk

pytestmark = pytest.mark.browser

KABKOTA_COUNT = 8
SHAPES = ".leaflet-overlay-pane path.leaflet-interactive"
# For every map shape, a viewport point where that very shape is the topmost
# element, i.e. where a user's click lands on it (null if none was found).
CLICK_POINTS_JS = """
(selector) => [...document.querySelectorAll(selector)].map((path) => {
  const box = path.getBoundingClientRect();
  for (let i = 1; i < 12; i++) {
    for (let j = 1; j < 12; j++) {
      const x = box.left + (box.width * j) / 12;
      const y = box.top + (box.height * i) / 12;
      if (document.elementFromPoint(x, y) === path) return [x, y];
    }
  }
  return null;
})
"""


def log_in(page: Page, username: str) -> None:
    page.goto("/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")


def click_a_shape(page: Page) -> str:
    """Hover the first reachable kab/kota shape, click it; the tooltip's name."""
    points = page.evaluate(CLICK_POINTS_JS, SHAPES)
    assert len(points) == KABKOTA_COUNT
    reachable = [p for p in points if p is not None]
    assert reachable, "no map shape can be clicked"
    x, y = reachable[0]
    page.mouse.move(x, y)
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_be_visible()
    name = tooltip.inner_text().split(" · ")[0].strip()
    page.mouse.click(x, y)
    return name


def test_coordinator_first_page_map_and_language(
    desk_page: Page, desk_server: LiveDesk, artifacts: Path
) -> None:
    page = desk_page
    log_in(page, "koordinator")
    expect(page).to_have_url(f"{desk_server.url}/")
    expect(page.locator("#stage h2")).not_to_be_empty()
    expect(page.locator("#stage .now")).to_be_visible()
    expect(page.locator("#region h1")).to_contain_text("BANTEN")
    expect(page.locator("#region .tps-count")).to_have_text("33.324")
    expect(page.locator(f'#map[data-loaded="{KABKOTA_COUNT}"]')).to_be_attached()
    expect(page.locator(SHAPES)).to_have_count(KABKOTA_COUNT)
    expect(page.locator("table.tree tbody tr")).to_have_count(KABKOTA_COUNT)
    page.screenshot(path=artifacts / "first-page.png", full_page=True)

    # The first page is the situation dashboard (it drills down in place); the
    # region tree, whose shapes open each region's page, is at /wilayah/<code>/.
    page.goto("/wilayah/36/")
    expect(page.locator(f'#map[data-loaded="{KABKOTA_COUNT}"]')).to_be_attached()
    name = click_a_shape(page)
    expect(page).to_have_url(re.compile(r"/wilayah/36\.\d\d/$"))
    code = page.url.rstrip("/").rsplit("/", 1)[1]
    expect(page.locator("#region")).to_have_attribute("data-code", code)
    expect(page.locator("#region h1")).to_contain_text(name)
    rows = page.locator("table.tree tbody tr")
    expect(rows.first).to_be_visible()
    kecamatan = rows.count()
    codes = rows.locator("td:first-child").all_inner_texts()
    assert all(re.fullmatch(rf"{re.escape(code)}\.\d\d", c) for c in codes), codes
    expect(page.locator(f'#map[data-loaded="{kecamatan}"]')).to_be_attached()
    page.screenshot(path=artifacts / "kabkota.png", full_page=True)

    page.click("button[name=language][value=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/wilayah/{re.escape(code)}/$"))
    page.click("button[name=language][value=id]")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)


def test_kota_serang_operator_sees_only_kota_serang(
    desk_page: Page, desk_server: LiveDesk, artifacts: Path
) -> None:
    page = desk_page
    log_in(page, "operator_serang")
    expect(page).to_have_url(f"{desk_server.url}/")
    expect(page.locator("#region")).to_have_attribute("data-code", "36.73")
    expect(page.locator("#region h1")).to_contain_text("KOTA SERANG")
    expect(page.locator('#map[data-loaded="6"]')).to_be_attached()
    page.screenshot(path=artifacts / "operator-home.png", full_page=True)

    response = page.goto("/wilayah/36.01/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text("PANDEGLANG")


def test_desk_runs_on_the_database_of_the_run(desk_server: LiveDesk) -> None:
    """SQLite by default; PostgreSQL when the run's DATABASE_URL says so."""
    with urllib.request.urlopen(f"{desk_server.url}/healthz") as response:
        health = json.load(response)
    postgres = desk_server.database_url.startswith(("postgres", "pgsql"))
    assert health["status"] == "ok"
    assert health["database"] == ("postgresql" if postgres else "sqlite")
