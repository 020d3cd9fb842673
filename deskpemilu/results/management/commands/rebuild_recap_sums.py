from django.db import transaction

from deskpemilu.core.commands import ImportCommand
from deskpemilu.results.services import contest_for, desa_sums_rebuild


class Command(ImportCommand):
    help = (
        "Jumlahkan ulang lembar hasil per desa yang disimpan untuk rekap (setelah "
        "lembar diubah di luar impor, mis. lewat SQL). Sum the kept per-desa recap "
        "sums again from the sheets (after sheets were changed outside the import)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--contest", default="ppwp")
        parser.add_argument("--election", default=None)

    def handle(self, *args, contest, election, **options):
        with transaction.atomic():
            n = desa_sums_rebuild(contest=contest_for(contest, election))
        self.stdout.write(self.style.SUCCESS(f"{n} desa dijumlahkan ulang"))
