from django.core.management.base import BaseCommand, CommandError

from deskpemilu.accounts.models import Agency
from deskpemilu.intake.auth import api_client_create


class Command(BaseCommand):
    help = (
        "Buat klien API (sistem instansi atau gateway) dan cetak tokennya sekali. "
        "Create an API client and print its token once."
    )

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--agency", help="agency code, e.g. polda-banten")

    def handle(self, *args, name, agency=None, **options):
        found = None
        if agency:
            found = Agency.objects.filter(code=agency).first()
            if found is None:
                raise CommandError(f"Instansi {agency!r} tidak dikenal.")
        client, token = api_client_create(name=name, agency=found)
        self.stdout.write(f"Klien API '{client.name}' dibuat (id {client.pk}).")
        self.stdout.write(f"Token (dicetak sekali, simpan sekarang): {token}")
