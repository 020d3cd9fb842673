"""Verdicts on a results file without the database: every check, as JSON lines.

The file is read in batches (layouts.py) and the sheets kept as arrays only, because
the checks across sources and the kecamatan screens need all sheets of a TPS or
kecamatan together. Figures on a national file: docs/benchmarks.md, "bench
results".
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, cast

import numpy as np

from deskpemilu.core.errors import ImportFailed
from deskpemilu.results import checks, layouts, screens
from deskpemilu.results.sheets import Sheets


def read_all(paths: list[Path], source: str) -> Sheets:
    """Every non-empty sheet of the files; ImportFailed if any file is unreadable."""
    parts: list[Sheets] = []
    k = 0
    for path in paths:
        problems = layouts.Problems(path.name)
        layout = layouts.detect_layout(path, problems)
        if layout is None:
            raise ImportFailed(problems.items)
        for batch in layouts.read_batches(
            path, layout, problems, source=source, single_source=False
        ):
            keep = ~batch.empty & ~batch.bad
            parts.append(
                batch.sheets if keep.all() else batch.sheets.take(np.nonzero(keep)[0])
            )
        if problems:
            raise ImportFailed(problems.items)
        k = max(k, layout.n_candidates)
    return _concat(parts, k)


def _concat(parts: list[Sheets], k: int) -> Sheets:
    """One Sheets of the parts, which are emptied: each part is copied into the
    matrix and let go at once, so the parts and the whole are not held together
    (the matrix's pages are the system's only once written)."""
    width = len(Sheets.from_dicts([], k).names)
    n = sum(len(p) for p in parts)
    values = np.empty((n, width), dtype=np.int64)
    known = np.empty((n, width), dtype=bool)
    codes = np.empty(n, dtype=np.int64)
    sources: list[np.ndarray] = [np.zeros(0, dtype=str)]
    at = 0
    parts.reverse()
    while parts:
        p = parts.pop()
        rows, w = slice(at, at + len(p)), p.values.shape[1]
        values[rows, :w], values[rows, w:] = p.values, 0
        known[rows, :w], known[rows, w:] = p.known, False
        codes[rows] = p.codes
        sources.append(cast(np.ndarray, p.sources))  # read_batches names every source
        at += len(p)
    return Sheets(codes, values, known, k, np.concatenate(sources))


def every_check(sheets: Sheets) -> list[checks.Flag]:
    """Every check of the sheets: the per-sheet checks, those across sources and
    the kecamatan screens, in that order. The per-sheet checks run on a thread of
    their own beside the other two: both are array work that lets go of the GIL
    for most of its time, and they only read the sheets (nationally on 2 cores
    1.7 -> 1.1 s, docs/benchmarks.md)."""
    with ThreadPoolExecutor(1) as pool:
        per_sheet = pool.submit(checks.check_sheets, sheets)
        others = checks.compare_sources(sheets)
        others += screens.outlier_flags(sheets, use=primary_rows(sheets))
        return per_sheet.result() + others


def verdicts(sheets: Sheets) -> Iterator[dict[str, Any]]:
    """One verdict per TPS with at least one flag, in TPS code order."""
    found = every_check(sheets)
    several = sheets.sources is not None and len(set(sheets.sources.tolist())) > 1
    by_code: dict[int, list[dict[str, str]]] = defaultdict(list)
    for flag in found:
        detail = flag.detail
        if several and not flag.cross_source:
            detail = f"[{sheets.source(flag.row)}] {detail}"
        by_code[int(sheets.codes[flag.row])].append(
            {"check": flag.check, "detail": detail}
        )
    for code in sorted(by_code):
        yield {"kode_tps": f"{code:013d}", "flags": by_code[code]}


def primary_rows(sheets: Sheets) -> np.ndarray:
    """One row per TPS: its best-ranked source."""
    if len(sheets) < 2 or (sheets.codes[1:] > sheets.codes[:-1]).all():
        return np.ones(len(sheets), dtype=bool)  # one row per TPS already
    order = np.lexsort((sheets.source_ranks(), sheets.codes))
    codes = sheets.codes[order]
    first = np.r_[True, codes[1:] != codes[:-1]]
    use = np.zeros(len(sheets), dtype=bool)
    use[order[first]] = True
    return use


def jsonl(verdict: dict[str, Any]) -> str:
    return json.dumps(verdict, ensure_ascii=False, separators=(", ", ": "))
