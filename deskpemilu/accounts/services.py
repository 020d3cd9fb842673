"""Writes for accounts: agencies, users and memberships."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from axes.utils import reset as axes_reset
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from deskpemilu.accounts.models import Agency, AgencyKind, Membership, Role, User
from deskpemilu.core.csvio import read_rows
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.regions.models import Region

YES = {"ya", "yes", "true", "1"}
log = logging.getLogger(__name__)


def agencies_import(*, path: Path) -> int:
    """Create or update agencies from a CSV (columns as in banten_agencies.csv)."""
    regions = dict(
        Region.objects.filter(level__in=["provinsi", "kabkota"]).values_list(
            "code", "id"
        )
    )
    problems: list[ImportProblem] = []
    rows: dict[str, dict[str, Any]] = {}
    row: dict[str, Any]
    kinds = set(AgencyKind.values)
    for line, row in read_rows(path, ["kode", "nama", "jenis", "wilayah"]):
        code = row["kode"]
        covered = [c for c in row.get("wilayah_kerja", "").split(";") if c]
        if code in rows:
            problems.append(ImportProblem(path.name, line, "kode instansi ganda", code))
        elif row["jenis"] not in kinds:
            problems.append(
                ImportProblem(
                    path.name, line, "jenis instansi tak dikenal", row["jenis"]
                )
            )
        elif row["wilayah"] not in regions:
            problems.append(
                ImportProblem(
                    path.name,
                    line,
                    "wilayah (provinsi atau kab/kota) tak dikenal",
                    row["wilayah"],
                )
            )
        elif unknown := [c for c in covered if c not in regions]:
            problems.append(
                ImportProblem(
                    path.name, line, "wilayah kerja tak dikenal", ";".join(unknown)
                )
            )
        else:
            rows[code] = {**row, "line": line, "covered": covered}
    for row in rows.values():
        parent = row.get("induk", "")
        if (
            parent
            and parent not in rows
            and not Agency.objects.filter(code=parent).exists()
        ):
            problems.append(
                ImportProblem(
                    path.name, row["line"], "instansi induk tak dikenal", parent
                )
            )
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        agencies = {}
        for code, row in rows.items():
            agencies[code], _ = Agency.objects.update_or_create(
                code=code,
                defaults={
                    "name": row["nama"],
                    "short_name": row.get("nama_singkat", ""),
                    "kind": row["jenis"],
                    "region_id": regions[row["wilayah"]],
                    "desk_member": row.get("anggota_desk", "ya").lower() in YES,
                },
            )
            agencies[code].jurisdiction.set([regions[c] for c in row["covered"]])
        for code, row in rows.items():
            parent = row.get("induk", "")
            agencies[code].parent = (
                agencies.get(parent) or Agency.objects.filter(code=parent).first()
            )
            agencies[code].save(update_fields=["parent"])
    return len(rows)


def contact_phone(raw: str) -> str:
    """A person's number for notifications as kept: a phone number in the desk's
    normal form (digits with the country code: 0812-3456-7890 is 6281234567890), or
    a Telegram chat as `tg:<id>`; "" stays "". Raises ValidationError otherwise."""
    text = raw.strip()
    if not text:
        return ""
    if text.lower().startswith("tg:") and text[3:].strip().lstrip("-").isdigit():
        return "tg:" + text[3:].strip()
    digits = "".join(c for c in text if c.isdigit())
    if any(c not in "0123456789+-() ." for c in text) or not 9 <= len(digits) <= 15:
        raise ValidationError(
            f"{raw!r} bukan nomor telepon. Tulis nomor HP seperti 0812-3456-7890, "
            "+62 812 3456 7890, atau tg:<id obrolan Telegram>."
        )
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    return digits


def user_create(
    *,
    username: str,
    password: str,
    agency: Agency,
    role: Role | str,
    region: Region,
    full_name: str = "",
    is_staff: bool = False,
    email: str = "",
    phone: str = "",
) -> User:
    """A user with one membership (role and region scope at an agency), and the
    e-mail address and phone number their notifications go to (optional)."""
    email, phone = email.strip(), contact_phone(phone)
    if email:
        validate_email(email)
    with transaction.atomic():
        user = User.objects.create_user(
            username=username,
            password=password,
            first_name=full_name,
            is_staff=is_staff,
            email=email,
            phone=phone,
        )
        membership = Membership(user=user, agency=agency, role=role, region=region)
        membership.full_clean()
        membership.save()
    return user


def administrator_ensure(
    *, username: str, password: str | None
) -> tuple[User, str | None]:
    """The first administrator: created once, with the given or a random password.

    Answers the user and the password it set (None when the user already existed: an
    existing password is never changed here).
    """
    existing = User.objects.filter(username=username).first()
    if existing is not None:
        return existing, None
    chosen = password or secrets.token_urlsafe(12)
    province = Region.objects.filter(level="provinsi").order_by("code").first()
    if province is None:
        raise ValueError("load the regions first (deskpemilu load_banten)")
    agency = Agency.objects.filter(kind=AgencyKind.KESBANGPOL, region=province).first()
    with transaction.atomic():
        user = User.objects.create_superuser(
            username=username, password=chosen, email=""
        )
        if agency is not None:
            Membership.objects.create(
                user=user, agency=agency, role=Role.ADMINISTRATOR, region=province
            )
    return user, chosen


def login_unlock(*, actor: User, users: Iterable[User]) -> int:
    """Forget the failed logins of these users, so a locked-out account may log in
    again at once (the login throttle, django-axes). Answers the attempts removed.

    Only the account's own count goes: an address locked by failures on other
    accounts is unlocked under "Access attempts" in the admin."""
    removed = 0
    for user in users:
        removed += axes_reset(username=user.username)
        log.info("login unlocked for %s by %s", user.username, actor.username)
    return removed
