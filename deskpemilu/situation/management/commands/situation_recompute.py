import time

from django.core.management.base import BaseCommand
from django.db import DatabaseError, close_old_connections

from deskpemilu.situation.services import (
    change_marks,
    figures_refresh,
    status_recompute,
    tally_refresh,
)


class Command(BaseCommand):
    help = (
        "Hitung ulang status semua wilayah, hitungan dasbor, tindak lanjut terlambat "
        "dan cakupan hari-H. Recompute every region's status and the dashboard's "
        "counts; with --every, keep doing it until stopped (the situation worker), "
        "and with --watch, also within that many seconds of a new report or change."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--every", type=float, default=0, help="seconds between runs (0: once)"
        )
        parser.add_argument(
            "--watch",
            type=float,
            default=0,
            help="seconds between checks for new reports, changes and check-ins",
        )
        parser.add_argument(
            "--rebuild", action="store_true", help="count every day's incidents again"
        )

    def run_once(self, rebuild: bool = False) -> None:
        self.stdout.write(str(status_recompute()))
        self.stdout.write(str(tally_refresh(full=rebuild)))
        figures_refresh()

    def handle(self, *args, every, watch, rebuild, **options):
        self.run_once(rebuild)
        if every <= 0:
            return
        marks, last = change_marks(), time.monotonic()
        while True:
            time.sleep(min(watch, every) if watch > 0 else every)
            close_old_connections()
            try:
                seen = change_marks() if watch > 0 else marks
                if seen != marks or time.monotonic() - last >= every:
                    marks, last = seen, time.monotonic()
                    self.run_once()
            except DatabaseError as error:  # e.g. SQLite busy: try again next time
                self.stderr.write(f"Gagal menghitung ulang: {error}")
