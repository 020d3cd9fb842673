from deskpemilu.core.commands import ImportCommand, existing_file
from deskpemilu.situation.services import tps_rawan_import


class Command(ImportCommand):
    help = (
        "Impor indikator TPS rawan Bawaslu (CSV/XLSX: kode_tps + kolom indikator; "
        "templat: GET /api/v1/situation/tps-rawan/template.csv). "
        "Import Bawaslu-style TPS-rawan indicators; all or nothing; safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = existing_file(file)
        report = tps_rawan_import(name=path.name, data=path.read_bytes())
        self.stdout.write(self.style.SUCCESS(str(report)))
