"""Boundary geometry: reading GeoJSON and making the light copy maps load. No ORM.

The light copy is simplified (Douglas-Peucker, topology preserved) with a tolerance that
suits the level's zoom, and its coordinates are rounded, so that the whole desa layer
of a province stays well under a megabyte.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import mapping, shape

from deskpemilu.core.errors import ImportFailed, ImportProblem

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
    depth = min(code.count("."), 3)
    geom = shape(feature["geometry"])
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    light = geom.simplify(TOLERANCE[depth], preserve_topology=True)
    if light.is_empty:
        light = geom
    point = geom.representative_point()
    props = feature.get("properties") or {}
    lat = props.get("centroid_lat", point.y)
    lng = props.get("centroid_lng", point.x)
    text = json.dumps(_rounded(mapping(light), DECIMALS[depth]), separators=(",", ":"))
    return text, (float(lat), float(lng))


def _rounded(geo: dict[str, Any], decimals: int) -> dict[str, Any]:
    def walk(value: Any) -> Any:
        if isinstance(value, (list, tuple)):
            if value and isinstance(value[0], float):
                return [round(v, decimals) for v in value]
            return [walk(v) for v in value]
        return value

    kind = geo["type"]
    if kind == "GeometryCollection":
        # make_valid may split a shape; keep only its polygons.
        polys = [
            g for g in geo["geometries"] if g["type"] in ("Polygon", "MultiPolygon")
        ]
        coords = []
        for g in polys:
            coords.extend(
                [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
            )
        return {"type": "MultiPolygon", "coordinates": walk(coords)}
    return {"type": kind, "coordinates": walk(geo["coordinates"])}


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
