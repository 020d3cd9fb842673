"""`deskpemilu bench misreads`: every kind of OCR misread injected into consistent
sheets, and what the per-sheet checks make of each (recall and precision per kind).

Consistent C.Hasil sheets come from the results generator (results/generator.py, its
clean sheets only). Disjoint sets of them get one misread each, one kind per set, in
one field the sheet's identities cover (candidate counts, the vote totals, the voter
and ballot counts):

- insert: a digit inserted or doubled (84 -> 884);
- swap: two neighbouring digits swapped (17 -> 71);
- substitute: a digit read as a look-alike (1/7, 3/8, 5/6, 0/8 ...:
  checks.LOOKALIKES) in the tens or above (199 -> 799);
- substitute_units: the same in the units digit (226 -> 228);
- drop: a digit dropped (132 -> 12);

and two sets stand beside them: arithmetic slips of the officer (a total off by 1-8,
no misread) and untouched sheets. Then checks.check_sheets over all of them, once.

Per kind: recall (the detector's likely_misread flag offers the true value: alone, or
among several options), how many sheets get no flag at all, and precision (of the
options of that kind the detector offered, the share that are the truth). A misread
that leaves every identity true would be indistinguishable from a true count; one
that fails an identity but is not offered as a misread is still flagged by the
identity (sum_mismatch ...), only not explained.

    python -m deskpemilu.bench.misreads [sheets per kind]
"""

from __future__ import annotations

import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from deskpemilu.results import checks, generator
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import Check, field_names

KINDS = ("insert", "swap", "substitute", "substitute_units", "drop")
# What the detector calls each kind (checks.KIND_WORDS), read back from its flags.
WORD_KIND = {word: kind for kind, word in checks.KIND_WORDS.items()}
OPTION = re.compile(r"(\w+) terbaca (-?\d+), kemungkinan (-?\d+) \(([^)]+)\)")
MAX_SLIP = 8


@dataclass
class MisreadConfig:
    per_kind: int = 2_000
    seed: int = 20240214


def covered_fields(n_candidates: int) -> tuple[str, ...]:
    """The fields some identity of the sheet names."""
    names = set()
    for ident in checks.identities(n_candidates):
        names |= set(ident.left) | set(ident.right)
    return tuple(n for n in field_names(n_candidates) if n in names)


def uncovered_fields(n_candidates: int) -> tuple[str, ...]:
    """Fields no identity names: a misread there can pass for a true count (only
    the range and capacity checks see them)."""
    covered = set(covered_fields(n_candidates))
    return tuple(n for n in field_names(n_candidates) if n not in covered)


def misread(rng: np.random.Generator, value: int, kind: str) -> int | None:
    """The value as an OCR of that kind would read it; None where the kind cannot
    apply (a one-digit count cannot drop a digit; no look-alike digit; ...)."""
    text = str(value)
    if kind == "insert":
        pos = int(rng.integers(0, len(text) + 1))
        digit = text[min(pos, len(text) - 1)] if rng.random() < 0.5 else None
        digit = digit or str(int(rng.integers(0, 10)))
        read = text[:pos] + digit + text[pos:]
        return int(read) if read[0] != "0" and int(read) != value else None
    if kind == "swap":
        spots = [
            p
            for p in range(len(text) - 1)
            if text[p] != text[p + 1] and not (p == 0 and text[1] == "0")
        ]
        if not spots:
            return None
        p = int(rng.choice(spots))
        return int(text[:p] + text[p + 1] + text[p] + text[p + 2 :])
    if kind == "drop":
        if len(text) < 2:
            return None
        p = int(rng.integers(0, len(text)))
        return int(text[:p] + text[p + 1 :])
    # substitute: position from the right, units only or tens and above
    places = [0] if kind == "substitute_units" else list(range(1, len(text)))
    options = []
    for p in places:
        if p >= len(text):
            continue
        true_digit = int(text[len(text) - 1 - p])
        for read_digit, sources in checks.LOOKALIKES.items():
            leading = p == len(text) - 1
            if true_digit in sources and not (leading and read_digit == 0):
                options.append((p, read_digit))
    if not options:
        return None
    p, read_digit = options[int(rng.integers(0, len(options)))]
    return value + (read_digit - int(text[len(text) - 1 - p])) * 10**p


