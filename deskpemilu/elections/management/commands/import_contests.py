from django.core.management.base import CommandError

from deskpemilu.core.commands import ImportCommand, existing_file
from deskpemilu.elections.models import Election
from deskpemilu.elections.services import contests_import


class Command(ImportCommand):
    help = (
        "Impor kontestasi dan kandidat (CSV: kontestasi, nama_kontestasi, nomor, nama, "
        "nama_singkat, id_sirekap). Import contests and candidates."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--election", required=True)

    def handle(self, *args, file, election, **options):
        target = Election.objects.filter(slug=election).first()
        if target is None:
            raise CommandError(f"Pemilu {election!r} belum ada (import_schedule dulu).")
        count = contests_import(election=target, path=existing_file(file))
        self.stdout.write(self.style.SUCCESS(f"{count} baris kontestasi/kandidat"))
