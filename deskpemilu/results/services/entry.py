"""Sheets typed at the desk or posted to the API, through the import path."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, cast

import numpy as np
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.elections.models import Contest
from deskpemilu.results import layouts
from deskpemilu.results.models import (
    ResultImport,
    ResultSheet,
)
from deskpemilu.results.services.common import ImportReport
from deskpemilu.results.services.imports import SheetImporter
from deskpemilu.results.sheets import Sheets
from deskpemilu.results.spec import FIELDS, SOURCES


def sheets_submit(
    *,
    actor: User,
    contest: Contest,
    rows: list[dict[str, Any]],
    source: str = "desk",
    channel: str = "entri desk",
    photo: UploadedFile | None = None,
) -> ImportReport:
    """Store sheets given as dicts (`kode_tps`, the C.Hasil fields, `votes` list or
    `suara_<n>`, optional `waktu_sumber` (aware datetime) and `foto` URL) through the
    import path: same checks, flags, idempotence and choice of the primary source.

    Desk roles only (403); every problem of every row is listed and nothing is
    written (ImportFailed); a TPS outside the actor's scope reads as unknown.
    `photo` (an uploaded file) is kept on the sheet of a single-row submission.
    """
    if not access.can_open_results_entry(actor):
        raise PermissionDenied("only the desk enters result sheets")
    if source not in SOURCES:
        raise ImportFailed([ImportProblem(channel, None, "sumber tak dikenal", source)])
    problems = layouts.Problems(channel)
    k = contest.candidates.count()
    dicts, stamps, photos = _submitted(actor, rows, k, problems)
    if problems:
        raise ImportFailed(problems.items)
    sheets = Sheets.from_dicts(dicts, k)
    sheets.sources = None  # one source: no comparison inside the submission
    batch = layouts.Batch(
        sheets=sheets,
        lines=np.arange(1, len(dicts) + 1, dtype=np.int64),
        empty=cast(np.ndarray, ~sheets.known.any(1)),
        bad=np.zeros(len(dicts), dtype=bool),
        source_ts=np.array(stamps, dtype="datetime64[us]"),
        photos=np.array(photos, dtype=str),
    )
    digest = hashlib.sha256(
        json.dumps(dicts, sort_keys=True, default=str).encode()
    ).hexdigest()
    with transaction.atomic():
        run = ResultImport.objects.create(
            contest=contest,
            source=source,
            file_name=channel,
            sha256=digest,
            imported_by=actor.get_username(),
        )
        codes = [d["kode_tps"] for d in dicts]
        with SheetImporter(
            contest, source, run, problems, only_codes=codes
        ) as importer:
            importer.add(batch)
            if problems:
                raise ImportFailed(problems.items)
            importer.finish()
        report = importer.report
        for name in ("rows", "created", "updated", "unchanged", "empty", "flagged"):
            setattr(run, name, getattr(report, name))
        run.save()
        stored = ResultSheet.objects.filter(
            contest=contest, source=source, tps_code__in=codes
        )
        stored.filter(import_run=run).update(entered_by=actor)
        if photo is not None and len(codes) == 1:
            sheet = stored.get()
            sheet.photo.save(photo.name, photo, save=False)
            sheet.save(update_fields=["photo"])
    return report


def _submitted(
    actor: User, rows: list[dict[str, Any]], k: int, problems: layouts.Problems
) -> tuple[list[dict[str, Any]], list[dt.datetime], list[str]]:
    """The rows as Sheets.from_dicts input, their times and photo URLs; problems
    added for anything the import would refuse. A TPS where the actor holds no
    desk role refuses the whole submission (403)."""
    places = _places(actor, rows)
    dicts: list[dict[str, Any]] = []
    stamps: list[dt.datetime] = []
    photos: list[str] = []
    seen: set[str] = set()
    for line, row in enumerate(rows, start=1):
        code = _code(row)
        if code not in places:
            problems.add(line, "kode TPS tidak dikenal", code)
        elif code in seen:
            problems.add(line, "TPS muncul lebih dari sekali", code)
        elif not access.can_write_results(actor, places[code]):
            raise PermissionDenied("only the desk enters result sheets")
        seen.add(code)
        dicts.append(_figures(row, code, k, problems, line))
        moment = row.get("waktu_sumber") or timezone.now()
        stamps.append(moment.astimezone(dt.UTC).replace(tzinfo=None))
        photos.append(str(row.get("foto") or ""))
    return dicts, stamps, photos


def _code(row: dict[str, Any]) -> str:
    return str(row.get("kode_tps", "")).strip()


def _places(actor: User, rows: list[dict[str, Any]]) -> dict[str, str]:
    """The TPS of the rows that the actor may see: their code -> their desa's
    (dotted) code. One query; a TPS outside the scope reads as unknown."""
    return {
        t.code: t.desa.code
        for t in access.tps_visible(actor)
        .filter(code__in=[_code(r) for r in rows])
        .select_related("desa")
    }


def _figures(
    row: dict[str, Any], code: str, k: int, problems: layouts.Problems, line: int
) -> dict[str, Any]:
    """One row's numbers by field name (`suara_<n>` from the `votes` list or from
    `suara_<n>` keys); problems added, at `line`, for votes of a candidate that
    does not exist, a count that is not a whole number (kept as unknown) and a
    sheet without any number."""
    out: dict[str, Any] = {"kode_tps": code or "0"}
    votes = list(row.get("votes") or [])
    votes += [row.get(f"suara_{i}") for i in range(len(votes) + 1, k + 1)]
    for number, value in enumerate(votes, start=1):
        if number > k and value is not None:
            problems.add(line, f"paslon nomor {number} tidak ada ({k} paslon)")
        out[f"suara_{number}"] = value
    for name in FIELDS:
        out[name] = row.get(name)
    for name, value in out.items():
        if name != "kode_tps" and not _count_ok(value):
            problems.add(line, f"kolom {name} harus bilangan bulat", str(value))
            out[name] = None
    if not any(v is not None for n, v in out.items() if n != "kode_tps"):
        problems.add(line, "lembar kosong: tidak ada angka", code)
    return out


def _count_ok(value: object) -> bool:
    if value is None:
        return True
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and abs(value) <= layouts.MAX_VALUE
    )
