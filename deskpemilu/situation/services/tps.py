"""Writes of the TPS-rawan indicators (import, edit by hand) and of the personnel a
Polres reports for the deployment plan."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import transaction

from deskpemilu.accounts import access
from deskpemilu.accounts.models import Agency, AgencyKind, User
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.regions.codes import is_tps_code
from deskpemilu.regions.models import TPS, DataImport
from deskpemilu.situation import tps_table
from deskpemilu.situation.errors import SituationError
from deskpemilu.situation.models import PolresPersonnel, TpsVulnerability
from deskpemilu.situation.vulnerability import INDICATOR_KEYS

IN_CHUNK = 5000  # codes per IN (...) list: SQLite allows 32,766 parameters


# TPS vulnerability -----------------------------------------------------------------


@dataclass(frozen=True)
class TpsImportReport:
    file: str
    rows: int
    created: int
    updated: int
    indicator_columns: tuple[str, ...]
    ignored_columns: tuple[str, ...]

    def __str__(self) -> str:
        text = (
            f"{self.file}: {self.rows} TPS ({self.created} baru, {self.updated} "
            f"diperbarui), {len(self.indicator_columns)} kolom indikator."
        )
        if self.ignored_columns:
            text += " Kolom diabaikan: " + ", ".join(self.ignored_columns) + "."
        return text


T = TypeVar("T")


def _chunks(items: list[T], size: int = IN_CHUNK) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def tps_rawan_import(
    *, name: str, data: bytes, actor: User | None = None
) -> TpsImportReport:
    """Create or update the TPS-rawan indicators of every TPS in a CSV/XLSX file
    (columns in tps_table). All or nothing: any bad row refuses the whole file
    (ImportFailed lists every problem). `actor` None is the command line; a user may
    only import TPS where they may edit (others read as unknown)."""
    try:
        table = tps_table.read_table(name, data)
    except tps_table.TableRefused as exc:
        raise ImportFailed([ImportProblem(name, None, exc.message)]) from exc
    problems = [
        ImportProblem(name, line, msg, value) for line, msg, value in table.problems
    ]
    ids = _tps_ids(name, table.rows, actor, problems)
    if problems:
        raise ImportFailed(sorted(problems, key=lambda p: p.line or 0))
    with transaction.atomic():
        existing = _existing_flags(list(ids.values()))
        objects = []
        for row in table.rows:
            tps_id = ids[row.code]
            flags = dict(existing.get(tps_id, {}))
            flags.update(row.values)
            note = row.note if row.note is not None else flags.pop("note", "")
            flags.pop("note", None)
            objects.append(
                TpsVulnerability(
                    tps_id=tps_id,
                    **flags,
                    note=note,
                    source=name[:200],
                    updated_by=actor,
                )
            )
        TpsVulnerability.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["tps"],
            update_fields=[
                *INDICATOR_KEYS,
                "note",
                "source",
                "updated_by",
                "updated_at",
            ],
            batch_size=1000,
        )
        created = len(table.rows) - len(existing)
        DataImport.objects.create(
            kind="tps_rawan",
            file_name=name[:300],
            sha256=hashlib.sha256(data).hexdigest(),
            rows=len(table.rows),
            created=created,
            updated=len(existing),
            imported_by=actor.get_username() if actor else "",
        )
    return TpsImportReport(
        name,
        len(table.rows),
        created,
        len(existing),
        tuple(table.indicator_columns),
        tuple(table.ignored_columns),
    )


def _tps_ids(
    name: str,
    rows: list[tps_table.TpsRow],
    actor: User | None,
    problems: list[ImportProblem],
) -> dict[str, int]:
    """TPS code -> id of the rows; unknown, repeated or forbidden codes are problems."""
    if actor is not None and not access.can_write(actor):
        raise PermissionDenied("read-only role")
    codes = sorted({row.code for row in rows})
    found: dict[str, tuple[int, str]] = {}
    for chunk in _chunks(codes):
        found.update(
            (code, (pk, desa))
            for code, pk, desa in TPS.objects.filter(code__in=chunk).values_list(
                "code", "id", "desa__code"
            )
        )
    first_line: dict[str, int] = {}
    for row in rows:
        if row.code in first_line:
            problems.append(
                ImportProblem(
                    name,
                    row.line,
                    f"TPS sudah ada di baris {first_line[row.code]}",
                    row.code,
                )
            )
            continue
        first_line[row.code] = row.line
        known = found.get(row.code)
        allowed = known is not None and (
            actor is None or access.can_edit_situation_data(actor, known[1])
        )
        if is_tps_code(row.code) and not allowed:
            message = "TPS tidak dikenal" + (
                " atau di luar cakupan Anda" if actor is not None else ""
            )
            problems.append(ImportProblem(name, row.line, message, row.code))
    return {code: pk for code, (pk, _) in found.items()}


def _existing_flags(tps_ids: list[int]) -> dict[int, dict[str, Any]]:
    existing: dict[int, dict[str, Any]] = {}
    for chunk in _chunks(tps_ids):
        for values in TpsVulnerability.objects.filter(tps_id__in=chunk).values(
            "tps_id", "note", *INDICATOR_KEYS
        ):
            existing[values.pop("tps_id")] = values
    return existing


def tps_vulnerability_update(
    *,
    actor: User,
    tps: TPS,
    indicators: dict[str, bool],
    note: str | None = None,
) -> TpsVulnerability:
    """Change some indicators (and the note) of one TPS by hand."""
    if not access.can_edit_situation_data(actor, tps.desa.code):
        raise PermissionDenied("not allowed to edit this TPS")
    unknown = sorted(set(indicators) - set(INDICATOR_KEYS))
    if unknown:
        raise SituationError(
            "unknown_indicator",
            "Indikator tidak dikenal: " + ", ".join(unknown) + ".",
            unknown[0],
        )
    with transaction.atomic():
        record, _ = TpsVulnerability.objects.select_for_update().get_or_create(
            tps=tps, defaults={"source": "isian manual"}
        )
        for key, value in indicators.items():
            setattr(record, key, bool(value))
        if note is not None:
            record.note = note.strip()[:1000]
        record.updated_by = actor
        record.save()
    return record


# Polres personnel -----------------------------------------------------------------

MAX_PERSONNEL = 100_000


def polres_personnel_set(
    *, actor: User, agency: Agency, police: int, linmas: int, note: str = ""
) -> PolresPersonnel:
    """Record the police and Linmas a Polres can deploy: by the Polres's own
    liaison, or desk staff of its kab/kota."""
    allowed = access.can_act_for_agency(
        actor, agency.pk
    ) or access.can_edit_situation_data(actor, agency.region.code)
    if not allowed:
        raise PermissionDenied("not allowed to report this agency's personnel")
    if agency.kind != AgencyKind.POLRI:
        raise SituationError("not_police", "Instansi ini bukan kepolisian.", "agency")
    for name, value in (("police", police), ("linmas", linmas)):
        if not 0 <= value <= MAX_PERSONNEL:
            raise SituationError(
                "bad_number", f"Jumlah harus 0 sampai {MAX_PERSONNEL}.", name
            )
    record, _ = PolresPersonnel.objects.update_or_create(
        agency=agency,
        defaults={
            "police": police,
            "linmas": linmas,
            "note": note.strip()[:1000],
            "updated_by": actor,
        },
    )
    return record
