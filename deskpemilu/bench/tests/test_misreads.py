"""bench misreads: each kind is injected as named, and the detector is scored on
every kind (small sets: the figures are in docs/benchmarks.md)."""

import numpy as np

from deskpemilu.bench import misreads


def test_each_kind_reads_a_count_as_an_ocr_would():
    rng = np.random.default_rng(1)
    for _ in range(200):
        true = int(rng.integers(10, 400))
        text = str(true)
        read = misreads.misread(rng, true, "drop")
        assert read is not None and len(str(read)) < len(text)
        read = misreads.misread(rng, true, "insert")
        assert read is None or len(str(read)) == len(text) + 1
        read = misreads.misread(rng, true, "substitute_units")
        if read is not None:
            assert read // 10 == true // 10 and 1 <= abs(read - true) <= 9
        read = misreads.misread(rng, true, "substitute")
        if read is not None:
            assert read % 10 == true % 10 and abs(read - true) >= 10
    assert misreads.misread(rng, 7, "drop") is None  # nothing left to read


def test_every_kind_is_scored_and_slips_are_not_called_misreads():
    out = misreads.run(misreads.MisreadConfig(per_kind=40, seed=3))
    kinds = out["kinds"]
    assert set(kinds) == {*misreads.KINDS, "slip", "clean"}
    for kind in ("insert", "swap", "substitute", "drop"):
        assert kinds[kind]["recall"] >= 0.9, kind
    # A look-alike in the units digit is a slip of 1-8 as much: never offered.
    assert kinds["substitute_units"].get("alone", 0) == 0
    assert out["false_misread_sheets"] == 0
    assert kinds["clean"]["no_flag"] == 40
    assert out["uncovered_fields"] == ["dptb_total", "dpk_total"]
