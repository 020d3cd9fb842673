from deskpemilu.core.commands import (
    ImportCommand,
    count_lines,
    existing_file,
    progress_bar,
)
from deskpemilu.regions.services import region_stats_refresh, tps_import


class Command(ImportCommand):
    help = (
        "Impor daftar TPS KPU (CSV: kode_tps, kode_desa, no_tps, nama_tps, "
        "kpu_id_tps). "
        "Import KPU's TPS list; every TPS must be in a known desa; safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")

    def handle(self, *args, file, **options):
        path = existing_file(file)
        with progress_bar(count_lines(path), "TPS") as progress:
            report = tps_import(path=path, progress=progress)
        region_stats_refresh()
        self.stdout.write(self.style.SUCCESS(str(report)))
