"""The screens run over a region's sheets, their outlier flags stored."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.elections.models import Contest
from deskpemilu.regions.codes import dotted, widen
from deskpemilu.results import areas, screens
from deskpemilu.results.models import (
    FlagStatus,
    SheetFlag,
)
from deskpemilu.results.services.sources import flag_row
from deskpemilu.results.spec import Check


@dataclass
class ScreensReport:
    tps: int = 0
    flags: int = 0
    removed: int = 0
    kept_closed: int = 0


def screens_run(
    *, contest: Contest, actor: User | None = None, prefix: str = ""
) -> ScreensReport:
    """Compute the kecamatan outlier screens (turnout, vote share) over the desk
    values under `prefix` and store them as flags, in bulk.

    A kecamatan is judged whole, so a prefix below kecamatan widens to it. Open
    outlier flags of the area are replaced; a finding someone already resolved or
    dismissed (same TPS, check, field and detail) is not raised again. With an
    actor, desk roles of the area are required (403).
    """
    prefix = widen(prefix, "kecamatan")
    if actor is not None and not access.can_run_screens(actor, dotted(prefix) or ""):
        raise PermissionDenied("only the desk runs the screens")
    desk = areas.desk_sheets(contest, prefix)
    found = screens.outlier_flags(desk.sheets)
    names = (Check.TURNOUT_OUTLIER, Check.SHARE_OUTLIER)
    area = areas.in_area(prefix)
    now = timezone.now()
    with transaction.atomic():
        flags = SheetFlag.objects.filter(area, contest=contest, check_name__in=names)
        removed, _ = flags.filter(status=FlagStatus.OPEN).delete()
        closed = set(
            flags.exclude(status=FlagStatus.OPEN).values_list(
                "tps_id", "check_name", "field", "detail"
            )
        )
        new = []
        for f in found:
            tps_id = int(desk.tps_ids[f.row])
            if (tps_id, f.check, f.field, f.detail) in closed:
                continue
            row = flag_row(
                f,
                contest.id,
                tps_id,
                desk.sheets.code(f.row),
                int(desk.sheet_ids[f.row]),
                desk.sheets.source(f.row),
                now,
            )
            new.append(row)
        SheetFlag.objects.bulk_create(new, batch_size=2000)
    return ScreensReport(len(desk.sheets), len(new), removed, len(found) - len(new))
