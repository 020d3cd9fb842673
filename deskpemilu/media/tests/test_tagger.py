"""The shipped tagger: it loads, tags, and the scorer counts as conlleval does."""

from __future__ import annotations

from deskpemilu.media import tagger


def test_shipped_model_tags_a_sentence():
    tokens = "Kapolda Banten Abdul Karim mengunjungi Kota Serang bersama KPU".split()
    tags = tagger.shipped().tag(tokens)
    assert len(tags) == len(tokens)
    found = {(s.label, " ".join(tokens[s.start : s.end])) for s in tagger.spans(tags)}
    assert ("PER", "Abdul Karim") in found
    assert ("LOC", "Kota Serang") in found


def test_spans_and_score():
    gold = [["B-PER", "I-PER", "O", "B-LOC"]]
    assert [(s.label, s.start, s.end) for s in tagger.spans(gold[0])] == [
        ("PER", 0, 2),
        ("LOC", 3, 4),
    ]
    # A span cut short is wrong as a whole: one right of two predicted, two gold.
    scores = tagger.score(gold, [["B-PER", "O", "O", "B-LOC"]])
    assert (scores.precision, scores.recall) == (0.5, 0.5)
    assert tagger.score(gold, gold).f1 == 1.0


def test_features_see_neighbours():
    feats = tagger.features(["Ketua", "KPU"])
    assert "1:w=kpu" in feats[0] and "-1:w=ketua" in feats[1]
    assert "BOS" in feats[0] and "EOS" in feats[1]
