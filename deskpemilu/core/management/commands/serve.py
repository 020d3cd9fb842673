import os
import shutil
import sys

from django.core.management.base import BaseCommand, CommandError

from deskpemilu.core.env import env_bool, env_int, env_str


class Command(BaseCommand):
    help = (
        "Jalankan desk dengan server aplikasi produksi (granian, WSGI). "
        "Serve the desk with the production app server."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default=env_str("DESKPEMILU_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=env_int("DESKPEMILU_PORT", 8000)
        )
        parser.add_argument(
            "--workers", type=int, default=env_int("DESKPEMILU_WORKERS", 2)
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=env_int("DESKPEMILU_THREADS", 4),
            help="blocking threads per worker (each may hold one DB connection)",
        )

    def handle(self, *args, host, port, workers, threads, **options):
        granian = shutil.which("granian") or os.path.join(
            os.path.dirname(sys.executable), "granian"
        )
        if not os.path.exists(granian):
            raise CommandError("granian tidak ditemukan; jalankan `make install`.")
        user = os.environ.get("DESKPEMILU_ADMIN_USER", "admin")
        self.stdout.write(
            self.style.SUCCESS(
                f"Desk Pemilu berjalan di http://{host}:{port}/ "
                f"(masuk sebagai '{user}'; kata sandi dicetak saat akun dibuat atau "
                f"diatur lewat DESKPEMILU_ADMIN_PASSWORD). Hentikan dengan Ctrl+C."
            )
        )
        self.stdout.flush()
        argv = [
            granian,
            "--interface",
            "wsgi",
            "--host",
            host,
            "--port",
            str(port),
            "--workers",
            str(workers),
            "--blocking-threads",
            str(threads),
            "--log-level",
            env_str("DESKPEMILU_LOG_LEVEL", "info").lower(),
            "--access-log" if env_bool("DESKPEMILU_ACCESS_LOG") else "--no-access-log",
            "deskpemilu.wsgi:application",
        ]
        os.execv(granian, argv)
