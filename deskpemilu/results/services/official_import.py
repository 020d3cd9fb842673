"""Official recapitulation figures (D.Hasil) imported from a file (typed figures:
results/official.py)."""

from __future__ import annotations

from pathlib import Path

from django.db import transaction

from deskpemilu.core.csvio import read_rows
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.elections.models import Contest
from deskpemilu.regions.models import Region
from deskpemilu.results.models import (
    OfficialRecap,
    RecapLevel,
)
from deskpemilu.results.spec import FIELDS

OFFICIAL_METRICS = {
    "suara_sah_total": "suara_sah",
    "suara_tidak_sah": "suara_tidak_sah",
    "suara_total": "suara_total",
    "dpt": "dpt_total",
    "pengguna_hak_pilih_dpt": "pengguna_dpt_total",
    "pengguna_hak_pilih_dptb": "pengguna_dptb_total",
    "pengguna_hak_pilih_dpk": "pengguna_dpk_total",
    "pengguna_hak_pilih_total": "pengguna_hak_pilih_total",
}
LEVEL_BY_LENGTH = {
    0: RecapLevel.NASIONAL,
    2: RecapLevel.PROVINSI,
    4: RecapLevel.KABKOTA,
    6: RecapLevel.KECAMATAN,
    10: RecapLevel.DESA,
}


def official_recap_import(*, path: Path, contest: Contest, actor: str = "") -> int:
    """Official recap figures (D.Hasil) from a long-format CSV (wilayah, kode,
    metric, paslon_no, value, source_ref), as pilpres2024_official_totals.csv.
    All or nothing; a region's figures are replaced by the file's."""
    problems: list[ImportProblem] = []
    k = contest.candidates.count()
    areas: dict[str, dict] = {}
    regions = dict(Region.objects.values_list("code_nodot", "id"))
    for line, row in read_rows(
        path, ["kode", "metric", "paslon_no", "value", "source_ref"]
    ):
        code = "" if row["kode"] in ("0", "") else row["kode"]
        if len(code) not in LEVEL_BY_LENGTH or not (code == "" or code.isdigit()):
            problems.append(
                ImportProblem(path.name, line, "kode wilayah salah", row["kode"])
            )
            continue
        if code and code not in regions:
            problems.append(ImportProblem(path.name, line, "wilayah tak dikenal", code))
            continue
        if not row["value"].lstrip("-").isdigit():
            problems.append(
                ImportProblem(
                    path.name, line, "nilai harus bilangan bulat", row["value"]
                )
            )
            continue
        area = areas.setdefault(code, {"votes": [None] * k, "refs": set()})
        area["refs"].add(row["source_ref"])
        value = int(row["value"])
        if row["metric"] == "suara_sah_paslon":
            number = int(row["paslon_no"]) if row["paslon_no"].isdigit() else 0
            if not 1 <= number <= k:
                problems.append(
                    ImportProblem(
                        path.name, line, "nomor paslon salah", row["paslon_no"]
                    )
                )
                continue
            area["votes"][number - 1] = value
        elif row["metric"] in OFFICIAL_METRICS:
            area[OFFICIAL_METRICS[row["metric"]]] = value
        else:
            problems.append(
                ImportProblem(path.name, line, "metric tak dikenal", row["metric"])
            )
    if problems:
        raise ImportFailed(problems)
    with transaction.atomic():
        for code, area in areas.items():
            refs = area.pop("refs")
            OfficialRecap.objects.update_or_create(
                contest=contest,
                area_code=code,
                defaults={
                    "level": LEVEL_BY_LENGTH[len(code)],
                    "region_id": regions.get(code),
                    "source_ref": f"{path.name}: " + ", ".join(sorted(refs)),
                    **{name: area.get(name) for name in FIELDS},
                    "votes": area["votes"],
                    "entered_by": None,  # imported, not typed: replaces typed figures
                },
            )
    return len(areas)
