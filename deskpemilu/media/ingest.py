"""Reading what arrives: HTML to its main text (trafilatura), feeds to entries
(feedparser; a URL or a local file), and a fingerprint of a text for near-duplicates.
No Django here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

import feedparser
import trafilatura

_WORD = re.compile(r"\w+")
# Two texts whose fingerprints differ in at most this many of 64 bits are the same
# article (a changed headline, a fixed typo, another site's prefix).
NEAR_BITS = 8


def html_text(html: str) -> tuple[str, str]:
    """(title, main text) of a web page; the text one paragraph a line."""
    text = trafilatura.extract(
        html, include_comments=False, include_tables=False, favor_precision=True
    )
    meta = trafilatura.extract_metadata(html)
    title = (meta.title if meta and meta.title else "") or ""
    return title.strip(), (text or "").strip()


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    text: str
    published: dt.datetime | None


def _entry_text(entry: feedparser.FeedParserDict) -> str:
    for content in entry.get("content") or []:
        value = content.get("value") or ""
        if value:
            return value
    return str(entry.get("summary") or "")


def parse_feed(source: str | bytes) -> tuple[list[FeedEntry], str]:
    """The entries of an RSS/Atom feed (a URL, a file path or the feed itself) and
    the parser's complaint, "" when it read the feed cleanly."""
    parsed = feedparser.parse(source)
    problem = ""
    if parsed.get("bozo") and not parsed.entries:
        problem = str(parsed.get("bozo_exception") or "feed tidak terbaca")
    status = parsed.get("status")
    if isinstance(status, int) and status >= 400:
        problem = f"HTTP {status}"
    out = []
    for entry in parsed.entries:
        body = _entry_text(entry)
        if "<" in body:
            _title, extracted = html_text(f"<html><body>{body}</body></html>")
            body = extracted or re.sub(r"<[^>]+>", " ", body)
        stamp = entry.get("published_parsed") or entry.get("updated_parsed")
        published = dt.datetime(*stamp[:6]).replace(tzinfo=dt.UTC) if stamp else None
        out.append(
            FeedEntry(
                url=str(entry.get("link") or ""),
                title=str(entry.get("title") or "").strip(),
                text=body.strip(),
                published=published,
            )
        )
    return out, problem


def fingerprint(text: str) -> int:
    """A 64-bit SimHash of the text's word 3-shingles: near-identical texts get
    fingerprints a few bits apart. Signed, so it fits a database bigint."""
    words = [w.lower() for w in _WORD.findall(text)]
    weights = [0] * 64
    grams = [" ".join(words[i : i + 3]) for i in range(max(1, len(words) - 2))]
    for gram in grams:
        h = int.from_bytes(hashlib.blake2b(gram.encode(), digest_size=8).digest())
        for bit in range(64):
            weights[bit] += 1 if h >> bit & 1 else -1
    value = sum(1 << bit for bit in range(64) if weights[bit] > 0)
    return value - (1 << 64) if value >= 1 << 63 else value


def distance(a: int, b: int) -> int:
    return ((a ^ b) & ((1 << 64) - 1)).bit_count()


def near(a: int, b: int) -> bool:
    return distance(a, b) <= NEAR_BITS
