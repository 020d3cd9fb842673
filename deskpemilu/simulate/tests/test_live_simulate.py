"""`deskpemilu simulate` against the real desk (granian, production settings, its own
database: SQLite, or PostgreSQL when the run's DATABASE_URL is): a few hundred
messages over every entry point, and the desk holds exactly what it acknowledged."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator

import pytest

from deskpemilu.devtools.liveserver import CLI, LiveDesk, live_desk

SECRETS = {
    "DESKPEMILU_SMS_GATEWAY_KEY": "sim-gateway-key",
    "DESKPEMILU_TWILIO_AUTH_TOKEN": "sim-twilio-token",
    "DESKPEMILU_WHATSAPP_APP_SECRET": "sim-whatsapp-secret",
    "DESKPEMILU_TELEGRAM_SECRET": "sim-telegram-secret",
    # Every citizen's form comes from the test's one address.
    "DESKPEMILU_PUBLIC_FORM_LIMIT": "100000",
}
RUN = (
    "--seed", "5", "--tps", "60", "--incidents", "60", "--speed", "0",
    "--concurrency", "3",
    "--from", "2024-02-14T00:00", "--to", "2024-02-16T00:00",
)  # fmt: skip


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    folder = tmp_path_factory.mktemp("simulate-desk")
    with live_desk(folder, extra_env=SECRETS) as running:
        yield running


def simulate(desk: LiveDesk, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, "simulate", "--url", desk.url, *args],
        env=dict(desk.env),
        capture_output=True,
        text=True,
        check=False,
    )


def test_a_simulated_day_arrives_whole_over_every_channel(desk):
    done = simulate(desk, *RUN, "--json")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["agree"] is True, (summary, desk.log_path.read_text()[-3000:])
    assert summary["refused"] == {}
    sent = summary["sent"]
    assert set(sent) == {
        "api",
        "public",
        "results_api",
        "sms_gateway",
        "sms_twilio",
        "telegram",
        "whatsapp",
    }
    assert summary["planned"] >= 300
    assert (
        sum(n for kinds in sent.values() for n in kinds.values()) == summary["planned"]
    )
    kinds = {kind for by_kind in sent.values() for kind in by_kind}
    assert {"checkin", "incident", "free", "result", "unknown", "sheet"} <= kinds
    assert summary["held"] == sent
    assert summary["pending"] == 0
    assert sum(m["messages"] for m in summary["minutes"]) == summary["planned"]
    assert "[simulasi]" in done.stderr  # progress, on stderr


def test_a_second_run_of_the_same_seed_adds_nothing_new(desk):
    """The same seed sends the same messages with the same provider ids: the desk
    recognises each webhook's retry and stores nothing again, and the run says the
    counts differ. Not stored again either: the sheets (the same TPS and sources,
    resent unchanged). Stored again: the public form's (it has no id) and the API's
    (a run makes its own API client, and API ids are the client's)."""
    done = simulate(desk, *RUN, "--json")
    summary = json.loads(done.stdout)
    assert summary["agree"] is False
    held = summary["held"]
    assert set(held) <= {"api", "public", "results_api"}
    assert held["results_api"] == summary["sent"]["results_api"]


def test_a_missing_secret_is_named_before_anything_is_sent(desk):
    env = dict(desk.env) | {"DESKPEMILU_TELEGRAM_SECRET": ""}
    done = subprocess.run(
        [*CLI, "simulate", "--url", desk.url, *RUN],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert "DESKPEMILU_TELEGRAM_SECRET" in done.stderr
