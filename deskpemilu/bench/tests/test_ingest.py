"""The ingest benchmark's own arithmetic and request shapes (no server)."""

import json
import random

from deskpemilu.bench import loadgen
from deskpemilu.bench.ingest import median_run


def test_the_median_run_is_reported_and_every_message_counted():
    runs = [
        {"requests_per_s": r, "messages_per_s": r * 10, "messages_ok": m}
        for r, m in ((30.0, 300), (10.0, 100), (20.0, 200))
    ]
    median = median_run(runs)
    assert median["requests_per_s"] == 20.0 and median["runs"] == 3
    assert median["messages_ok"] == 600
    assert median["messages_per_s_each"] == [300.0, 100.0, 200.0]


def test_a_batch_request_carries_prepared_messages_with_new_ids():
    rng = random.Random(3)
    codes = ["3601012001001", "3601012001002"]
    cfg = {"batch": 50, "token": "t", "_pool": loadgen.message_pool(rng, codes, 200)}
    _, path, body, headers, count = loadgen._request("batch", cfg, rng, codes, "s-1")
    messages = json.loads(body)["messages"]
    assert path.endswith("/messages/batch") and count == len(messages) == 50
    assert len({m["id"] for m in messages}) == 50
    assert all(set(m) == {"id", "sender", "text"} and m["text"] for m in messages)
