"""The dashboard in a real browser, against the real server (granian) with its own
database: reports come in by SMS (the gateway webhook, a registered field officer),
the status is recomputed by the console command, as the situation worker does.

Chromium runs in a thread of its own: Playwright's sync API allows one instance per
thread, and the session-wide browser of the core tests (core/tests/conftest.py) may
be running in this one. The screenshot goes to test-artifacts/dashboard.png.
"""

from __future__ import annotations

import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from deskpemilu.core.tests.conftest import (  # noqa: F401  (artifacts: a fixture)
    PASSWORD,
    artifacts,
    in_own_browser,
    run,
)
from deskpemilu.devtools.liveserver import LiveDesk, Member, live_desk

pytestmark = pytest.mark.browser

GATEWAY_KEY = "uji-kunci-gateway"
OFFICER = "081200000001"
COLOURS = {
    "aman": "#2e9e4f",
    "waspada": "#f2c12e",
    "siaga": "#f08a24",
    "rawan": "#d62828",
}
KABKOTA = ("36.01", "36.02", "36.03", "36.04", "36.71", "36.72", "36.73", "36.74")
# Where a user's click lands on this shape: a viewport point where it is topmost.
CLICK_POINT_JS = """
(selector) => {
  const path = document.querySelector(selector);
  const box = path.getBoundingClientRect();
  for (let i = 1; i < 24; i++) {
    for (let j = 1; j < 24; j++) {
      const x = box.left + (box.width * j) / 24;
      const y = box.top + (box.height * i) / 24;
      if (document.elementFromPoint(x, y) === path) return [x, y];
    }
  }
  return null;
}
"""


def sms(desk: LiveDesk, text: str, message_id: str) -> str:
    """A text from the field officer, as the SMS gateway delivers it."""
    query = urllib.parse.urlencode(
        {"sender": OFFICER, "text": text, "id": message_id, "key": GATEWAY_KEY}
    )
    with urllib.request.urlopen(f"{desk.url}/webhooks/sms?{query}") as response:
        return response.read().decode()


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    members = (
        Member("koordinator", "kesbangpol-banten", "coordinator", "36", PASSWORD),
    )
    folder = tmp_path_factory.mktemp("situation-desk")
    extra = {"DESKPEMILU_SMS_GATEWAY_KEY": GATEWAY_KEY}
    with live_desk(folder, members, extra_env=extra) as running:
        run(
            running,
            "shell",
            "-c",
            "from deskpemilu.intake.services import reporter_upsert; "
            f"reporter_upsert(phone='62{OFFICER[1:]}', name='Petugas Uji', "
            "role='field_officer')",
        )
        yield running


def fill(page: Page, code: str) -> str | None:
    return page.locator(f"path.r-{code.replace('.', '-')}").get_attribute("fill")


def test_coordinator_sees_the_map_by_status_drills_down_and_a_report_arrive(
    desk: LiveDesk,
    artifacts: Path,  # noqa: F811
) -> None:
    in_own_browser(desk, lambda page: dashboard_scenario(page, desk, artifacts))


def dashboard_scenario(page: Page, desk: LiveDesk, artifacts: Path) -> None:  # noqa: F811
    # Two critical clashes in two kecamatan of Kota Serang, one in Pandeglang.
    for n, tps in enumerate(("3673041003001", "3673011001001", "3601012001001")):
        reply = sms(desk, f"LAPOR {tps} KEK K bentrok antar pendukung {n}", f"u{n}")
        assert reply.startswith("OK"), reply
    assert "Status 1716 wilayah" in run(desk, "situation_recompute")

    page.goto("/masuk/")
    page.fill("input[name=username]", "koordinator")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page.locator("#map[data-loaded='8']")).to_be_attached()
    expect(page.locator("path.region-shape")).to_have_count(8)
    # Place names on the map: the kab/kota on the province view.
    expect(page.locator("#map .region-label")).to_have_count(8)
    expect(page.locator("#map .region-label", has_text="KOTA SERANG")).to_be_visible()
    # Kota Serang siaga (2 of its 6 kecamatan siaga), Pandeglang waspada (its
    # worst kecamatan is siaga), the other six aman: the colours of the status.
    expected = {code: COLOURS["aman"] for code in KABKOTA}
    expected |= {"36.73": COLOURS["siaga"], "36.01": COLOURS["waspada"]}
    assert {code: fill(page, code) for code in KABKOTA} == expected
    expect(page.locator("#dash-level")).to_have_class("level lvl-waspada")
    expect(page.locator("[data-field=total]")).to_have_text("3")

    page.locator("#map").scroll_into_view_if_needed()
    x, y = page.evaluate(CLICK_POINT_JS, "path.r-36-73")
    page.mouse.click(x, y)
    expect(page.locator("#map[data-code='36.73'][data-loaded='6']")).to_be_attached()
    assert "wilayah=36.73" in page.url
    expect(page.locator("#dash-name")).to_have_text("KOTA SERANG")
    # and its kecamatan below it, the old labels gone.
    expect(page.locator("#map .region-label")).to_have_count(6)
    expect(page.locator("#map .region-label", has_text="CURUG")).to_be_attached()
    assert page.evaluate("() => window.deskDashboard.map.getZoom()") > 10
    expect(page.locator("#children tbody tr")).to_have_count(6)
    assert fill(page, "36.73.04") == COLOURS["siaga"]  # Curug
    assert fill(page, "36.73.02") == COLOURS["aman"]  # Kasemen
    expect(page.locator("[data-field=total]")).to_have_text("2")

    # A new report from Kasemen: it appears without the page being loaded again.
    page.evaluate("() => { window.sameDocument = true; }")
    reply = sms(desk, "LAPOR 3673021001001 DEMO K massa merusak kotak suara", "u9")
    assert reply.startswith("OK"), reply
    new = page.locator("#new-incidents li", has_text="massa merusak kotak suara")
    expect(new).to_be_visible(timeout=20_000)  # the page asks every 5 s
    expect(page.locator("[data-field=total]")).to_have_text("3")
    # The worker recomputes; Kasemen's colour follows, still without a reload.
    run(desk, "situation_recompute")
    expect(page.locator("path.r-36-73-02")).to_have_attribute(
        "fill", COLOURS["siaga"], timeout=20_000
    )
    assert page.evaluate("() => window.sameDocument") is True
    page.screenshot(path=artifacts / "dashboard.png", full_page=True)
