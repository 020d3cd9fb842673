import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from deskpemilu.devtools.fuzzing import Fuzz, summary_json


class Command(BaseCommand):
    help = (
        "Masukan buatan (bukan uji) lewat pembaca kode lapangan, parser tiap kanal "
        "dan pembaca CSV/XLSX serta impor. Generated input through the field-code "
        "parser, each channel's parser and the CSV/XLSX and import readers: every "
        "input must be taken or refused with a message; anything else is a crash, "
        "saved with its input under --out. Exit code 1 when there is a crash."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, default=100_000, help="inputs")
        parser.add_argument("--seed", type=int, default=1, help="replays a run")
        parser.add_argument(
            "--out", default="var/fuzz", help="folder for the crashing inputs"
        )
        parser.add_argument("--json", action="store_true", help="summary as JSON")

    def handle(self, *args, count, seed, out, json, **options):
        if count < 1:
            raise CommandError("--count harus 1 atau lebih")
        fuzz = Fuzz(seed, Path(out) / f"seed-{seed}")
        bar = tqdm(total=count, desc="masukan", file=sys.stderr, disable=None)
        try:
            summary = fuzz.run(count, bar.update)
        finally:
            bar.close()
        if json:
            self.stdout.write(summary_json(summary))
        else:
            self._print(summary)
        if summary.crashes:
            raise CommandError(f"{len(summary.crashes)} crash; masukan di {out}")

    def _print(self, summary) -> None:
        write = self.stdout.write
        write(
            f"{summary.inputs} masukan (seed {summary.seed}) dalam "
            f"{summary.seconds:.1f} s; {len(summary.crashes)} crash."
        )
        for target, tally in sorted(summary.tally.items()):
            parts = ", ".join(f"{k} {v}" for k, v in sorted(tally.items()))
            write(f"  {target:<10} {parts}")
        for (target, kind, where), crashes in summary.signatures().items():
            smallest = crashes[0]
            write(
                f"CRASH {target} {kind} at {where} ({len(crashes)}x); smallest "
                f"input: {smallest.saved or '(not saved)'}"
            )
