import socket

from django.core.management.base import BaseCommand
from django.utils.crypto import get_random_string

from deskpemilu.desk.schedule import Schedule, entries
from deskpemilu.desk.worker import DeskWorker


class Command(BaseCommand):
    help = (
        "Pekerja latar: jalankan tugas yang antre dari semua bagian desk (kirim "
        "balasan, hitung ulang status dan dasbor, ...) dan jadwal berkalanya; boleh "
        "beberapa sekaligus, di beberapa mesin (PostgreSQL). Background worker: runs "
        "the queued tasks of every part of the desk and the periodic schedule until "
        "stopped (Ctrl+C or SIGTERM lets the running task finish); several may run "
        "at once, on several machines (PostgreSQL)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--burst",
            action="store_true",
            help="run what is queued and due now, then exit (tests, cron)",
        )
        parser.add_argument(
            "--interval",
            type=_seconds,
            default=1.0,
            help="seconds to wait when nothing is queued (default: 1)",
        )
        parser.add_argument(
            "--worker-id",
            default="",
            type=_worker_id,
            help="this worker's name in the task rows (default: host and a random "
            "suffix); unique among the workers",
        )

    def handle(self, *args, burst, interval, worker_id, **options):
        worker_id = worker_id or _default_id()
        worker = DeskWorker(
            schedule=Schedule(entries(), worker_id),
            burst=burst,
            interval=interval,
            worker_id=worker_id,
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            worker.reset_signals()


def _default_id() -> str:
    return f"{socket.gethostname()[:40]}-{get_random_string(8)}"


def _seconds(value: str) -> float:
    seconds = float(value)
    if not 0 <= seconds < 3600:
        raise ValueError("from 0 to 3600 seconds")
    return seconds


def _worker_id(value: str) -> str:
    if len(value) > 64:
        raise ValueError("at most 64 characters")
    return value
