from deskpemilu.core.commands import ImportCommand, existing_file
from deskpemilu.results.services import contest_for, official_recap_import


class Command(ImportCommand):
    help = (
        "Impor rekapitulasi resmi (D.Hasil) dari CSV format panjang (wilayah, kode, "
        "metric, paslon_no, paslon, value, source_ref). Import official recap figures."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--contest", default="ppwp")
        parser.add_argument("--election", default=None)

    def handle(self, *args, file, contest, election, **options):
        path = existing_file(file)
        count = official_recap_import(path=path, contest=contest_for(contest, election))
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {count} wilayah"))
