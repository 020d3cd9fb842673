"""Boundary geometry: reading GeoJSON and making the light copy maps load. No ORM.

The light copy is simplified with a tolerance that suits the level's zoom, and its
coordinates are rounded, so that the whole desa layer of a province stays well under
a megabyte. One outline alone is simplified by Douglas-Peucker (`light_geometry`);
a whole layer is simplified as a coverage (`coverage_layers`): the villages are first
cleaned into a coverage (no overlaps, no slivers, shared borders identical), each
upper level is the union of its villages, and every level is simplified with its
shared borders simplified once, so neighbours still meet exactly on the map.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape

from deskpemilu.core.errors import ImportFailed, ImportProblem
from deskpemilu.regions.codes import depth_of

# Degrees; 0.001 deg is about 110 m at Banten's latitude.
TOLERANCE = {0: 0.004, 1: 0.002, 2: 0.0008, 3: 0.0006}
DECIMALS = {0: 3, 1: 3, 2: 4, 3: 4}


def read_features(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ImportFailed(
            [ImportProblem(path.name, None, "berkas tidak ditemukan")]
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed(
            [ImportProblem(path.name, None, f"GeoJSON tidak dapat dibaca: {exc}")]
        ) from exc
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        raise ImportFailed(
            [ImportProblem(path.name, None, "bukan GeoJSON FeatureCollection")]
        )
    features = data.get("features") or []
    for index, feature in enumerate(features, start=1):
        geom = (feature or {}).get("geometry") or {}
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            raise ImportFailed(
                [
                    ImportProblem(
                        path.name,
                        index,
                        "geometri harus Polygon/MultiPolygon",
                        str(geom.get("type")),
                    )
                ]
            )
    return features


def light_geometry(feature: dict[str, Any]) -> tuple[str, tuple[float, float]]:
    """(simplified geometry as compact GeoJSON text, (lat, lng) of a point inside)."""
    code = str(feature["properties"]["kode"])
    depth = min(depth_of(code), 3)
    geom = shape(feature["geometry"])
    if not geom.is_valid:
        geom = polygonal(shapely.make_valid(geom))
    light = geom.simplify(TOLERANCE[depth], preserve_topology=True)
    if light.is_empty:
        light = geom
    point = geom.representative_point()
    props = feature.get("properties") or {}
    lat = props.get("centroid_lat", point.y)
    lng = props.get("centroid_lng", point.x)
    text = json.dumps(_rounded(mapping(light), DECIMALS[depth]), separators=(",", ":"))
    return text, (float(lat), float(lng))


# Visvalingam-Whyatt tolerances of coverage simplification (about the square root of
# the area of a triangle that may go), chosen for as many points as `TOLERANCE` gives
# one outline at a time: province, kab/kota, kecamatan, desa.
COVERAGE_TOLERANCE = {0: 0.02, 1: 0.014, 2: 0.008, 3: 0.001}
GAP_WIDTH = 0.0002  # degrees (~20 m): gaps narrower than this between villages close


def polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """The polygons of a geometry (make_valid may add lines or points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [
        p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")
    ]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def coverage_layers(
    villages: dict[Any, str], parent_of: dict[Any, Any], depth_of: dict[Any, int]
) -> dict[Any, str]:
    """Light outlines (GeoJSON text) of the villages and of every region above them.

    `villages` maps a key to a village's source geometry (GeoJSON text);
    `parent_of` maps each key (village or upper region) to its parent's key;
    `depth_of` gives each key's depth (0 province .. 3 desa). An upper region's
    outline is the union of the cleaned villages under it: leave a region out of
    `parent_of` (as a parent) unless all of its villages are given."""
    keys = list(villages)
    geoms = np.array(
        [polygonal(shapely.make_valid(shape(json.loads(villages[k])))) for k in keys]
    )
    cleaned = shapely.coverage_clean(geoms, gap_width=GAP_WIDTH)
    out: dict[Any, str] = {}
    level = dict(zip(keys, cleaned, strict=True))
    while level:
        depth = depth_of[next(iter(level))]
        names = list(level)
        layer = np.array([level[k] for k in names])
        light = shapely.coverage_simplify(layer, COVERAGE_TOLERANCE[min(depth, 3)])
        for key, simple, whole in zip(names, light, layer, strict=True):
            kept = whole if simple.is_empty else simple
            out[key] = json.dumps(
                _rounded(mapping(kept), DECIMALS[min(depth, 3)]), separators=(",", ":")
            )
        children: dict[Any, list[Any]] = {}
        for key in names:
            parent = parent_of.get(key)
            if parent is not None:
                children.setdefault(parent, []).append(level[key])
        level = {
            parent: shapely.coverage_union_all(np.array(parts))
            for parent, parts in children.items()
        }
    return out


def _rounded(geo: dict[str, Any], decimals: int) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(v, decimals) for v in value]
            return [walk(v) for v in value]
        return value

    return {"type": geo["type"], "coordinates": walk(geo["coordinates"])}


def point_in(
    geometry_text: str, lat: float, lng: float, *, tolerance_m: float = 0
) -> bool:
    """Whether a point lies inside a GeoJSON geometry, or within `tolerance_m` metres
    of it (the outlines are simplified, so a point near a border needs some slack)."""
    geom = shape(json.loads(geometry_text))
    point = shapely.Point(lng, lat)
    if geom.covers(point):
        return True
    return tolerance_m > 0 and geom.distance(point) * 111_000 <= tolerance_m
