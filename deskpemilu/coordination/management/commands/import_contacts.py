from deskpemilu.coordination.services import contacts_import
from deskpemilu.core.commands import ImportCommand, existing_file


class Command(ImportCommand):
    help = (
        "Impor direktori kontak lapangan (CSV/XLSX: peran, nama, telepon, "
        "kode_wilayah, catatan; templat: /koordinasi/kontak/templat.csv). "
        "Import the field contact directory; all or nothing; safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = existing_file(file)
        report = contacts_import(name=path.name, data=path.read_bytes())
        self.stdout.write(self.style.SUCCESS(str(report)))
