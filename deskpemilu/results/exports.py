"""Exports of the desk values and of the flags (CSV and JSON), streamed.

Rows come from the database in chunks (a server-side cursor on PostgreSQL), are
written one by one and never held whole, so a national export costs a few MB of
memory. Every row is inside the user's scope (accounts.access), and inside the
region asked for, if one is.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import Q

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.core.csvio import SafeWriter
from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import Region, region_subtree_q
from deskpemilu.results.models import Decision, ResultSheet
from deskpemilu.results.selectors import flags_visible
from deskpemilu.results.spec import FIELDS, field_names

CHUNK = 2000
FLAG_COLUMNS = (
    "kode_tps",
    "pemeriksaan",
    "kolom",
    "nilai_terbaca",
    "nilai_kemungkinan",
    "sumber",
    "antar_sumber",
    "rincian",
    "status",
    "ditemukan",
    "ditutup",
    "catatan",
)


def _within(user: User, region: Region | None) -> Q:
    """The TPS codes of the user's scope, and of the region if one is given."""
    scope = access.within_scope(user, "tps_code")
    if region is None:
        return scope
    return scope & region_subtree_q(region.code, field="tps_code")


def desk_columns(contest: Contest) -> tuple[str, ...]:
    return ("kode_tps", "sumber", *field_names(contest.candidates.count()), "keputusan")


def desk_records(
    user: User, contest: Contest, region: Region | None = None
) -> Iterator[dict[str, Any]]:
    """The desk value of every field of every TPS with a sheet in the user's scope
    (and the region): the primary sheet's, or the current decision's; `keputusan`
    names the decided fields."""
    k = contest.candidates.count()
    votes_names = [f"suara_{i + 1}" for i in range(k)]
    within = _within(user, region)
    decided: dict[str, dict[str, int | None]] = {}
    for code, name, value in Decision.objects.filter(
        within, contest=contest, superseded_at__isnull=True
    ).values_list("tps_code", "field", "value"):
        decided.setdefault(code, {})[name] = value
    sheets = (
        ResultSheet.objects.filter(within, contest=contest, is_primary=True)
        .order_by("tps_code")
        .values_list("tps_code", "source", *FIELDS, "votes")
    )
    for row in sheets.iterator(chunk_size=CHUNK):
        code, source, *numbers, votes = row
        record = {"kode_tps": code, "sumber": source}
        record.update(zip(FIELDS, numbers, strict=True))
        votes = list(votes or [])[:k]
        record.update(zip(votes_names, votes + [None] * (k - len(votes)), strict=True))
        changes = decided.get(code, {})
        record.update(changes)
        record["keputusan"] = sorted(changes)
        yield record


def flag_records(
    user: User, contest: Contest, region: Region | None = None, status: str = ""
) -> Iterator[dict[str, Any]]:
    """Every flag of the user's scope, in the region if one is given (all statuses
    unless given)."""
    qs = flags_visible(user, contest)
    if region is not None:
        qs = qs.filter(region_subtree_q(region.code, field="tps_code"))
    if status:
        qs = qs.filter(status=status)
    rows = qs.order_by("tps_code", "check_name", "id").values_list(
        "tps_code",
        "check_name",
        "field",
        "value",
        "expected",
        "source",
        "cross_source",
        "detail",
        "status",
        "created_at",
        "resolved_at",
        "note",
    )
    for row in rows.iterator(chunk_size=CHUNK):
        record: dict[str, Any] = dict(zip(FLAG_COLUMNS, row, strict=True))
        for key in ("ditemukan", "ditutup"):
            record[key] = record[key].isoformat() if record[key] else None
        yield record


def as_csv(columns: Iterable[str], records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV text, one line per record (a BOM first, so spreadsheets read UTF-8);
    text that a spreadsheet would run as a formula starts with `'`."""
    buffer = io.StringIO()
    writer = SafeWriter(buffer)
    columns = list(columns)
    writer.writerow(columns)
    yield "\ufeff" + buffer.getvalue()
    for record in records:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(record.get(c)) for c in columns])
        yield buffer.getvalue()


def _cell(value: object) -> object:
    if isinstance(value, list):
        return ";".join(value)
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return value  # numbers stay numbers; SafeWriter makes text safe


def as_json(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array written record by record."""
    yield "["
    for i, record in enumerate(records):
        yield ("," if i else "") + "\n" + json.dumps(record, ensure_ascii=False)
    yield "\n]\n"
