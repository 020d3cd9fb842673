import time

from django.core.management.base import BaseCommand

from deskpemilu.intake.outbound import outbound_send_due


class Command(BaseCommand):
    help = (
        "Pekerja latar: kirim balasan WhatsApp/Telegram yang antre. "
        "Background worker: send queued WhatsApp/Telegram replies (runs until stopped)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds idle")
        parser.add_argument("--batch", type=int, default=100)

    def handle(self, *args, once, interval, batch, **options):
        while True:
            sent, failed = outbound_send_due(limit=batch)
            if sent or failed:
                self.stdout.write(f"terkirim {sent}, gagal {failed}")
            if once:
                return
            if not (sent or failed):
                time.sleep(interval)
