"""Many result sheets as arrays: the form the checks, hashes and loads work on (no ORM).

A `Sheets` holds n sheets as one int64 matrix (columns: spec.FIELDS, then votes of
candidates 1..k) and a boolean matrix of which cells are known. Checks are whole-array
operations on it, so 820,161 sheets cost a few array passes, not 820,161 Python loops.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np

from deskpemilu.results.spec import FIELDS, SOURCE_RANK, field_names

_M64 = np.uint64(0xFFFFFFFFFFFFFFFF)
_SEED = np.uint64(0x9E3779B97F4A7C15)
_UNKNOWN = np.uint64(0xD6E8FEB86659FD93)


@dataclass
class Sheets:
    """n sheets of one contest with k candidates.

    `sources` (optional) names each row's source, for the checks across sources.
    """

    codes: np.ndarray  # int64, the 13-digit TPS codes
    values: np.ndarray  # int64 (n, len(FIELDS) + k); 0 where unknown
    known: np.ndarray  # bool, same shape
    n_candidates: int
    sources: np.ndarray | None = None  # str (n,)
    names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        self.names = field_names(self.n_candidates)
        # Zero the unknown cells; no copy when every cell is known and the values
        # are int64 already (a national batch: one pass over `known`, not two
        # copies of the matrix).
        values = np.asarray(self.values, dtype=np.int64)
        if not self.known.all():
            values = np.where(self.known, values, 0)
        self.values = values
        if self.values.shape != (len(self.codes), len(self.names)):
            raise ValueError(f"values shape {self.values.shape} != {len(self.names)}")

    def __len__(self) -> int:
        return len(self.codes)

    def col(self, name: str) -> int:
        return self.names.index(name)

    @property
    def vote_cols(self) -> slice:
        return slice(len(FIELDS), len(self.names))

    def value(self, row: int, name: str) -> int | None:
        c = self.col(name)
        return int(self.values[row, c]) if self.known[row, c] else None

    def code(self, row: int) -> str:
        return f"{int(self.codes[row]):013d}"

    def source(self, row: int) -> str:
        return str(self.sources[row]) if self.sources is not None else ""

    def take(self, rows: np.ndarray) -> Sheets:
        return Sheets(
            codes=self.codes[rows],
            values=self.values[rows],
            known=self.known[rows],
            n_candidates=self.n_candidates,
            sources=None if self.sources is None else self.sources[rows],
        )

    def source_ranks(self) -> np.ndarray:
        if self.sources is None:
            return np.zeros(len(self), dtype=np.int64)
        # One comparison per distinct source (a few), not a Python step per row.
        ranks = np.full(len(self), -1, dtype=np.int64)
        while (todo := np.flatnonzero(ranks < 0)).size:
            name = str(self.sources[todo[0]])
            ranks[self.sources == name] = SOURCE_RANK.get(name, len(SOURCE_RANK))
        return ranks

    @classmethod
    def from_dicts(cls, rows: Iterable[Mapping[str, Any]], n_candidates: int) -> Sheets:
        """Sheets from plain dicts (kode_tps, sumber, field -> int or None); for a
        single sheet typed in a form, an API payload, or a test."""
        rows = list(rows)
        names = field_names(n_candidates)
        values = np.zeros((len(rows), len(names)), dtype=np.int64)
        known = np.zeros((len(rows), len(names)), dtype=bool)
        for i, row in enumerate(rows):
            for j, name in enumerate(names):
                raw = row.get(name)
                if raw is not None and raw != "":
                    values[i, j], known[i, j] = int(raw), True
        sources = [str(r.get("sumber") or "") for r in rows]
        return cls(
            codes=np.array([int(r["kode_tps"]) for r in rows], dtype=np.int64),
            values=values,
            known=known,
            n_candidates=n_candidates,
            sources=np.array(sources, dtype=str) if any(sources) else None,
        )


def _mix(z: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit moves about half the output bits."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return cast(np.ndarray, z ^ (z >> np.uint64(31)))


def _mix_in_place(z: np.ndarray, spare: np.ndarray) -> None:
    """_mix without temporaries (`spare`: scratch of z's shape)."""
    np.right_shift(z, np.uint64(30), out=spare)
    z ^= spare
    z *= np.uint64(0xBF58476D1CE4E5B9)
    np.right_shift(z, np.uint64(27), out=spare)
    z ^= spare
    z *= np.uint64(0x94D049BB133111EB)
    np.right_shift(z, np.uint64(31), out=spare)
    z ^= spare


_BLOCK_ROWS = 8192


def content_hash(sheets: Sheets, photos: Iterable[str] | None = None) -> np.ndarray:
    """A 64-bit hash (int64) of each sheet's numbers, unknowns and photo reference.

    Equal readings hash equal in any process (no salt), so a re-import compares one
    number per sheet; any changed, added or removed value changes it. Not a
    cryptographic hash: it detects change, it does not resist forgery.
    """
    n, width = sheets.values.shape
    # The same bits as uint64 (no copy); in blocks of rows that stay in the
    # processor's cache while their columns are read, the arithmetic in place.
    cells = sheets.values.view(np.uint64)
    h = np.empty(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for start in range(0, n, _BLOCK_ROWS):
            block = slice(start, start + _BLOCK_ROWS)
            v, k = cells[block], sheets.known[block]
            hb = np.full(len(v), _SEED ^ np.uint64(width), dtype=np.uint64)
            spare = np.empty_like(hb)
            for j in range(width):
                kj = k[:, j]
                cell = (
                    v[:, j]
                    if kj.all()
                    else np.where(kj, v[:, j], _UNKNOWN ^ np.uint64(j))
                )
                hb ^= cell
                _mix_in_place(hb, spare)
                hb += np.uint64(j + 1)
            h[block] = hb
        # No photo column and an empty photo cell hash the same.
        crc = np.zeros(n, dtype=np.uint64)
        if photos is not None:
            crc = np.array(
                [zlib.crc32(p.encode()) if p else 0 for p in photos], dtype=np.uint64
            )
        h = _mix(h ^ crc)
    return h.view(np.int64)
