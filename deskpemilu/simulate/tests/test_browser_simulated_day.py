"""Simulated reports arrive on the dashboard in a real browser (issue 14): the
coordinator has the dashboard open on the vote day (14 Feb 2024) on the real server
(granian, its own database); `deskpemilu simulate` plays the vote day's morning into
it over HTTP through the desk's entry points, paced so that it takes several of the
page's polls; without the page being loaded again, "Laporan baru" lists the field
officers' reports as they come and the incident count rises to what the desk holds.

Chromium runs in a thread of its own (core/tests/conftest.py: in_own_browser). The
screenshot goes to test-artifacts/simulated-day.png.
"""

from __future__ import annotations

import json
import re
import subprocess
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
from deskpemilu.devtools.liveserver import CLI, LiveDesk, Member, live_desk
from deskpemilu.simulate.tests.test_live_simulate import SECRETS
from deskpemilu.situation.status_rules import OPEN_STATUSES

pytestmark = pytest.mark.browser

# 40 TPS from 06.00 to 12.00 WIB with the incident rates raised: about 80 messages,
# a dozen of them incidents; 6 simulated hours at 1,800x take 12 s, over two or
# three of the dashboard's 5-second polls.
SIMULATE = (
    "--seed", "3", "--tps", "40", "--incidents", "300", "--speed", "1800",
    "--from", "2024-02-14T06:00", "--to", "2024-02-14T12:00", "--json",
)  # fmt: skip
# What the desk holds afterwards: every incident's title, status, channel and the
# day (WIB) it occurred.
INCIDENTS = (
    "import json; from deskpemilu.core.timeutil import wib_date; "
    "from deskpemilu.incidents.models import Incident; "
    "print(json.dumps([(i.title, i.status, i.channel, str(wib_date(i.occurred_at))) "
    "for i in Incident.objects.order_by('id')]))"
)


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    members = (
        Member("koordinator", "kesbangpol-banten", "coordinator", "36", PASSWORD),
    )
    folder = tmp_path_factory.mktemp("simulated-day-desk")
    with live_desk(folder, members, extra_env=SECRETS) as running:
        yield running


def test_coordinator_sees_a_simulated_morning_arrive_without_reloading(
    desk: LiveDesk,
    artifacts: Path,  # noqa: F811
) -> None:
    in_own_browser(desk, lambda page: scenario(page, desk, artifacts))


def scenario(page: Page, desk: LiveDesk, artifacts: Path) -> None:  # noqa: F811
    page.goto("/masuk/")
    page.fill("input[name=username]", "koordinator")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    # The coordinator looks at the vote day (the period filter, as a person sets it).
    page.fill("#dash-filters [name=date_from]", "2024-02-14")
    page.fill("#dash-filters [name=date_to]", "2024-02-14")
    page.click("#dash-filters button[type=submit]")
    expect(page).to_have_url(re.compile("date_from=2024-02-14&date_to=2024-02-14"))
    expect(page.locator("[data-field=total]")).to_have_text("0")
    expect(page.locator("#no-new")).to_be_visible()
    page.evaluate("() => { window.sameDocument = true; }")

    simulator = subprocess.Popen(
        [*CLI, "simulate", "--url", desk.url, *SIMULATE],
        env=dict(desk.env),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # Reports show as they come (the simulator first registers its officers:
        # on a busy machine that alone takes a while).
        expect(page.locator("#new-incidents li.new-item").first).to_be_visible(
            timeout=180_000
        )
        out, err = simulator.communicate(timeout=300)
    finally:
        if simulator.poll() is None:
            simulator.kill()
    assert simulator.returncode == 0, err
    summary = json.loads(out)
    assert summary["agree"] is True, summary

    held = json.loads(run(desk, "shell", "-c", INCIDENTS).strip().splitlines()[-1])
    assert len(held) >= 5, held
    # Every incident the desk now holds is listed without a reload; the count is of
    # those not rejected (the desk turns some reports down at once, e.g. hoaxes).
    items = page.locator("#new-incidents li.new-item")
    expect(items).to_have_count(len(held), timeout=20_000)
    for title, *_ in held:
        expect(items.filter(has_text=title).first).to_be_visible()
    # The tiles count the incidents of the period chosen (not rejected, for the
    # total; open ones for "open").
    of_the_day = [row for row in held if row[3] == "2024-02-14"]
    counted = sum(1 for row in of_the_day if row[1] != "ditolak")
    assert counted > 0, held
    expect(page.locator("[data-field=total]")).to_have_text(str(counted))
    expect(page.locator("[data-field=open]")).to_have_text(
        str(sum(1 for row in of_the_day if row[1] in OPEN_STATUSES))
    )
    assert page.evaluate("() => window.sameDocument") is True
    page.screenshot(path=artifacts / "simulated-day.png", full_page=True)
