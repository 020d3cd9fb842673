from deskpemilu.core.commands import ImportCommand, existing_file
from deskpemilu.regions.services import (
    kabkota_voters_import,
    region_stats_refresh,
    tps_voters_import,
)


class Command(ImportCommand):
    help = (
        "Impor jumlah pemilih (DPT). --level kabkota: CSV kode_kabkota, dpt; "
        "--level tps: CSV kode_tps, dpt (or dpt_total). Import voter counts."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--level", choices=["kabkota", "tps"], required=True)
        parser.add_argument("--source", default="", help="where the counts come from")

    def handle(self, *args, file, level, source, **options):
        path = existing_file(file)
        if level == "kabkota":
            report = kabkota_voters_import(path=path)
        else:
            report = tps_voters_import(path=path, source=source or path.name)
        region_stats_refresh()
        self.stdout.write(self.style.SUCCESS(str(report)))
