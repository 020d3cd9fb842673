"""`deskpemilu fuzz`: every generated input is counted as taken, refused or a crash,
a seed replays a run exactly, and each crash is saved with its input."""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import CommandError, call_command


def fuzz(tmp_path: Path, seed: int) -> dict:
    out = io.StringIO()
    args = ["--count", "400", "--seed", str(seed), "--out", str(tmp_path), "--json"]
    try:
        call_command("fuzz", *args, stdout=out)
    except CommandError as error:  # a crash in a reader: the summary is printed first
        assert "crash" in str(error)
    return json.loads(out.getvalue())


def test_every_input_is_counted_and_a_seed_replays_the_run(tmp_path):
    summary = fuzz(tmp_path / "a", seed=7)
    assert summary["inputs"] == 400
    assert sum(sum(t.values()) for t in summary["per_target"].values()) == 400
    assert len(summary["per_target"]) >= 10  # every reader had its turn
    again = fuzz(tmp_path / "b", seed=7)
    assert again["per_target"] == summary["per_target"]
    for signature in summary["signatures"]:
        saved = Path(signature["smallest_input"])
        assert saved.is_file() and Path(f"{saved}.txt").is_file()
