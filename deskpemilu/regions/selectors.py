"""Reads of the region tree, always through the user's scope (accounts.access)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from deskpemilu.accounts.access import access_for, regions_visible, tps_visible
from deskpemilu.accounts.models import User
from deskpemilu.regions.models import (
    TPS,
    Boundary,
    Level,
    Region,
    region_subtree_q,
    tps_subtree_q,
)


@dataclass(frozen=True)
class Crumb:
    code: str
    name: str
    visible: bool


def region_children(user: User, region: Region) -> QuerySet[Region]:
    """The region's direct children that the user may see, in code order."""
    return (
        regions_visible(user)
        .filter(parent=region)
        .select_related("parent")
        .order_by("code")
    )


def region_tps(user: User, region: Region) -> QuerySet[TPS]:
    """Every TPS in the region that the user may see."""
    return (
        tps_visible(user)
        .filter(tps_subtree_q(region.code))
        .select_related("desa")
        .order_by("code")
    )


def region_breadcrumbs(user: User, region: Region) -> list[Crumb]:
    """The ancestors of a region, marked with whether the user may open them."""
    access = access_for(user)
    names = dict(
        Region.objects.filter(code__in=region.ancestor_codes()).values_list(
            "code", "name"
        )
    )
    return [
        Crumb(code, names.get(code, code), access.sees_code(code))
        for code in region.ancestor_codes()
    ]


def boundary_features(user: User, region: Region, *, depth: int = 1) -> str:
    """A GeoJSON FeatureCollection (text) of the light outlines `depth` levels below
    `region` (0 = the region itself), with names and counts for the map."""
    target_depth = region.depth + depth
    regions = regions_visible(user).filter(
        region_subtree_q(region.code, include_self=depth == 0)
    )
    rows = (
        Boundary.objects.filter(region__in=regions)
        .filter(region__level=_level_at(target_depth))
        .order_by("region__code")
        .values_list(
            "region__code",
            "region__name",
            "region__level",
            "region__tps_count",
            "geometry_light",
        )
    )
    # The stored geometry is already JSON text: splice it in rather than parse it.
    parts = [
        f'{{"type":"Feature","properties":{{"kode":{_js(code)},"nama":{_js(name)},'
        f'"level":"{level}","tps":{tps}}},"geometry":{geom}}}'
        for code, name, level, tps, geom in rows
    ]
    return '{"type":"FeatureCollection","features":[' + ",".join(parts) + "]}"


def _level_at(depth: int) -> str:
    return ("provinsi", "kabkota", "kecamatan", "desa")[min(max(depth, 0), 3)]


def _js(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


class _DesaIndex:
    """The villages' outlines in a spatial index, built once per process (about a
    second for Banten's 1,552) and rebuilt when the outlines change."""

    def __init__(self) -> None:
        self.key: tuple[int, Any] | None = None
        self.tree: Any = None  # a shapely STRtree (shapely has no type hints)
        self.ids: list[int] = []

    def at(self, lat: float, lng: float) -> int | None:
        import shapely
        from shapely.geometry import shape

        rows = Boundary.objects.filter(region__level=Level.DESA)
        key: tuple[int, Any] = (
            rows.count(),
            rows.order_by("-pk").values_list("pk", flat=True)[:1],
        )
        key = (key[0], tuple(key[1]))
        if key != self.key:
            pairs = list(rows.values_list("region_id", "geometry_light"))
            self.ids = [pk for pk, _ in pairs]
            self.tree = shapely.STRtree([shape(json.loads(g)) for _, g in pairs])
            self.key = key
        if not self.ids:
            return None
        point = shapely.Point(lng, lat)
        inside = self.tree.query(point, predicate="covers")
        if len(inside):
            return self.ids[int(inside[0])]
        # The light outlines are simplified: a point just outside every village
        # (a coast, a border) goes to the nearest one within ~300 m.
        nearest = self.tree.query_nearest(point, max_distance=0.003)
        return self.ids[int(nearest[0])] if len(nearest) else None


_DESA = _DesaIndex()


def desa_at(lat: float, lng: float) -> Region | None:
    """The desa/kelurahan a point lies in (None outside every outline)."""
    pk = _DESA.at(lat, lng)
    return Region.objects.filter(pk=pk).first() if pk is not None else None
