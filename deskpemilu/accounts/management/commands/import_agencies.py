from deskpemilu.accounts.services import agencies_import
from deskpemilu.core.commands import ImportCommand, existing_file


class Command(ImportCommand):
    help = (
        "Impor instansi anggota desk (CSV seperti banten_agencies.csv). "
        "Import the desk's agencies; safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        count = agencies_import(path=existing_file(file))
        self.stdout.write(self.style.SUCCESS(f"{count} instansi"))
