"""Working the flag queue in a real browser, against the real server (granian) with
its own database: the Sumur sample (KPU Sirekap, with its genuine errors) and the
official totals are imported by the console commands, as the desk's IT admin does;
the coordinator opens the queue, goes to a flagged TPS (its sheet, flags and photo
side by side), keeps a value with a reason, resolves a flag with a note, and sees
the queue shrink. The screenshot goes to test-artifacts/results-tps.png.
"""

from __future__ import annotations

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
from deskpemilu.results.tests.conftest import OFFICIAL, SUMUR

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    members = (
        Member("koordinator", "kesbangpol-banten", "coordinator", "36", PASSWORD),
    )
    with live_desk(tmp_path_factory.mktemp("results-desk"), members) as running:
        run(running, "import_results", str(SUMUR))
        run(running, "import_official_recap", str(OFFICIAL))
        yield running


def test_the_coordinator_works_a_flag_from_the_queue_to_closed(
    desk: LiveDesk,
    artifacts: Path,  # noqa: F811
) -> None:
    in_own_browser(desk, lambda page: flag_scenario(page, artifacts))


def open_flags(page: Page) -> int:
    page.goto("/hasil/flags/")
    return page.locator("tr.flag").count()


def flag_scenario(page: Page, artifacts: Path) -> None:  # noqa: F811
    page.goto("/masuk/")
    page.fill("input[name=username]", "koordinator")
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page.get_by_role("button", name="Keluar")).to_be_visible()

    before = open_flags(page)
    assert before > 0  # Sumur's real errors
    row = page.locator("tr.flag[data-check=sum_mismatch]").first
    code = row.get_attribute("data-tps")
    # The fix the sheet's own numbers pin, read -> proposed, in words.
    fix = row.locator(".proposal .correction[data-field=suara_sah]")
    expect(fix).to_be_visible()
    expect(fix).to_contain_text("110 → 228")
    row.locator(f"a[href='/hasil/tps/{code}/']").click()

    # The TPS: its sheet, its flags and its photo on one page.
    expect(page.locator(f"#tps[data-code='{code}']")).to_be_visible()
    expect(page.locator("table.sources tr[data-field=suara_sah]")).to_be_visible()
    expect(page.locator("#flags .flag-item[data-check=sum_mismatch]")).to_be_visible()
    expect(page.locator("section.photo")).to_be_visible()
    open_here = page.locator(".flag-item[data-status=open]")
    n_here = open_here.count()
    assert n_here >= 1
    page.screenshot(path=artifacts / "results-tps.png", full_page=True)

    # Keep a value for the valid votes, with the reason.
    field = "suara_sah"
    form = page.locator("form.decision-form")
    form.locator("select[name=field]").select_option(field)
    form.locator("input[name=value]").fill("228")
    form.locator("textarea[name=reason]").fill("Dibaca ulang dari foto C.Hasil.")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#decisions tr[data-field='{field}']")).to_be_visible()

    # Close whatever is still open here with a note.
    while page.locator(".flag-item[data-status=open]").count():
        item = page.locator(".flag-item[data-status=open]").first
        item.locator("input[name=note]").fill("Sudah dicek dengan PPK.")
        item.locator("button[value=resolved]").click()
        page.wait_for_load_state()
    expect(page.locator(".flag-item[data-status=resolved]")).to_have_count(
        page.locator(".flag-item").count()
    )

    # The queue no longer holds this TPS's flags.
    after = open_flags(page)
    assert after == before - n_here
    expect(page.locator(f"tr.flag[data-tps='{code}']")).to_have_count(0)
