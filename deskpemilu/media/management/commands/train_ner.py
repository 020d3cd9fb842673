"""`deskpemilu train_ner`: trains the media tagger and reports its F1 on test.txt."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from deskpemilu.media import tagger


class Command(BaseCommand):
    help = (
        "Melatih penanda entitas (CRF) dari idner-news-2k. Trains the sequence tagger "
        "(persons, organisations, places) on idner-news-2k train+dev, writes the "
        "model (default: the shipped deskpemilu/media/data/ner.crfsuite) and prints "
        "its entity-level F1 on the test split."
    )

    def add_arguments(self, parser):
        parser.add_argument("--out", default=str(tagger.MODEL), help="model file")
        parser.add_argument(
            "--train-only",
            action="store_true",
            help="train on train.txt alone (and report dev.txt too)",
        )

    def handle(self, *args, out, train_only, **options):
        path = Path(out)
        sentences = list(tagger.read_conll(tagger.CORPUS / "train.txt"))
        if not train_only:
            sentences += tagger.read_conll(tagger.CORPUS / "dev.txt")
        tagger.train(sentences, path)
        trained = tagger.Tagger(path)
        splits = ["dev", "test"] if train_only else ["test"]
        for split in splits:
            scores = tagger.evaluate(trained, tagger.CORPUS / f"{split}.txt")
            self.stdout.write(
                f"{split}: P {scores.precision:.3f} R {scores.recall:.3f} "
                f"F1 {scores.f1:.3f}"
            )
            for label, (p, r, f) in scores.by_label.items():
                self.stdout.write(f"  {label}: P {p:.3f} R {r:.3f} F1 {f:.3f}")
        self.stdout.write(f"model: {path} ({path.stat().st_size} bytes)")
