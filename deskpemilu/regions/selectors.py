"""Reads of the region tree, always through the user's scope (accounts.access)."""

from __future__ import annotations

import json
import re
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


# Finding a place by name as it is typed ----------------------------------------------

SEARCH_LEVELS = ("kabkota", "kecamatan", "desa")
SEARCH_LIMIT = 12
_TPS_WORDS = re.compile(r"^\s*tps\s*0*(\d{1,3})\b\s*(.*)$", re.IGNORECASE)


@dataclass(frozen=True)
class Place:
    code: str  # a dotted region code, or a 13-digit TPS code
    label: str  # "Kemanisan · Curug · Kota Serang (36.73.04.1003)"
    kind: str  # "region" or "tps"


def search_places(user: User, text: str, *, tps: bool = False) -> list[Place]:
    """Places in the user's scope whose name starts with (then holds) the typed text,
    named with the regions above them: kab/kota, kecamatan and desa; with `tps`, the
    TPS of those desa ("TPS 5 Kemanisan" or "Kemanisan 5" picks a number). Nothing
    for fewer than three letters."""
    text = " ".join(text.split())
    number: int | None = None
    match = _TPS_WORDS.match(text)
    if tps and match:
        number, text = int(match.group(1)), match.group(2)
    elif tps and (tail := re.match(r"^(.*\D)\s+0*(\d{1,3})$", text)):
        text, number = tail.group(1), int(tail.group(2))
    if len(text) < 3:
        return []
    visible = regions_visible(user).filter(level__in=SEARCH_LEVELS)
    starts = visible.filter(name__istartswith=text)
    found = list(starts.select_related("parent__parent")[:SEARCH_LIMIT])
    if len(found) < SEARCH_LIMIT:
        more = visible.filter(name__icontains=text).exclude(
            pk__in=[r.pk for r in found]
        )
        found += list(
            more.select_related("parent__parent")[: SEARCH_LIMIT - len(found)]
        )
    if not tps:
        return [Place(r.code, _place_label(r), "region") for r in found]
    desa = [r for r in found if r.level == Level.DESA]
    stations = tps_visible(user).filter(desa__in=desa).select_related("desa__parent")
    if number is not None:
        stations = stations.filter(number=number)
    return [
        Place(t.code, f"{t.name} · {_place_label(t.desa)}", "tps")
        for t in stations.order_by("desa__name", "number")[:SEARCH_LIMIT]
    ]


def _place_label(region: Region) -> str:
    names = [region.name]
    parent = region.parent
    while parent is not None and parent.level != Level.PROVINSI:
        names.append(parent.name)
        parent = parent.parent
    return f"{' · '.join(names)} ({region.code})"


def place_by_name(user: User, text: str) -> list[Region]:
    """Regions in the user's scope (kab/kota, kecamatan, desa) whose name is exactly
    the typed text (any case): one is the place, several must be told apart."""
    name = " ".join(text.split())
    return list(
        regions_visible(user)
        .filter(level__in=SEARCH_LEVELS, name__iexact=name)
        .select_related("parent__parent")
        .order_by("code")[:SEARCH_LIMIT]
    )
