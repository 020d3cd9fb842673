from deskpemilu.core.commands import ImportCommand, existing_file
from deskpemilu.results import verify
from deskpemilu.results.spec import SOURCES


class Command(ImportCommand):
    help = (
        "Periksa berkas hasil TPS tanpa basis data; satu baris JSON per TPS yang "
        "ditandai. Check result files without the database: one JSON line per "
        "flagged TPS."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+")
        parser.add_argument("--jsonl", action="store_true", help="JSON lines (default)")
        parser.add_argument("--source", default="kpu_sirekap", choices=SOURCES)

    def handle(self, *args, files, source, **options):
        paths = [existing_file(f) for f in files]
        sheets = verify.read_all(paths, source)
        for verdict in verify.verdicts(sheets):
            self.stdout.write(verify.jsonl(verdict))
