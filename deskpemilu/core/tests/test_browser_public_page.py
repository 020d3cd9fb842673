"""The public page (/publik/) on a small phone, in a real browser: nothing wider
than the screen, so a citizen never scrolls sideways. Screenshot in
test-artifacts/publik-360.png. Here with the core browser tests: their session
browser and desk (conftest) serve it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page

from deskpemilu.core.tests.conftest import run
from deskpemilu.devtools.liveserver import LiveDesk

pytestmark = pytest.mark.browser

# The elements that stick out of the viewport, for the failure message.
WIDER_JS = """
(width) => [...document.querySelectorAll("body *")]
  .filter((e) => e.getBoundingClientRect().right > width + 0.5)
  .slice(0, 8)
  .map((e) => e.tagName + "." + e.className + "#" + e.id + " "
    + Math.round(e.getBoundingClientRect().right))
"""


@pytest.mark.parametrize("width", [360, 390])
def test_the_public_page_needs_no_sideways_scroll_on_a_phone(
    desk_page: Page, artifacts: Path, width: int, desk_server: LiveDesk
) -> None:
    # With the status computed: each kab/kota then wears its level's badge.
    run(desk_server, "situation_recompute")
    desk_page.set_viewport_size({"width": width, "height": 800})
    desk_page.goto("/publik/")
    desk_page.wait_for_selector("#public-map[data-loaded]:not([data-loaded='0'])")
    # The kab/kota are named on the map, not only in a tooltip.
    names = desk_page.locator("#public-map .region-label").all_inner_texts()
    assert len(names) == 8 and "KOTA SERANG" in names
    scroll_width = desk_page.evaluate("document.scrollingElement.scrollWidth")
    wider = desk_page.evaluate(WIDER_JS, width)
    desk_page.screenshot(path=str(artifacts / f"publik-{width}.png"), full_page=True)
    assert scroll_width <= width, wider
