import time

from django.core.management.base import BaseCommand

from deskpemilu.situation.services import status_recompute


class Command(BaseCommand):
    help = (
        "Hitung ulang status semua wilayah dari kejadian (dan akhiri penetapan status "
        "yang kedaluwarsa). Recompute every region's status; with --every, keep "
        "doing it until stopped."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, default=0, help="seconds between runs (0: once)"
        )

    def handle(self, *args, every, **options):
        while True:
            self.stdout.write(str(status_recompute()))
            if every <= 0:
                return
            time.sleep(every)
