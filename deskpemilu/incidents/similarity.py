"""Text and place closeness for proposing duplicate incidents. No ORM."""

from __future__ import annotations

import math
import re

_WORD = re.compile(r"[a-z0-9]+")
# Words that say nothing about which incident it is.
_STOP = frozenset(
    "di ke dari dan yang ada ini itu dengan untuk pada oleh tps desa kec kecamatan "
    "kab kota warga sudah telah akan dalam juga tidak the a of at in".split()
)


def words(text: str) -> frozenset[str]:
    return frozenset(
        w for w in _WORD.findall(text.lower()) if len(w) > 2 and w not in _STOP
    )


def text_similarity(a: str, b: str) -> float:
    """Jaccard similarity of the meaningful words of two texts, 0..1."""
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return len(wa & wb) / len(wa | wb)


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(h))
