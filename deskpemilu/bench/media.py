"""`deskpemilu bench media`: the analysis's speed on one core and its scores.

Speed: every test article (media/tests/articles) through the whole analysis
(cleaning to classification) in this one process, first once with cold caches, then
round after round for `duration` seconds. Scores: the tagger's entity F1 on the
idner-news-2k test split, and each field of the analysis against the hand-written
gold of the test articles (gold.json).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from deskpemilu.media import analysis, tagger

ARTICLES = Path(analysis.__file__).resolve().parent / "tests" / "articles"


def _articles() -> dict[str, str]:
    return {
        path.name: path.read_text(encoding="utf-8")
        for path in sorted(ARTICLES.glob("*.txt"))
    }


def _prf(found: set, gold: set) -> tuple[int, int, int]:
    return len(found & gold), len(found - gold), len(gold - found)


def scores(articles: dict[str, str]) -> dict[str, Any]:
    gold = json.loads((ARTICLES / "gold.json").read_text(encoding="utf-8"))
    counts: dict[str, list[int]] = {}
    exact: dict[str, list[int]] = {"class": [0, 0], "category": [0, 0]}
    for name, want in gold.items():
        if name.startswith("_"):
            continue
        got = analysis.analyze(articles[name])
        codes = {p["code"] for p in got.place_list() if p["code"]}
        fields: dict[str, tuple[set[Any], set[Any]]] = {
            "places": (codes, set(want["places"])),
            "persons": (
                {(p.name, p.role) for p in got.persons},
                set(want["persons"].items()),
            ),
            "quotes": (
                set(enumerate(q.speaker for q in got.quotes)),
                set(enumerate(want["speakers"])),
            ),
            "dates": (set(got.dates), set(want["dates"])),
        }
        for field, (found, expected) in fields.items():
            tp, fp, fn = _prf(found, expected)
            c = counts.setdefault(field, [0, 0, 0])
            c[0] += tp
            c[1] += fp
            c[2] += fn
        for field, value in (("class", got.klass), ("category", got.category)):
            exact[field][0] += value == want[field]
            exact[field][1] += 1
    out: dict[str, Any] = {}
    for field, (tp, fp, fn) in counts.items():
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        out[field] = {"precision": p, "recall": r, "f1": 2 * p * r / (p + r or 1)}
    for field, (right, total) in exact.items():
        out[field] = {"accuracy": right / total}
    ner = tagger.evaluate(tagger.shipped(), tagger.CORPUS / "test.txt")
    out["tagger"] = {
        "precision": ner.precision,
        "recall": ner.recall,
        "f1": ner.f1,
        "by_label": ner.by_label,
    }
    return out


def run(duration: float, say: Callable[[str], None]) -> dict[str, Any]:
    articles = list(_articles().values())
    chars = sum(len(a) for a in articles)
    # Loading the region table and the model happens once per process, not per
    # article: done before the clock starts.
    analysis.banten()
    tagger.shipped()
    start = time.perf_counter()
    for text in articles:
        analysis.analyze(text)
    cold = len(articles) / (time.perf_counter() - start)
    say(f"media: {len(articles)} articles, {chars} characters; cold {cold:.0f}/s")
    done = 0
    # CPU time of this process (one thread: one core), so that other work on a
    # shared machine does not count against the analysis; wall time beside it.
    start = time.perf_counter()
    cpu = time.process_time()
    while (elapsed := time.perf_counter() - start) < duration:
        for text in articles:
            analysis.analyze(text)
        done += len(articles)
    cpu_used = time.process_time() - cpu
    return {
        "per_cpu_s": done / cpu_used,
        "articles": len(articles),
        "mean_chars": chars / len(articles),
        "cold_per_s": cold,
        "per_s": done / elapsed,
        "scores": scores(_articles()),
    }


def report(out: dict[str, Any]) -> str:
    lines = [
        f"analysis, one core: {out['per_cpu_s']:.0f} articles per CPU second, "
        f"{out['per_s']:.0f}/s by the wall clock "
        f"(first pass, cold caches: {out['cold_per_s']:.0f}/s; "
        f"{out['articles']} articles, {out['mean_chars']:.0f} characters on average)",
    ]
    s = out["scores"]
    t = s["tagger"]
    lines.append(
        f"tagger, idner-news-2k test: P {t['precision']:.3f} R {t['recall']:.3f} "
        f"F1 {t['f1']:.3f}"
    )
    for label, (p, r, f) in t["by_label"].items():
        lines.append(f"  {label}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
    for field in ("places", "persons", "quotes", "dates"):
        v = s[field]
        lines.append(
            f"{field}: P {v['precision']:.3f} R {v['recall']:.3f} F1 {v['f1']:.3f}"
        )
    for field in ("class", "category"):
        lines.append(f"{field}: accuracy {s[field]['accuracy']:.3f}")
    return "\n".join(lines)
