"""The desk's decisions on result values, and the closing of flags."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import TPS
from deskpemilu.results import areas, checks, layouts, selectors
from deskpemilu.results.models import (
    Decision,
    FlagStatus,
    SheetFlag,
)
from deskpemilu.results.services.common import ResultsError, field_in_contest
from deskpemilu.results.spec import ARITHMETIC_CHECKS, SOURCES, Check, is_field


def decision_record(
    *,
    actor: User,
    contest: Contest,
    tps_code: str,
    field_name: str,
    value: int | None,
    reason: str,
    chosen_source: str = "",
) -> Decision:
    """Keep a value for one field of one TPS (decisions_record with one field)."""
    (decision,) = decisions_record(
        actor=actor,
        contest=contest,
        tps_code=tps_code,
        values={field_name: value},
        reason=reason,
        chosen_source=chosen_source,
    )
    return decision


def decisions_record(
    *,
    actor: User,
    contest: Contest,
    tps_code: str,
    values: Mapping[str, int | None],
    reason: str,
    chosen_source: str = "",
) -> list[Decision]:
    """Keep values for one or more fields of one TPS, with one reason, at once.

    The previous decision on each field is superseded (kept) and the open flags on
    the fields resolved. Then the TPS's desk values are checked again, and the open
    flags of its primary sheet that no longer hold are resolved too, with a note
    naming the decisions (a copied block fixed in three fields closes the three
    identity flags it caused). Desk roles in the TPS's region only; outside the
    user's scope the TPS is "not found".
    """
    tps = access.tps_visible(actor).filter(code=tps_code).select_related("desa").first()
    if tps is None:
        raise Http404("TPS not found")
    if not access.can_decide_results(actor, tps):
        raise PermissionDenied("only the desk decides result values")
    if not values:
        raise ResultsError("no_fields", "Pilih kolom yang diputuskan.", "field")
    for name, value in values.items():
        if not is_field(name) or not field_in_contest(contest, name):
            raise ResultsError(
                "unknown_field", f"Kolom '{name}' tidak dikenal.", "field"
            )
        if value is not None and abs(value) > layouts.MAX_VALUE:
            raise ResultsError("too_large", "Angka terlalu besar.", "value")
    if not reason.strip():
        raise ResultsError("reason_required", "Keputusan perlu alasan.", "reason")
    if chosen_source and chosen_source not in SOURCES:
        raise ResultsError(
            "unknown_source", f"Sumber '{chosen_source}' tidak dikenal.", "source"
        )
    now = timezone.now()
    with transaction.atomic():
        made = [
            _decide(actor, contest, tps, name, value, reason, chosen_source, now)
            for name, value in values.items()
        ]
        _recheck(actor, contest, tps, made, now)
    return made


def _decide(
    actor: User,
    contest: Contest,
    tps: TPS,
    field_name: str,
    value: int | None,
    reason: str,
    chosen_source: str,
    now: dt.datetime,
) -> Decision:
    current = (
        Decision.objects.select_for_update()
        .filter(contest=contest, tps=tps, field=field_name, superseded_at__isnull=True)
        .first()
    )
    if current:
        current.superseded_at = now
        current.save(update_fields=["superseded_at"])
    decision = Decision.objects.create(
        contest=contest,
        tps=tps,
        tps_code=tps.code,
        field=field_name,
        value=value,
        chosen_source=chosen_source,
        reason=reason.strip(),
        decided_by=actor,
        decided_at=now,
    )
    if current:
        current.superseded_by = decision
        current.save(update_fields=["superseded_by"])
    SheetFlag.objects.filter(
        contest=contest, tps=tps, field=field_name, status=FlagStatus.OPEN
    ).update(
        status=FlagStatus.RESOLVED,
        resolved_at=now,
        resolved_by=actor,
        note=f"keputusan #{decision.id}: {value}",
    )
    return decision


# Checks of one sheet's own numbers that a decision can settle (not the screens,
# which judge a TPS against its kecamatan, nor the comparison of sources).
RECHECKED = ARITHMETIC_CHECKS | {Check.ADMIN_BLOCK_EMPTY}


def _recheck(
    actor: User, contest: Contest, tps: TPS, made: list[Decision], now: dt.datetime
) -> None:
    """Check the TPS's desk values again; resolve the open flags of its primary
    sheet whose finding is gone."""
    desk = areas.desk_sheets(contest, tps.code)
    if not len(desk.sheets):
        return
    still = {(f.check, f.field) for f in checks.check_sheets(desk.sheets)}
    gone = [
        f.pk
        for f in SheetFlag.objects.filter(
            contest=contest,
            tps=tps,
            sheet_id=int(desk.sheet_ids[0]),
            cross_source=False,
            status=FlagStatus.OPEN,
            check_name__in=RECHECKED,
        )
        if (f.check_name, f.field) not in still
    ]
    numbers = ", ".join(f"#{d.id}" for d in made)
    SheetFlag.objects.filter(pk__in=gone).update(
        status=FlagStatus.RESOLVED,
        resolved_at=now,
        resolved_by=actor,
        note=f"diperiksa ulang setelah keputusan {numbers}: kini terpenuhi",
    )


def flag_close(*, actor: User, flag_id: int, status: str, note: str) -> SheetFlag:
    """Resolve or dismiss an open flag, with a note saying why. Desk roles of the
    TPS's region only (403); outside the actor's scope the flag is not found."""
    flag = selectors.flag_for_user_or_404(actor, flag_id)
    if not access.can_close_flag(actor, flag):
        raise PermissionDenied("only the desk closes flags")
    if status not in (FlagStatus.RESOLVED, FlagStatus.DISMISSED):
        raise ResultsError("bad_status", "Status penutupan tidak sah.", "status")
    if not note.strip():
        raise ResultsError("note_required", "Tulis catatan alasannya.", "note")
    with transaction.atomic():
        flag = SheetFlag.objects.select_for_update().get(pk=flag.pk)
        if flag.status != FlagStatus.OPEN:
            raise ResultsError("closed", "Tanda ini sudah ditutup.", "status")
        flag.status, flag.note = status, note.strip()
        flag.resolved_at, flag.resolved_by = timezone.now(), actor
        flag.save(update_fields=["status", "note", "resolved_at", "resolved_by"])
    return flag
