import os

from django.core.management.base import BaseCommand

from deskpemilu.accounts.services import administrator_ensure


class Command(BaseCommand):
    help = (
        "Buat administrator pertama bila belum ada. Kata sandi dari "
        "DESKPEMILU_ADMIN_PASSWORD, atau acak dan dicetak sekali. "
        "Create the first administrator (password from the environment or random)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--username", default=os.environ.get("DESKPEMILU_ADMIN_USER", "admin")
        )

    def handle(self, *args, username, **options):
        user, password = administrator_ensure(
            username=username, password=os.environ.get("DESKPEMILU_ADMIN_PASSWORD")
        )
        if password is None:
            self.stdout.write(
                f"Administrator '{user.username}' sudah ada; kata sandi tidak diubah "
                f"(ganti dengan: deskpemilu changepassword {user.username})."
            )
        elif os.environ.get("DESKPEMILU_ADMIN_PASSWORD"):
            self.stdout.write(
                f"Administrator '{user.username}' dibuat dengan kata sandi dari "
                "DESKPEMILU_ADMIN_PASSWORD."
            )
        else:
            self.stdout.write(
                self.style.WARNING(
                    f"Administrator '{user.username}' dibuat. Kata sandi (dicetak "
                    f"sekali "
                    f"saja, simpan sekarang): {password}"
                )
            )
