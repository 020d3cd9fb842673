import datetime as dt

from django.core.management.base import CommandError

from deskpemilu.core.commands import ImportCommand, existing_file
from deskpemilu.elections.models import Election
from deskpemilu.elections.services import election_upsert, stages_import


class Command(ImportCommand):
    help = (
        "Impor jadwal tahapan pemilu (CSV seperti pemilu2024_tahapan.csv) untuk satu "
        "pemilu; pemilu dibuat bila --name dan --vote-date diberikan. "
        "Import an election's stage calendar."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--election", required=True, help="slug, e.g. pemilu-2024")
        parser.add_argument("--name", help="create/update the election with this name")
        parser.add_argument("--vote-date", type=dt.date.fromisoformat)
        parser.add_argument("--region", help="region code the desk watches, e.g. 36")

    def handle(self, *args, file, election, name, vote_date, region, **options):
        path = existing_file(file)
        target: Election | None
        if name and vote_date:
            target = election_upsert(
                slug=election, name=name, vote_date=vote_date, region_code=region
            )
        else:
            target = Election.objects.filter(slug=election).first()
            if target is None:
                raise CommandError(
                    f"Pemilu {election!r} belum ada: beri --name dan --vote-date."
                )
        count = stages_import(election=target, path=path)
        self.stdout.write(self.style.SUCCESS(f"{path.name}: {count} tahapan"))
