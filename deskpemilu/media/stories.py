"""When two articles are one story: near-duplicates (a press release printed by
several sites, fingerprints up to STORY_BITS apart) and follow-ups (the same kab/kota,
the same kind of event, words of the title shared, within FOLLOW_UP_DAYS). No Django.
"""

from __future__ import annotations

import re

from deskpemilu.media.ingest import distance

STORY_BITS = 18
FOLLOW_UP_DAYS = 10
_WORD = re.compile(r"[a-z0-9]{4,}")
# Words of every election headline, which say nothing of which story it is.
_COMMON = frozenset(
    """pemilu pilkada tahun warga masyarakat bersama terkait pihak kabupaten kota
    provinsi banten kecamatan desa""".split()
)


def title_words(title: str) -> frozenset[str]:
    return frozenset(_WORD.findall(title.lower())) - _COMMON


def same_story(
    *,
    fingerprints: tuple[int, int],
    titles: tuple[str, str],
    kabkota: tuple[str, str],
    categories: tuple[str, str],
) -> bool:
    """Whether two articles (close enough in time: the caller's choice) are one
    story."""
    if distance(*fingerprints) <= STORY_BITS:
        return True
    if not kabkota[0] or kabkota[0] != kabkota[1]:
        return False
    a, b = (title_words(t) for t in titles)
    shared = len(a & b) / max(1, min(len(a), len(b)))
    same_kind = bool(categories[0]) and categories[0] == categories[1]
    return shared >= 0.5 or (same_kind and shared >= 0.25)
