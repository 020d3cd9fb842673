from deskpemilu.core.commands import ImportCommand, existing_file
from deskpemilu.regions.services import region_stats_refresh, regions_import


class Command(ImportCommand):
    help = (
        "Impor daftar kode wilayah Kemendagri (CSV: kode, level, tipe, nama). "
        "Import a Kemendagri region-code list; all-or-nothing, safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV with columns kode, level, tipe, nama")
        parser.add_argument(
            "--alt", help="another edition of the list (its spellings become name_alt)"
        )

    def handle(self, *args, file, alt=None, **options):
        report = regions_import(
            path=existing_file(file), alt_path=existing_file(alt) if alt else None
        )
        region_stats_refresh()
        self.stdout.write(self.style.SUCCESS(str(report)))
