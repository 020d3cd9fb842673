from django.core.management.base import BaseCommand

from deskpemilu.intake.outbound import outbound_send_all, outbound_send_due


class Command(BaseCommand):
    help = (
        "Kirim sekali balasan WhatsApp/Telegram yang antre dan sudah waktunya, lalu "
        "selesai (pekerja latarnya: deskpemilu worker). Send the queued WhatsApp and "
        "Telegram replies that are due, once, then exit (the background worker that "
        "keeps sending them is `deskpemilu worker`)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="one batch only, not every due reply"
        )
        parser.add_argument("--batch", type=int, default=100, help="replies per batch")

    def handle(self, *args, once, batch, **options):
        send = outbound_send_due if once else outbound_send_all
        sent, failed = send(batch)
        self.stdout.write(f"terkirim {sent}, gagal {failed}")
