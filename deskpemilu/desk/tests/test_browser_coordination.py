"""Coordination to closure in real browsers against the real server (issue 12): an
operator of Lebak reports an incident and asks Polres Lebak to act; the worker tells
Polres Lebak: the liaison's bell, an e-mail to a local SMTP server, and a signed
webhook to the agency's own system (refused once with 500, delivered on the retry);
the Polres liaison, in a browser of their own, finds it in Tugas saya and the bell,
acknowledges it, records a follow-up with a photo and the agency's case number and
reports it finished; the coordinator closes it from "siap ditutup"; a meeting's
action item for Polres Lebak is run to done from the liaison's Tugas saya.

Each person works in a Chromium of their own (a thread each: Playwright's sync API
allows one per thread). Screenshots go to test-artifacts/coordination-*.png.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
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
from deskpemilu.devtools.sinks import SmtpSink, WebhookReceiver
from deskpemilu.incidents.tests.test_agency import png

pytestmark = pytest.mark.browser

MEMBERS = (
    Member("koordinator", "kesbangpol-banten", "coordinator", "36", PASSWORD),
    Member("operator_lebak", "pemkab-lebak", "operator", "36.02", PASSWORD),
    Member("polres_lebak", "polres-lebak", "liaison", "36.02", PASSWORD),
)
TPS = "3602010001001"  # a TPS of Kabupaten Lebak, found by the test below
TITLE = "Bentrok pendukung di dekat TPS"
SECRET = "rahasia-sistem-polres-lebak"
LIAISON_EMAIL = "kasat.intel@polres-lebak.example"


@pytest.fixture(scope="module")
def smtp() -> Iterator[SmtpSink]:
    with SmtpSink() as sink:
        yield sink


@pytest.fixture(scope="module")
def agency_system() -> Iterator[WebhookReceiver]:
    """Polres Lebak's own system: refuses the first POST (500), takes the next."""
    with WebhookReceiver(secret=SECRET, answers=[500]) as receiver:
        yield receiver


@pytest.fixture(scope="module")
def desk(
    tmp_path_factory: pytest.TempPathFactory,
    smtp: SmtpSink,
    agency_system: WebhookReceiver,
) -> Iterator[LiveDesk]:
    settings = {
        "DESKPEMILU_EMAIL_HOST": "127.0.0.1",
        "DESKPEMILU_EMAIL_PORT": str(smtp.port),
        "DESKPEMILU_EMAIL_TLS": "false",
        "DESKPEMILU_TASK_RETRY_DELAYS": "1,1,1",
        "DESKPEMILU_NOTIFY_SWEEP_SECONDS": "1",  # the retry is looked for each second
    }
    folder = tmp_path_factory.mktemp("coordination-desk")
    with live_desk(folder, MEMBERS, extra_env=settings) as running:
        run(
            running,
            "shell",
            "-c",
            "from deskpemilu.accounts.models import Agency, User; "
            "from deskpemilu.notifications.models import WebhookEndpoint as W; "
            "User.objects.filter(username='polres_lebak')"
            f".update(email='{LIAISON_EMAIL}'); "
            "W.objects.create(agency=Agency.objects.get(code='polres-lebak'), "
            f"url='{agency_system.url}', secret='{SECRET}', events=['assigned'])",
        )
        yield running


def worker_burst(desk: LiveDesk) -> None:
    """What the background worker does, once through what is queued."""
    run(desk, "worker", "--burst")


