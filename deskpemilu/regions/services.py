"""Writes to the region tree, TPS and boundaries. Every import is all-or-nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q, Sum

from deskpemilu.core.csvio import sha256_of
from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.regions import geometry
from deskpemilu.regions.codes import (
    depth_of,
    nodot,
    nodot_ancestors,
    parent_code,
    widen,
)
from deskpemilu.regions.importers import (
    RegionRow,
    parse_alt_names,
    parse_counts,
    parse_regions,
    parse_tps,
)
from deskpemilu.regions.models import TPS, Boundary, DataImport, Level, Region

Progress = Callable[[int], None]
BATCH = 2000


@dataclass(frozen=True)
class ImportReport:
    kind: str
    file: str
    rows: int
    created: int
    updated: int

    def __str__(self) -> str:
        return (
            f"{self.file}: {self.rows} baris, {self.created} baru, "
            f"{self.updated} diperbarui"
        )


def _record(kind: str, path: Path, rows: int, created: int, actor: str) -> ImportReport:
    report = ImportReport(kind, path.name, rows, created, rows - created)
    DataImport.objects.create(
        kind=kind,
        file_name=path.name,
        sha256=sha256_of(path),
        rows=rows,
        created=created,
        updated=rows - created,
        imported_by=actor,
    )
    return report


def regions_import(
    *, path: Path, alt_path: Path | None = None, actor: str = ""
) -> ImportReport:
    """Create or update regions from a Kemendagri code file (parents before children).

    `alt_path` is another edition of the list (2025): its differing spellings go to
    `name_alt`, and a village it numbers differently is paired by level, kab/kota and
    name and its other code kept in `code_alt`.
    """
    existing = dict(Region.objects.values_list("code", "id"))
    rows = parse_regions(path, known_codes=existing.keys())
    alt = parse_alt_names(alt_path) if alt_path else {}
    alt_codes = _pair_moved_codes(rows, alt)
    with transaction.atomic():
        ids = dict(existing)
        created = 0
        for depth in range(4):
            batch = [r for r in rows if depth_of(r.code) == depth]
            objs = [
                Region(
                    code=r.code,
                    code_nodot=nodot(r.code),
                    level=r.level,
                    kind=r.kind,
                    name=r.name,
                    name_alt=_alt_name(r, alt, alt_codes),
                    code_alt=alt_codes.get(r.code, ""),
                    parent_id=ids.get(parent_code(r.code) or ""),
                )
                for r in batch
            ]
            created += sum(1 for r in batch if r.code not in existing)
            Region.objects.bulk_create(
                objs,
                batch_size=BATCH,
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=[
                    "level",
                    "kind",
                    "name",
                    "name_alt",
                    "code_alt",
                    "parent",
                ],
            )
            ids.update(
                Region.objects.filter(code__in=[r.code for r in batch]).values_list(
                    "code", "id"
                )
            )
        return _record("regions", path, len(rows), created, actor)


def _pair_moved_codes(rows: list[RegionRow], alt: dict[str, str]) -> dict[str, str]:
    if not alt:
        return {}
    ours = {r.code for r in rows}
    only_alt = [c for c in alt if c not in ours]
    pairs: dict[str, str] = {}
    for r in rows:
        if r.code in alt:
            continue
        kabkota = widen(nodot(r.code), "kabkota")
        for other in only_alt:
            same_place = depth_of(other) == depth_of(r.code) and (
                widen(nodot(other), "kabkota") == kabkota
            )
            if same_place and alt[other].casefold() == r.name.casefold():
                pairs[r.code] = other
    return pairs


def _alt_name(row: RegionRow, alt: dict[str, str], alt_codes: dict[str, str]) -> str:
    name = alt.get(row.code) or alt.get(alt_codes.get(row.code, ""), "")
    return name if name and name.casefold() != row.name.casefold() else ""


def tps_import(
    *, path: Path, actor: str = "", progress: Progress | None = None
) -> ImportReport:
    """Create or update TPS from a KPU TPS list; every TPS must lie in a known desa."""
    desa_ids = dict(Region.objects.filter(level="desa").values_list("code_nodot", "id"))
    rows = parse_tps(path, known_desa_nodot=desa_ids.keys())
    existing = set(TPS.objects.values_list("code", flat=True))
    with transaction.atomic():
        for start in range(0, len(rows), BATCH):
            chunk = rows[start : start + BATCH]
            TPS.objects.bulk_create(
                [
                    TPS(
                        code=r.code,
                        desa_id=desa_ids[r.desa_nodot],
                        number=r.number,
                        name=r.name,
                        is_special=r.number >= 901,
                        kpu_id=r.kpu_id,
                    )
                    for r in chunk
                ],
                update_conflicts=True,
                unique_fields=["code"],
                update_fields=["desa", "number", "name", "is_special", "kpu_id"],
            )
            if progress:
                progress(len(chunk))
        created = sum(1 for r in rows if r.code not in existing)
        return _record("tps", path, len(rows), created, actor)


def kabkota_voters_import(*, path: Path, actor: str = "") -> ImportReport:
    """Official DPT per kab/kota (columns kode_kabkota in KPU form, dpt)."""
    known = dict(
        Region.objects.filter(level="kabkota").values_list("code_nodot", "code")
    )
    counts = parse_counts(path, "kode_kabkota", known.keys(), what="kab/kota")
    with transaction.atomic():
        for code, dpt in counts.items():
            Region.objects.filter(code=known[code]).update(dpt=dpt)
        return _record("dpt_kabkota", path, len(counts), 0, actor)


def tps_voters_import(*, path: Path, source: str, actor: str = "") -> ImportReport:
    """Voters per TPS where known (columns kode_tps, dpt or dpt_total)."""
    known = set(TPS.objects.values_list("code", flat=True))
    counts = parse_counts(
        path, "kode_tps", known, aliases={"dpt_total": "dpt"}, what="TPS"
    )
    with transaction.atomic():
        objs = list(TPS.objects.filter(code__in=counts.keys()))
        for tps in objs:
            tps.dpt, tps.dpt_source = counts[tps.code], source
        TPS.objects.bulk_update(objs, ["dpt", "dpt_source"], batch_size=BATCH)
        return _record("dpt_tps", path, len(counts), 0, actor)


def boundaries_import(
    *,
    path: Path,
    actor: str = "",
    progress: Progress | None = None,
    features: list[dict[str, Any]] | None = None,
) -> ImportReport:
    """Outlines from a GeoJSON FeatureCollection whose features carry `kode`.

    A feature's code may be the 2022 code or the 2025 one (`code_alt`). The source
    geometry is kept; a simplified copy is made for maps.
    """
    if features is None:
        features = geometry.read_features(path)
    by_code = {}
    for region_id, code, alt in Region.objects.values_list("id", "code", "code_alt"):
        by_code[code] = region_id
        if alt:
            by_code.setdefault(alt, region_id)
    problems, rows = [], []
    for index, feature in enumerate(features, start=1):
        code = str((feature.get("properties") or {}).get("kode", ""))
        if code not in by_code:
            problems.append(
                ImportProblem(
                    path.name, index, "fitur dengan kode wilayah tak dikenal", code
                )
            )
            continue
        rows.append((by_code[code], feature))
    if problems:
        raise ImportFailed(problems)
    existing = set(Boundary.objects.values_list("region_id", flat=True))
    objs, centroids = [], {}
    for region_id, feature in rows:
        light, centroid = geometry.light_geometry(feature)
        objs.append(
            Boundary(
                region_id=region_id,
                geometry=json.dumps(feature["geometry"], separators=(",", ":")),
                geometry_light=light,
                source=path.name,
            )
        )
        centroids[region_id] = centroid
        if progress:
            progress(1)
    with transaction.atomic():
        Boundary.objects.bulk_create(
            objs,
            batch_size=500,
            update_conflicts=True,
            unique_fields=["region"],
            update_fields=["geometry", "geometry_light", "source"],
        )
        regions = list(Region.objects.filter(id__in=centroids))
        for region in regions:
            region.centroid_lat, region.centroid_lng = centroids[region.id]
        Region.objects.bulk_update(regions, ["centroid_lat", "centroid_lng"])
        created = sum(1 for region_id, _ in rows if region_id not in existing)
        return _record("boundaries", path, len(rows), created, actor)


DEPTH: dict[str, int] = {
    Level.PROVINSI: 0,
    Level.KABKOTA: 1,
    Level.KECAMATAN: 2,
    Level.DESA: 3,
}


def outlines_rebuild() -> int:
    """Remake the light outlines of the tree as one coverage from the villages'
    source outlines (geometry.coverage_layers): neighbours meet exactly and never
    overlap on the map. A kecamatan, kab/kota or province gets the union of its
    villages only when every one of its villages has an outline; otherwise it keeps
    the light copy of its own source outline. Returns the outlines rewritten."""
    villages = dict(
        Boundary.objects.filter(region__level=Level.DESA).values_list(
            "region_id", "geometry"
        )
    )
    if not villages:
        return 0
    tree = {
        pk: (parent, level, desa_count)
        for pk, parent, level, desa_count in Region.objects.values_list(
            "id", "parent_id", "level", "desa_count"
        )
    }
    with_outline: dict[int, int] = defaultdict(int)
    for pk in villages:
        parent = tree[pk][0]
        while parent is not None:
            with_outline[parent] += 1
            parent = tree[parent][0]
    complete = {pk for pk, n in with_outline.items() if n == tree[pk][2]}
    parent_of = {
        pk: parent
        for pk, (parent, _, _) in tree.items()
        if parent in complete and (pk in villages or pk in complete)
    }
    depth_of = {pk: DEPTH[level] for pk, (_, level, _) in tree.items()}
    light = geometry.coverage_layers(villages, parent_of, depth_of)
    boundaries = list(Boundary.objects.filter(region_id__in=light))
    for boundary in boundaries:
        boundary.geometry_light = light[boundary.region_id]
    Boundary.objects.bulk_update(boundaries, ["geometry_light"], batch_size=500)
    return len(boundaries)


def region_stats_refresh() -> None:
    """Recount TPS, villages and voters for every region: one aggregate query per
    desa, rolled up the tree in memory, written back in one batched UPDATE."""
    regions = list(
        Region.objects.values_list("id", "code_nodot", "level", "parent_id", "dpt")
    )
    zero = dict.fromkeys(("kec", "desa", "tps", "special", "dpt_sum", "with_dpt"), 0)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: dict(zero))
    per_desa = TPS.objects.values("desa__code_nodot").annotate(
        n=Count("id"),
        special=Count("id", filter=Q(is_special=True)),
        dpt_sum=Sum("dpt"),
        with_dpt=Count("dpt"),
    )
    for row in per_desa:
        code = row["desa__code_nodot"]
        for area in [*nodot_ancestors(code), code]:
            t = totals[area]
            t["tps"] += row["n"]
            t["special"] += row["special"]
            t["dpt_sum"] += row["dpt_sum"] or 0
            t["with_dpt"] += row["with_dpt"]
    for _, code, level, _, _ in regions:
        key = {"kecamatan": "kec", "desa": "desa"}.get(level)
        if key:
            for area in nodot_ancestors(code):
                totals[area][key] += 1
    official = {pk: dpt for pk, _, _, _, dpt in regions}
    children: dict[int, list[int]] = defaultdict(list)
    for pk, _, _, parent, _ in regions:
        if parent:
            children[parent].append(pk)
    rows = []
    for pk, code, level, _, dpt in regions:
        if level == "provinsi":
            kabs = [official[k] for k in children[pk]]
            if kabs and all(v is not None for v in kabs):
                dpt = sum(v for v in kabs if v is not None)
        t = totals[code]
        rows.append(
            (
                t["kec"],
                t["desa"],
                t["tps"],
                t["special"],
                t["dpt_sum"],
                t["with_dpt"],
                dpt,
                pk,
            )
        )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {Region._meta.db_table} SET kecamatan_count = %s, "
            "desa_count = %s, tps_count = %s, tps_special_count = %s, "
            "dpt_tps_sum = %s, tps_with_dpt = %s, dpt = %s WHERE id = %s",
            rows,
        )
