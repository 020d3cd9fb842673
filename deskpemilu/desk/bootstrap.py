"""Loading the bundled Banten master data in one go (`deskpemilu load_banten`, run by
`make run`): regions, elections and accounts together, so it stands above them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

from django.db import transaction

from deskpemilu.accounts.services import agencies_import
from deskpemilu.core.csvio import sha256_of
from deskpemilu.elections.services import (
    contests_import,
    election_upsert,
    stages_import,
)
from deskpemilu.regions import geometry
from deskpemilu.regions.models import DataImport
from deskpemilu.regions.services import (
    boundaries_import,
    kabkota_voters_import,
    outlines_rebuild,
    region_stats_refresh,
    regions_import,
    tps_import,
    tps_voters_import,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "banten"
FILES = {
    "regions": DATA / "regions" / "banten_wilayah_kepmendagri_2022.csv",
    "regions_2025": DATA / "regions" / "banten_wilayah_kepmendagri_2025.csv",
    "tps": DATA / "results" / "banten_tps_2024.csv",
    "dpt_kabkota": DATA / "results" / "banten_dpt_tps_per_kabkota_2024.csv",
    "dpt_tps": DATA / "results" / "sirekap_pilpres_tps_sample_kec_sumur.csv",
    "geo_kabkota": DATA / "geo" / "banten_kabkota.geojson",
    "geo_kecamatan": DATA / "geo" / "banten_kecamatan.geojson",
    "geo_desa": DATA / "geo" / "banten_desa.geojson",
    "schedule": DATA / "schedule" / "pemilu2024_tahapan.csv",
    "contests": DATA / "elections" / "pemilu2024_kontestasi.csv",
    "agencies": DATA / "agencies" / "banten_agencies.csv",
}
ProgressFactory = Callable[[int, str], AbstractContextManager[Callable[[int], None]]]


def banten_is_current() -> bool:
    """Whether every bundled file was already imported as it is now."""
    imported = set(DataImport.objects.values_list("file_name", "sha256"))
    tracked = (
        "regions",
        "tps",
        "dpt_kabkota",
        "dpt_tps",
        "geo_kabkota",
        "geo_kecamatan",
        "geo_desa",
    )
    return all((FILES[k].name, sha256_of(FILES[k])) in imported for k in tracked)


def banten_load(*, progress: ProgressFactory, log: Callable[[str], None]) -> None:
    """Load regions, TPS, voters, boundaries, the Pemilu 2024 calendar and contests,
    and the agencies, all in one transaction."""
    with transaction.atomic():
        log(str(regions_import(path=FILES["regions"], alt_path=FILES["regions_2025"])))
        with progress(33324, "TPS") as step:
            log(str(tps_import(path=FILES["tps"], progress=step)))
        log(str(kabkota_voters_import(path=FILES["dpt_kabkota"])))
        log(
            str(
                tps_voters_import(
                    path=FILES["dpt_tps"], source="Sirekap (sampel Kec. Sumur)"
                )
            )
        )
        for key in ("geo_kabkota", "geo_kecamatan", "geo_desa"):
            features = geometry.read_features(FILES[key])
            with progress(len(features), f"batas {key[4:]}") as step:
                report = boundaries_import(
                    path=FILES[key], progress=step, features=features
                )
            log(str(report))
        region_stats_refresh()
        log(f"garis batas peta (satu cakupan dari desa): {outlines_rebuild()} wilayah")
        election = election_upsert(
            slug="pemilu-2024",
            name="Pemilu 2024",
            vote_date=dt.date(2024, 2, 14),
            region_code="36",
        )
        log(f"tahapan: {stages_import(election=election, path=FILES['schedule'])}")
        log(f"kontestasi: {contests_import(election=election, path=FILES['contests'])}")
        log(f"instansi: {agencies_import(path=FILES['agencies'])}")
