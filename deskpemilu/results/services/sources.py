"""The sources of one TPS compared: which sheet is primary, and the flags that
compare them, rebuilt whenever a sheet of the TPS changes."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import TPS
from deskpemilu.results import checks
from deskpemilu.results.models import (
    FlagStatus,
    ResultSheet,
    SheetFlag,
)
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS, SOURCE_RANK


def flag_row(
    f: checks.Flag,
    contest_id: int,
    tps_id: int,
    code: str,
    sheet_id: int | None,
    source: str,
    now: dt.datetime,
) -> SheetFlag:
    return SheetFlag(
        contest_id=contest_id,
        tps_id=tps_id,
        tps_code=code,
        sheet_id=sheet_id,
        source=source,
        cross_source=f.cross_source,
        check_name=f.check,
        field=f.field,
        value=f.value,
        expected=f.expected,
        detail=f.detail,
        created_at=now,
    )


def sheets_of(contest: Contest, tps_ids: list[int]) -> tuple[Sheets, list[ResultSheet]]:
    """The stored sheets of these TPS (every source) as arrays, and their rows."""
    # By code: the sheets' unique index is (contest, code, source).
    codes = list(TPS.objects.filter(id__in=tps_ids).values_list("code", flat=True))
    stored = list(
        ResultSheet.objects.filter(contest=contest, tps_code__in=codes).order_by(
            "tps_code", "source"
        )
    )
    k = contest.candidates.count()
    dicts = []
    for sheet in stored:
        row = {"kode_tps": sheet.tps_code, "sumber": sheet.source}
        row.update({name: getattr(sheet, name) for name in FIELDS})
        row.update({f"suara_{i + 1}": v for i, v in enumerate(sheet.votes[:k])})
        dicts.append(row)
    return Sheets.from_dicts(dicts, k), stored


def sources_refresh(*, contest: Contest, tps_ids: list[int]) -> None:
    """After a sheet of these TPS changed: mark each TPS's best source primary and
    rebuild the flags that compare its sources."""
    for start in range(0, len(tps_ids), 2000):
        chunk = tps_ids[start : start + 2000]
        sheets, stored = sheets_of(contest, chunk)
        best: dict[int, ResultSheet] = {}
        for s in stored:
            b = best.get(s.tps_id)
            if b is None or SOURCE_RANK[s.source] < SOURCE_RANK[b.source]:
                best[s.tps_id] = s
        primary = {s.id for s in best.values()}
        moved = [s for s in stored if s.is_primary != (s.id in primary)]
        for s in moved:
            s.is_primary = not s.is_primary
        ResultSheet.objects.bulk_update(moved, ["is_primary"], batch_size=2000)
        SheetFlag.objects.filter(
            contest=contest, tps_id__in=chunk, cross_source=True, status=FlagStatus.OPEN
        ).delete()
        now = timezone.now()
        SheetFlag.objects.bulk_create(
            [
                flag_row(
                    f,
                    contest.id,
                    stored[f.row].tps_id,
                    stored[f.row].tps_code,
                    stored[f.row].id if f.check != "source_conflict" else None,
                    stored[f.row].source if f.check != "source_conflict" else "",
                    now,
                )
                for f in checks.compare_sources(sheets)
            ]
        )
