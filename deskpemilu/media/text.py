"""Tokens and sentences with their character offsets (for highlighting). No Django."""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
# A sentence ends at . ! ? (and a closing quote after it) before a space and a
# capital or an opening quote; "Jl." and "(20/3/2024)." stay inside.
_SENTENCE_END = re.compile(r"(?<=[.!?])[”\"’']?\s+(?=[“\"A-Z])|\n+")


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int


def tokenize(text: str, offset: int = 0) -> list[Token]:
    return [
        Token(m.group(), m.start() + offset, m.end() + offset)
        for m in _TOKEN.finditer(text)
    ]


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence."""
    out: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > start:
            out.append((start, m.start()))
        start = m.end()
    if start < len(text):
        out.append((start, len(text)))
    return out
