"""The sequence tagger for persons, organisations and places (a CRF, python-crfsuite).

Trained by `deskpemilu train_ner` on idner-news-2k (data/idner-news-2k, MIT) with the
features below; the model is `data/ner.crfsuite`, shipped in the repository (it is
small) and rebuilt the same by the command. No Django here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycrfsuite

DATA = Path(__file__).resolve().parent / "data"
MODEL = DATA / "ner.crfsuite"
CORPUS = DATA / "idner-news-2k"
# Regularisation and iterations: chosen on dev.txt (docs/media.md, "The tagger").
PARAMS = {"c1": 0.05, "c2": 0.05, "max_iterations": 200}

_DIGITS = re.compile(r"\d")
_UPPER = re.compile(r"[A-Z]")
_LOWER = re.compile(r"[a-z]")

# Words that open an organisation or title a person in Indonesian news.
_ORG_HEADS = frozenset(
    "partai kementerian komisi badan dinas polda polres polsek kodim korem kodam "
    "pemerintah pemprov pemkab pemkot dprd dpr kpu bawaslu universitas bank pt "
    "majelis mahkamah tim forum lembaga satuan direktorat".split()
)
_TITLES = frozenset(
    "presiden wakil gubernur bupati wali walikota menteri ketua kapolda kapolres "
    "kapolri kapolsek pj penjabat camat lurah kepala direktur anggota sekretaris "
    "jenderal kombes akbp ajun kompol brigjen irjen mayjen letjen jenderal "
    "kolonel dr ir prof h hj kh habib ustaz".split()
)
_LOC_HEADS = frozenset(
    "kota kabupaten provinsi kecamatan desa kelurahan kampung jalan jl di ke "
    "dari".split()
)


def _shape(word: str) -> str:
    shape = _UPPER.sub("X", word)
    shape = _LOWER.sub("x", shape)
    return _DIGITS.sub("d", shape)


def _short_shape(word: str) -> str:
    out: list[str] = []
    for ch in _shape(word):
        if not out or out[-1] != ch:
            out.append(ch)
    return "".join(out)


@lru_cache(maxsize=200_000)
def _word_features(word: str, prefix: str) -> tuple[str, ...]:
    """A word's own features under a position prefix; a yes/no feature is written
    only when yes (fewer strings to hand to crfsuite: the tagger's cost is theirs).
    Cached: news vocabulary repeats."""
    lower = word.lower()
    out = [f"{prefix}w={lower}", f"{prefix}shape={_short_shape(word)}"]
    if word[:1].isupper():
        out.append(f"{prefix}title")
    if word.isupper():
        out.append(f"{prefix}upper")
    if lower in _ORG_HEADS:
        out.append(f"{prefix}orghead")
    if lower in _TITLES:
        out.append(f"{prefix}titleword")
    if lower in _LOC_HEADS:
        out.append(f"{prefix}lochead")
    return tuple(out)


@lru_cache(maxsize=200_000)
def _own_features(word: str) -> tuple[str, ...]:
    lower = word.lower()
    out = [
        "bias",
        f"suf3={lower[-3:]}",
        f"suf2={lower[-2:]}",
        f"pre3={lower[:3]}",
        f"shape={_shape(word)[:8]}",
        f"len={min(len(word), 8)}",
    ]
    if _DIGITS.search(word):
        out.append("digit")
    return (*out, *_word_features(word, ""))


_OFFSETS = ((-2, "-2:"), (-1, "-1:"), (1, "1:"), (2, "2:"))


def features(tokens: Sequence[str]) -> list[list[str]]:
    """The features of each token: the word, its shape and affixes, and the same
    of its neighbours two either side."""
    n = len(tokens)
    out: list[list[str]] = []
    for i, word in enumerate(tokens):
        feats = list(_own_features(word))
        for offset, prefix in _OFFSETS:
            j = i + offset
            if 0 <= j < n:
                feats += _word_features(tokens[j], prefix)
            else:
                feats.append(f"{prefix}pad")
        if i > 0:
            feats.append(f"bigram={tokens[i - 1].lower()}|{word.lower()}")
        else:
            feats.append("BOS")
        if i == n - 1:
            feats.append("EOS")
        out.append(feats)
    return out


def read_conll(path: Path) -> Iterator[tuple[list[str], list[str]]]:
    """Sentences of `TOKEN UPOS TAG` lines as (tokens, tags)."""
    tokens: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if not parts:
            if tokens:
                yield tokens, tags
            tokens, tags = [], []
            continue
        tokens.append(parts[0])
        tags.append(parts[-1])
    if tokens:
        yield tokens, tags


def train(
    sentences: Iterable[tuple[list[str], list[str]]],
    model: Path,
    params: dict[str, float | int] | None = None,
) -> None:
    trainer = pycrfsuite.Trainer(verbose=False)
    for tokens, tags in sentences:
        trainer.append(features(tokens), tags)
    trainer.set_params({**PARAMS, **(params or {})})
    trainer.train(str(model))


@dataclass(frozen=True)
class Span:
    label: str  # PER, ORG, LOC
    start: int  # token index, inclusive
    end: int  # token index, exclusive


def spans(tags: Sequence[str]) -> list[Span]:
    """The entities in BIO tags (an I- without its B- opens one, as conlleval
    reads it)."""
    found: list[Span] = []
    label = ""
    start = 0
    for i, tag in enumerate([*tags, "O"]):
        kind = tag[2:] if len(tag) > 2 else ""
        if label and (tag == "O" or tag.startswith("B-") or kind != label):
            found.append(Span(label, start, i))
            label = ""
        if tag != "O" and not label:
            label, start = kind, i
    return found


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    by_label: dict[str, tuple[float, float, float]]


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def score(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Scores:
    """Entity-level precision, recall and F1 (exact span and label), as conlleval."""
    counts: dict[str, list[int]] = {}
    for g_tags, p_tags in zip(gold, predicted, strict=True):
        g = set(spans(g_tags))
        p = set(spans(p_tags))
        for span in g | p:
            c = counts.setdefault(span.label, [0, 0, 0])
            if span in g and span in p:
                c[0] += 1
            elif span in p:
                c[1] += 1
            else:
                c[2] += 1
    tp = sum(c[0] for c in counts.values())
    fp = sum(c[1] for c in counts.values())
    fn = sum(c[2] for c in counts.values())
    precision, recall, f1 = _prf(tp, fp, fn)
    return Scores(
        precision, recall, f1, {k: _prf(*c) for k, c in sorted(counts.items())}
    )


class Tagger:
    def __init__(self, model: Path = MODEL) -> None:
        self._tagger = pycrfsuite.Tagger()
        self._tagger.open(str(model))

    def tag(self, tokens: Sequence[str]) -> list[str]:
        if not tokens:
            return []
        return list(self._tagger.tag(features(tokens)))


@lru_cache(maxsize=1)
def shipped() -> Tagger:
    """The shipped model, opened once per process."""
    return Tagger(MODEL)


def evaluate(tagger: Tagger, path: Path) -> Scores:
    gold: list[list[str]] = []
    predicted: list[list[str]] = []
    for tokens, tags in read_conll(path):
        gold.append(tags)
        predicted.append(tagger.tag(tokens))
    return score(gold, predicted)
