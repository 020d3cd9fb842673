"""Writes for elections: the election, its stage calendar, contests, candidates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.db import transaction

from deskpemilu.core.csvio import read_rows
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.elections.models import (
    Candidate,
    Contest,
    ContestKind,
    Election,
    Stage,
    StageKind,
)
from deskpemilu.regions.models import Region


def election_upsert(
    *, slug: str, name: str, vote_date: dt.date, region_code: str | None = None
) -> Election:
    """Create the election or update its name, voting day and region."""
    region = Region.objects.filter(code=region_code).first() if region_code else None
    election, _ = Election.objects.update_or_create(
        slug=slug, defaults={"name": name, "vote_date": vote_date, "region": region}
    )
    return election


def _date(
    raw: str, problems: list[ImportProblem], file: str, line: int
) -> dt.date | None:
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        problems.append(ImportProblem(file, line, "tanggal harus YYYY-MM-DD", raw))
        return None


def stages_import(*, election: Election, path: Path) -> int:
    """Replace the election's stage calendar with the file's rows (columns as in
    pemilu2024_tahapan.csv: id, jenis, tahapan, tanggal_mulai, tanggal_selesai)."""
    problems: list[ImportProblem] = []
    stages: dict[int, Stage] = {}
    kinds = set(StageKind.values)
    for line, row in read_rows(
        path, ["id", "jenis", "tahapan", "tanggal_mulai", "tanggal_selesai"]
    ):
        if not row["id"].isdigit():
            problems.append(ImportProblem(path.name, line, "id harus angka", row["id"]))
            continue
        if row["jenis"] not in kinds:
            problems.append(
                ImportProblem(
                    path.name, line, "jenis tahapan tak dikenal", row["jenis"]
                )
            )
            continue
        start = _date(row["tanggal_mulai"], problems, path.name, line)
        end = _date(row["tanggal_selesai"], problems, path.name, line)
        if start and end and end < start:
            problems.append(
                ImportProblem(
                    path.name,
                    line,
                    "tanggal selesai sebelum tanggal mulai",
                    row["tanggal_selesai"],
                )
            )
        seq = int(row["id"])
        if seq in stages:
            problems.append(
                ImportProblem(path.name, line, "id tahapan ganda", row["id"])
            )
        stages[seq] = Stage(
            election=election,
            seq=seq,
            kind=row["jenis"],
            name=row["tahapan"],
            start_date=start,
            end_date=end,
            notes=row.get("catatan", ""),
            sources=row.get("sumber", ""),
        )
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        Stage.objects.filter(election=election).delete()
        Stage.objects.bulk_create(stages.values())
    return len(stages)


def contests_import(*, election: Election, path: Path) -> int:
    """Contests and their candidates (columns kontestasi, nama_kontestasi, nomor, nama,
    nama_singkat, id_sirekap); a row without `nomor` declares the contest only."""
    problems: list[ImportProblem] = []
    rows = []
    kinds = set(ContestKind.values)
    for line, row in read_rows(
        path, ["kontestasi", "nama_kontestasi", "nomor", "nama"]
    ):
        if row["kontestasi"] not in kinds:
            problems.append(
                ImportProblem(
                    path.name, line, "jenis kontestasi tak dikenal", row["kontestasi"]
                )
            )
        elif row["nomor"] and not row["nomor"].isdigit():
            problems.append(
                ImportProblem(path.name, line, "nomor urut harus angka", row["nomor"])
            )
        elif row["nomor"] and not row["nama"]:
            problems.append(
                ImportProblem(path.name, line, "nama kandidat kosong", row["nomor"])
            )
        else:
            rows.append(row)
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        for row in rows:
            contest, _ = Contest.objects.update_or_create(
                election=election,
                kind=row["kontestasi"],
                defaults={"name": row["nama_kontestasi"]},
            )
            if row["nomor"]:
                Candidate.objects.update_or_create(
                    contest=contest,
                    number=int(row["nomor"]),
                    defaults={
                        "name": row["nama"],
                        "short_name": row.get("nama_singkat", ""),
                        "external_id": row.get("id_sirekap", ""),
                    },
                )
    return len(rows)