def log_in(page: Page, username: str) -> None:
    page.goto("/masuk/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("form:has(input[name=password]) button[type=submit]")
    expect(page.locator(".topbar .who")).to_be_visible()


def _lebak_tps(page: Page) -> str:
    """A real TPS of Lebak, picked in the desk form's finder as a person would."""
    page.fill("#id_tps", "TPS 1 Cibadak")
    option = page.locator("#tps-options option").first
    expect(option).to_have_attribute("data-kind", "tps", timeout=10_000)
    return option.get_attribute("value") or ""


def operator_reports_and_assigns(page: Page, shots: Path) -> str:
    log_in(page, "operator_lebak")
    page.goto("/kejadian/baru/")
    page.select_option("#id_category", "kekerasan")
    page.select_option("#id_severity", "berat")
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "Dua kelompok pendukung saling dorong di dekat TPS.")
    page.fill("#id_tps", _lebak_tps(page))
    moment = (dt.datetime.now() - dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    page.fill("#id_occurred_at", moment)
    page.click("form.incident-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text(TITLE)
    incident_url = page.url
    # Verified first: an agency is asked to act on a verified report.
    page.click("form.transition:has(input[value=terverifikasi]) button")
    expect(page.locator("#status")).to_be_visible()
    page.check("form.assign label:has-text('Polres Lebak') input")
    page.click("form.assign button[type=submit]")
    expect(page.locator("#assignments")).to_contain_text("Polres Lebak")
    page.screenshot(path=str(shots / "coordination-assigned.png"), full_page=True)
    return incident_url


def liaison_sees_the_bell(page: Page) -> None:
    log_in(page, "polres_lebak")
    bell = page.locator(".topbar a.bell .count")
    expect(bell).to_have_attribute("data-unread", "1")
    page.click(".topbar a.bell")
    expect(page.locator("main")).to_contain_text(TITLE)


def liaison_acts(page: Page, shots: Path, photo: Path) -> None:
    log_in(page, "polres_lebak")
    page.goto("/")  # a liaison's home is Tugas saya
    task = page.locator("article.task", has_text=TITLE)
    expect(task).to_be_visible()
    expect(page.locator(".topbar a.tasks .count")).to_have_text("1")
    task.locator("button", has_text="Terima").click()
    task = page.locator("article.task", has_text=TITLE)
    expect(task).to_contain_text("Dikonfirmasi")
    task.locator("textarea[name=action]").fill("Personel diturunkan, situasi kondusif.")
    task.locator("input[name=case_number]").fill("LP/B/12/II/2024")
    task.locator("input[name=attachment]").set_input_files(str(photo))
    page.screenshot(path=str(shots / "coordination-tugas-saya.png"), full_page=True)
    task.locator("button[name=done]").click()
    expect(page.locator("article.task", has_text=TITLE)).to_have_count(0)


def coordinator_closes(page: Page, incident_url: str) -> None:
    log_in(page, "koordinator")
    page.goto("/kejadian/siap-ditutup/")
    row = page.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("LP/B/12/II/2024")
    row.locator("form button[type=submit]").click()
    expect(page.locator("tr", has_text=TITLE)).to_have_count(0)
    page.goto(incident_url)
    expect(page.locator(".incident-head [data-status]")).to_have_attribute(
        "data-status", "selesai"
    )
    expect(page.locator("#timeline")).to_contain_text("LP/B/12/II/2024")
    photo = page.locator("a[href*='/lampiran/']").first
    expect(photo).to_be_visible()
    assert page.locator("#closing").count() == 0  # closed: no closing card


def coordinator_holds_a_meeting(page: Page) -> None:
    log_in(page, "koordinator")
    page.goto("/koordinasi/rapat/baru/")
    page.fill("#id_title", "Rakor pengamanan Lebak")
    page.fill("#id_place", "Aula Polres Lebak")
    page.fill("#id_region", "36.02")
    if page.locator("#id_held_at").count():
        page.fill("#id_held_at", dt.datetime.now().strftime("%Y-%m-%dT%H:%M"))
    page.fill("#id_agenda", "Pengamanan TPS rawan")
    page.click("form.incident-form button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Rakor pengamanan Lebak")
    page.fill("#id_description", "Patroli gabungan di TPS rawan Cibadak")
    page.select_option("#id_owner", label="Polres Lebak")
    page.fill("#id_due_on", dt.date.today().isoformat())
    page.click("form[action*='tindakan'] button[type=submit]")
    expect(page.locator("body")).to_contain_text("Patroli gabungan")


def liaison_finishes_the_action_item(page: Page) -> None:
    log_in(page, "polres_lebak")
    page.goto("/kejadian/tugas/")
    item = page.locator("#action-items tr", has_text="Patroli gabungan")
    expect(item).to_be_visible()
    item.locator("button[type=submit]").click()
    expect(page.locator("#action-items tr", has_text="Patroli gabungan")).to_have_count(
        0
    )


def test_an_incident_goes_from_assignment_to_closure_and_a_meeting_item_to_done(
    desk: LiveDesk,
    artifacts: Path,  # noqa: F811  (the fixture imported above)
    tmp_path: Path,
    smtp: SmtpSink,
    agency_system: WebhookReceiver,
) -> None:
    photo = tmp_path / "lokasi.png"
    photo.write_bytes(png(8, 8))
    urls: list[str] = []
    in_own_browser(
        desk, lambda page: urls.append(operator_reports_and_assigns(page, artifacts))
    )
    worker_burst(desk)  # the e-mail goes; the agency's system refuses the webhook
    [mail] = [m for m in smtp.messages if LIAISON_EMAIL in m.rcpt_tos]
    assert TITLE in mail.content.decode("utf-8", "replace")
    assert [r.answered for r in agency_system.received] == [500]
    time.sleep(2.5)  # the retry's wait (DESKPEMILU_TASK_RETRY_DELAYS=1) and a new slot
    worker_burst(desk)
    assert [r.answered for r in agency_system.received] == [500, 200]
    for delivery in agency_system.received:  # checked here as the agency would
        expected = hmac.new(SECRET.encode(), delivery.raw, hashlib.sha256).hexdigest()
        assert delivery.headers["X-Desk-Signature-256"] == f"sha256={expected}"
        assert delivery.body["event"] == "assigned"
        assert TITLE in str(delivery.body)
    in_own_browser(desk, liaison_sees_the_bell)
    in_own_browser(desk, lambda page: liaison_acts(page, artifacts, photo))
    in_own_browser(desk, lambda page: coordinator_closes(page, urls[0]))
    in_own_browser(desk, coordinator_holds_a_meeting)
    in_own_browser(desk, liaison_finishes_the_action_item)