def clean_columns(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    provs = generator.provinces()
    master = generator.build_master(rng, n, provs)
    cols = generator.clean_sheets(rng, master, provs)
    return {k: v for k, v in cols.items() if not k.startswith("_")}


def run(cfg: MisreadConfig) -> dict:
    k = generator.N_CANDIDATES
    groups = (*KINDS, "slip", "clean")
    n = cfg.per_kind * len(groups) * 2  # room: some sheets take no misread of a kind
    cols = clean_columns(n, cfg.seed)
    rng = np.random.default_rng(cfg.seed + 1)
    fields = covered_fields(k)
    names = field_names(k)
    values = np.stack([cols[name] for name in names], axis=1).astype(np.int64)
    truth: dict[int, tuple[str, str, int, int]] = {}  # row: kind, field, read, true
    order = iter(rng.permutation(n).tolist())
    for kind in groups:
        done = 0
        while done < cfg.per_kind:
            row = next(order)
            if kind == "clean":
                truth[row] = ("clean", "", 0, 0)
                done += 1
                continue
            if kind == "slip":  # the officer's arithmetic: a total off by 1-8
                name = str(rng.choice(["suara_sah", "suara_total"]))
                c = names.index(name)
                true = int(values[row, c])
                read = true + int(rng.integers(1, MAX_SLIP + 1)) * int(
                    rng.choice([-1, 1])
                )
                if read < 0:
                    continue
            else:
                name = str(rng.choice(fields))
                c = names.index(name)
                true = int(values[row, c])
                got = misread(rng, true, kind)
                if got is None:
                    continue
                read = got
            values[row, c] = read
            truth[row] = (kind, name, read, true)
            done += 1
    rows = np.array(sorted(truth), dtype=np.int64)
    sheets = Sheets(
        np.arange(len(rows), dtype=np.int64) + 3_601_012_001_001,
        values[rows],
        np.ones((len(rows), len(names)), dtype=bool),
        k,
    )
    start = time.perf_counter()
    flags = checks.check_sheets(sheets)
    seconds = time.perf_counter() - start
    return score(flags, [truth[int(r)] for r in rows]) | {
        "sheets": len(rows),
        "check_seconds": round(seconds, 3),
        "uncovered_fields": list(uncovered_fields(k)),
    }


def score(flags: list[checks.Flag], truth: list[tuple[str, str, int, int]]) -> dict:
    flagged_rows = {f.row for f in flags}
    offers: dict[int, list[tuple[str, int, str]]] = {}
    for f in flags:
        if f.check == Check.LIKELY_MISREAD:
            offers[f.row] = [
                (m[1], int(m[3]), WORD_KIND.get(m[4], m[4]))
                for m in OPTION.finditer(f.detail)
            ]
    per: dict[str, Counter] = {}
    offered: Counter = Counter()
    right: Counter = Counter()
    for row, (kind, name, _read, true) in enumerate(truth):
        c = per.setdefault(kind, Counter())
        c["injected"] += 1
        options = offers.get(row, [])
        hit = [o for o in options if o[0] == name and o[1] == true]
        if hit and len(options) == 1:
            c["alone"] += 1
        elif hit:
            c["among_options"] += 1
        elif options:
            c["wrong_offer"] += 1
        elif row in flagged_rows:
            c["flagged_not_explained"] += 1
        else:
            c["no_flag"] += 1
        for option in options:
            offered[option[2]] += 1
            right[option[2]] += option[0] == name and option[1] == true
    out = {}
    for kind, c in per.items():
        found = c["alone"] + c["among_options"]
        out[kind] = dict(c) | {
            "recall": round(found / c["injected"], 4) if kind in KINDS else None,
            "recall_alone": round(c["alone"] / c["injected"], 4)
            if kind in KINDS
            else None,
        }
    precision = {
        kind: {
            "offered": offered[kind],
            "right": right[kind],
            "precision": round(right[kind] / offered[kind], 4)
            if offered[kind]
            else None,
        }
        for kind in checks.KIND_WORDS
    }
    false_sheets = sum(
        1 for row, t in enumerate(truth) if t[0] in ("slip", "clean") and row in offers
    )
    return {"kinds": out, "precision": precision, "false_misread_sheets": false_sheets}


def report(result: dict) -> str:
    lines = [
        f"{result['sheets']:,} sheets (per-sheet checks {result['check_seconds']} s)",
        "",
        "| injected | sheets | offered alone | among options | wrong offer "
        "| identity flag only | no flag | recall | recall (alone) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for kind, c in result["kinds"].items():
        lines.append(
            f"| {kind} | {c['injected']:,} | {c.get('alone', 0):,} | "
            f"{c.get('among_options', 0):,} | {c.get('wrong_offer', 0):,} | "
            f"{c.get('flagged_not_explained', 0):,} | {c.get('no_flag', 0):,} | "
            f"{_pct(c['recall'])} | {_pct(c['recall_alone'])} |"
        )
    lines += ["", "| detector's kind | options offered | right | precision |"]
    lines.append("|---|---|---|---|")
    for kind, p in result["precision"].items():
        lines.append(
            f"| {kind} | {p['offered']:,} | {p['right']:,} | {_pct(p['precision'])} |"
        )
    lines.append("")
    lines.append(
        f"Sheets without a misread (slips, untouched) given a misread flag: "
        f"{result['false_misread_sheets']:,}. Fields no identity covers (a misread "
        f"there passes for a true count): {', '.join(result['uncovered_fields'])}."
    )
    return "\n".join(lines)


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.1f} %"


if __name__ == "__main__":
    per_kind = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    out = run(MisreadConfig(per_kind=per_kind))
    print(json.dumps(out, indent=2))
    print(report(out))
