"""Places in an article matched to the region table (level and code).

The gazetteer is built once from region rows (the bundled Kemendagri table,
`deskpemilu/data/banten/regions`, the same the regions app loads): every name, and
every name with its qualifier ("Kota Serang", "Kecamatan Cipocok Jaya", "Desa ..."),
is a key of one dict; the text is scanned once, a dict look-up per position and
length. A name held by several regions (a village name found in several kecamatan)
is resolved by the kab/kota or kecamatan named nearest to it in the article. No
Django here.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from deskpemilu.media.text import Token

REGION_CSV = (
    Path(__file__).resolve().parent.parent
    / "data"
    / "banten"
    / "regions"
    / "banten_wilayah_kepmendagri_2022.csv"
)
REGION_CSV_2025 = REGION_CSV.with_name("banten_wilayah_kepmendagri_2025.csv")
MAX_WORDS = 4

# The word before a name that says which level it is.
QUALIFIERS: dict[str, frozenset[str]] = {
    "provinsi": frozenset({"provinsi"}),
    "prov": frozenset({"provinsi"}),
    "kabupaten": frozenset({"kabupaten"}),
    "kab": frozenset({"kabupaten"}),
    "kota": frozenset({"kota"}),
    "kecamatan": frozenset({"kecamatan"}),
    "kec": frozenset({"kecamatan"}),
    "desa": frozenset({"desa"}),
    "kelurahan": frozenset({"kelurahan", "desa"}),
    "kel": frozenset({"kelurahan", "desa"}),
}


@dataclass(frozen=True, slots=True)
class Region:
    code: str
    level: str  # provinsi, kabkota, kecamatan, desa
    kind: str  # provinsi, kabupaten, kota, kecamatan, desa, kelurahan
    name: str


@dataclass(frozen=True, slots=True)
class Mention:
    text: str
    start: int
    end: int
    region: Region | None  # None: ambiguous and not resolved
    candidates: int


def _bare(name: str) -> str:
    lowered = name.lower()
    for prefix in ("kab. ", "kabupaten ", "kota "):
        if lowered.startswith(prefix):
            return lowered[len(prefix) :]
    return lowered


def _display(name: str, kind: str) -> str:
    bare = _bare(name).title()
    if kind == "kabupaten":
        return f"Kabupaten {bare}"
    if kind == "kota":
        return f"Kota {bare}"
    return bare


class Gazetteer:
    def __init__(self, regions: Iterable[Region]) -> None:
        self.by_key: dict[tuple[str, ...], list[Region]] = {}
        self.by_code: dict[str, Region] = {}
        for region in regions:
            self.by_code[region.code] = region
            key = tuple(_bare(region.name).replace("-", " - ").split())
            self.by_key.setdefault(key, []).append(region)
        self.first_words = frozenset(key[0] for key in self.by_key)

    def candidates(self, words: tuple[str, ...], qualifier: str | None) -> list[Region]:
        found = self.by_key.get(words, [])
        if qualifier is None:
            return found
        kinds = QUALIFIERS[qualifier]
        return [r for r in found if r.kind in kinds]

    def match(self, tokens: Sequence[Token]) -> list[Mention]:
        """Every place named, in order; ambiguous names resolved by their context."""
        raw: list[tuple[int, int, list[Region]]] = []
        n = len(tokens)
        lowered = [t.text.lower() if t.text[0].isupper() else "" for t in tokens]
        i = 0
        while i < n:
            lower = lowered[i]
            if not lower:
                i += 1
                continue
            qualifier = lower if lower in QUALIFIERS else None
            first = i + 1 if qualifier else i
            if qualifier and first < n and tokens[first].text == ".":
                first += 1
            hit = None
            if first < n and lowered[first] in self.first_words:
                for length in range(min(MAX_WORDS, n - first), 0, -1):
                    words = tuple(
                        t.text.lower() for t in tokens[first : first + length]
                    )
                    found = self.candidates(words, qualifier)
                    if found:
                        hit = (i if qualifier else first, first + length, found)
                        break
            if hit:
                raw.append(hit)
                i = hit[1]
            else:
                i += 1
        return self._resolve(tokens, raw)

    def _resolve(
        self, tokens: Sequence[Token], raw: list[tuple[int, int, list[Region]]]
    ) -> list[Mention]:
        # Anchors: names of one region only; a resolved name becomes one too.
        anchors: list[tuple[int, Region]] = [
            (tokens[s].start, found[0]) for s, _, found in raw if len(found) == 1
        ]
        out: list[Mention] = []
        for s, e, found in raw:
            start, end = tokens[s].start, tokens[e - 1].end
            region = found[0] if len(found) == 1 else _top(found)
            if region is None:
                region = _nearest(found, start, anchors)
                if region is not None:
                    anchors.append((start, region))
            out.append(
                Mention(
                    text=" ".join(t.text for t in tokens[s:e]),
                    start=start,
                    end=end,
                    region=region,
                    candidates=len(found),
                )
            )
        return out


def _top(found: list[Region]) -> Region | None:
    """A province or kab/kota named without a qualifier is itself, not the
    village of the same name ("Banten" the province, not Kelurahan Banten), when
    it is the only one at its level."""
    top = min(_DEPTH[r.level] for r in found)
    at_top = [r for r in found if _DEPTH[r.level] == top]
    if top <= 1 and len(at_top) == 1:
        return at_top[0]
    return None


_DEPTH = {"provinsi": 0, "kabkota": 1, "kecamatan": 2, "desa": 3}


def _nearest(
    found: list[Region], at: int, anchors: list[tuple[int, Region]]
) -> Region | None:
    """The candidate whose kab/kota or kecamatan is named nearest; the same region
    named elsewhere (by a qualified name) counts too."""
    best: tuple[int, int, Region] | None = None
    for region in found:
        for where, anchor in anchors:
            if anchor.level == "provinsi":
                continue
            if anchor.code == region.code or region.code.startswith(anchor.code + "."):
                rank = (abs(where - at), -len(anchor.code))
                if best is None or rank < best[:2]:
                    best = (*rank, region)
    return best[2] if best else None


def read_regions(
    path: Path = REGION_CSV, names: Path | None = REGION_CSV_2025
) -> list[Region]:
    """Region rows of a Kemendagri table (the regions app's format); a name is
    taken from the 2025 edition where it has the same code (nicer spelling)."""
    alt: dict[str, str] = {}
    if names is not None and names.exists():
        with names.open(encoding="utf-8", newline="") as f:
            alt = {row["kode"]: row["nama"] for row in csv.DictReader(f)}
    out = []
    with path.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            kind = row["tipe"]
            name = alt.get(row["kode"], row["nama"])
            out.append(Region(row["kode"], row["level"], kind, _display(name, kind)))
    return out


@lru_cache(maxsize=1)
def banten() -> Gazetteer:
    """The bundled province, built once per process."""
    return Gazetteer(read_regions())
