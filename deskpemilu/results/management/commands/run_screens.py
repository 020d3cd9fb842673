from deskpemilu.core.commands import ImportCommand
from deskpemilu.results.services import contest_for, screens_run


class Command(ImportCommand):
    help = (
        "Jalankan layar pencilan kecamatan (partisipasi, perolehan) atas nilai desk "
        "dan simpan sebagai tanda. Run the district outlier screens into flags."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contest", default="ppwp")
        parser.add_argument("--election", default=None)
        parser.add_argument("--region", default="", help="undotted prefix, e.g. 3601")

    def handle(self, *args, contest, election, region, **options):
        report = screens_run(contest=contest_for(contest, election), prefix=region)
        self.stdout.write(
            self.style.SUCCESS(
                f"{report.tps} TPS diperiksa: {report.flags} tanda pencilan terbuka, "
                f"{report.kept_closed} temuan sudah ditutup sebelumnya"
            )
        )
