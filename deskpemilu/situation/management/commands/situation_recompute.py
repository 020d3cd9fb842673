from django.core.management.base import BaseCommand

from deskpemilu.situation.tasks import situation_recompute


class Command(BaseCommand):
    help = (
        "Hitung ulang sekali status semua wilayah, hitungan dasbor, tindak lanjut "
        "terlambat dan cakupan hari-H (pekerja latarnya: deskpemilu worker). "
        "Recompute every region's status, the dashboard's counts, overdue follow-ups "
        "and voting-day coverage once (the background worker that keeps them fresh "
        "is `deskpemilu worker`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--rebuild", action="store_true", help="count every day's incidents again"
        )

    def handle(self, *args, rebuild, **options):
        # In this process, not through the queue: the output is the run's.
        result = situation_recompute.call(rebuild=rebuild)
        self.stdout.write(result["status"])
        self.stdout.write(result["tally"])
