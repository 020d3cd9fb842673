from deskpemilu.core.commands import ImportCommand, progress_bar
from deskpemilu.desk.bootstrap import banten_is_current, banten_load


class Command(ImportCommand):
    help = (
        "Muat data induk Banten yang dibawa proyek (wilayah, TPS, DPT, batas, tahapan "
        "Pemilu 2024, instansi). Load Banten's bundled master data; skipped when "
        "nothing changed, unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="load even if unchanged"
        )

    def handle(self, *args, force, **options):
        if not force and banten_is_current():
            self.stdout.write("Data Banten sudah termuat dan tidak berubah.")
            return
        banten_load(progress=progress_bar, log=self.stdout.write)
        self.stdout.write(self.style.SUCCESS("Data Banten termuat."))
