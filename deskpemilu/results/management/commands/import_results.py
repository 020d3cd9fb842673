from deskpemilu.core.commands import (
    ImportCommand,
    count_lines,
    existing_file,
    progress_bar,
)
from deskpemilu.results.services import contest_for, results_import
from deskpemilu.results.spec import SOURCES


class Command(ImportCommand):
    help = (
        "Impor lembar hasil TPS (C.Hasil) dari CSV; semua atau tidak sama sekali; "
        "aman diulang. Import TPS result sheets (CSV, docs/results.md)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--source", default="kpu_sirekap", choices=SOURCES)
        parser.add_argument("--contest", default="ppwp")
        parser.add_argument("--election", default=None, help="slug, e.g. pemilu-2024")

    def handle(self, *args, file, source, contest, election, **options):
        path = existing_file(file)
        target = contest_for(contest, election)
        with progress_bar(count_lines(path), "lembar hasil") as progress:
            report = results_import(
                path=path, contest=target, source=source, progress=progress
            )
        self.stdout.write(self.style.SUCCESS(str(report)))
