import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from deskpemilu.accounts.models import Agency, Role, User
from deskpemilu.accounts.services import user_create
from deskpemilu.regions.codes import normalise_region_code
from deskpemilu.regions.models import Region


class Command(BaseCommand):
    help = (
        "Tambah pengguna dengan satu keanggotaan (instansi, peran, cakupan wilayah). "
        "Add a user with one membership. Password from --password or "
        "DESKPEMILU_MEMBER_PASSWORD."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--agency", required=True, help="agency code, e.g. polres-lebak"
        )
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument(
            "--region", required=True, help="scope: 36 or a kab/kota code"
        )
        parser.add_argument("--name", default="", help="full name")
        parser.add_argument(
            "--email", default="", help="e-mail address for notifications"
        )
        parser.add_argument(
            "--phone",
            default="",
            help="number for WhatsApp notifications (0812-3456-7890), or tg:<chat id>",
        )
        parser.add_argument(
            "--password", default=os.environ.get("DESKPEMILU_MEMBER_PASSWORD")
        )

    def handle(
        self,
        *args,
        username,
        agency,
        role,
        region,
        name,
        password,
        email,
        phone,
        **options,
    ):
        if not password:
            raise CommandError("Beri --password atau DESKPEMILU_MEMBER_PASSWORD.")
        if User.objects.filter(username=username).exists():
            raise CommandError(f"Pengguna {username!r} sudah ada.")
        found_agency = Agency.objects.filter(code=agency).first()
        if found_agency is None:
            raise CommandError(f"Instansi {agency!r} tidak dikenal.")
        code = normalise_region_code(region) or ""
        scope = Region.objects.filter(
            code=code, level__in=["provinsi", "kabkota"]
        ).first()
        if scope is None:
            raise CommandError(
                f"Cakupan {region!r} harus provinsi atau kab/kota yang dikenal."
            )
        try:
            user_create(
                username=username,
                password=password,
                agency=found_agency,
                role=role,
                region=scope,
                full_name=name,
                email=email,
                phone=phone,
            )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Pengguna {username} ditambahkan ({role}, {scope.name})."
            )
        )
