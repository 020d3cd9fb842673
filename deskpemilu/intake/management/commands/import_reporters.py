from deskpemilu.core.commands import ImportCommand, existing_file
from deskpemilu.intake.services import reporters_import


class Command(ImportCommand):
    help = (
        "Impor pelapor terdaftar (CSV: nama, telepon, peran, kode_tps, kode_wilayah, "
        "instansi, alamat_lain). Register known reporters; numbers are normalised; "
        "safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        count = reporters_import(path=existing_file(file))
        self.stdout.write(self.style.SUCCESS(f"{count} pelapor"))
