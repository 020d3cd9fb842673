"""`deskpemilu demo` against the real desk (granian, production settings, its own
database): a simulated voting day arrives over HTTP, the desk's incidents are worked
into several states, every page says DEMO DATA, and `--clear` takes it all away."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator

import pytest

from deskpemilu.devtools.liveserver import CLI, LiveDesk, live_desk


@pytest.fixture(scope="module")
def desk(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveDesk]:
    folder = tmp_path_factory.mktemp("demo-desk")
    with live_desk(folder) as running:
        yield running


def cli(desk: LiveDesk, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CLI, *args], env=dict(desk.env), capture_output=True, text=True, check=False
    )


def page(desk: LiveDesk, path: str) -> str:
    with urllib.request.urlopen(desk.url + path, timeout=30) as answer:
        return answer.read().decode()


def held(desk: LiveDesk) -> dict[str, int]:
    code = (
        "import json; from deskpemilu.intake.models import InboundMessage as M; "
        "from deskpemilu.incidents.models import Incident as I; "
        "from deskpemilu.results.models import ResultSheet as S; "
        "print(json.dumps({'messages': M.objects.count(), 'sheets': "
        "S.objects.count(), 'statuses': sorted(set(I.objects.values_list("
        "'status', flat=True)))}))"
    )
    done = cli(desk, "shell", "-c", code)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_demo_fills_the_desk_marks_every_page_and_clears(desk):
    assert "DATA DEMO" not in page(desk, "/masuk/")
    done = cli(desk, "demo", "--url", desk.url, "--tps", "120", "--json")
    assert done.returncode == 0, done.stderr
    info = json.loads(done.stdout)
    assert info["sent"] > 300
    assert "[simulasi]" in done.stderr  # progress while it plays
    now = held(desk)
    assert now["messages"] >= info["sent"] - info["tps"]  # API batches and sheets
    assert now["sheets"] > 0
    # Worked as a desk would: new, rejected, verified, handled and closed.
    assert {"baru", "ditolak", "terverifikasi", "ditangani", "selesai"} <= set(
        now["statuses"]
    )
    assert "DATA DEMO" in page(desk, "/masuk/")
    assert "DATA DEMO" in page(desk, "/lapor/")

    # make run's --if-fresh leaves a desk with data alone.
    again = cli(desk, "demo", "--url", desk.url, "--if-fresh")
    assert again.returncode == 0 and "tidak diputar" in again.stderr

    cleared = cli(desk, "demo", "--clear")
    assert cleared.returncode == 0, cleared.stderr
    assert held(desk) == {"messages": 0, "sheets": 0, "statuses": []}
    assert "DATA DEMO" not in page(desk, "/masuk/")
