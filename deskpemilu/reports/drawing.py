"""The report's two pictures, drawn as SVG on the server without network: the map of
kab/kota status (from the boundaries the desk loaded) and the bar chart of incidents
over time. Pure code. The PDF embeds the SVG as it is; the DOCX gets a PNG that typst
rasterises from the same SVG (render.py), so the pictures agree in every format.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

LEVEL_COLOURS = {
    "aman": "#2e7d32",
    "waspada": "#f9a825",
    "siaga": "#ef6c00",
    "rawan": "#c62828",
    "": "#9e9e9e",
}
LEVEL_LABELS = (
    ("aman", "Aman"),
    ("waspada", "Waspada"),
    ("siaga", "Siaga"),
    ("rawan", "Rawan"),
    ("", "Tidak ada data"),
)
FONT = "font-family='Libertinus Serif, serif'"


@dataclass(frozen=True)
class Area:
    name: str
    level: str
    geometry: dict[str, Any]  # GeoJSON Polygon or MultiPolygon, lon/lat


def _rings(geometry: dict[str, Any]) -> Iterable[Sequence[Sequence[float]]]:
    if geometry.get("type") == "Polygon":
        yield from geometry["coordinates"]
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon


def status_map(areas: Sequence[Area], *, width: int = 480) -> str:
    """The areas coloured by status, with a legend; an empty map says so."""
    points = [p for a in areas for ring in _rings(a.geometry) for p in ring]
    legend_h = 22
    if not points:
        return _svg(
            width,
            60,
            f"<text x='10' y='30' {FONT} font-size='12'>Batas wilayah belum dimuat."
            "</text>",
        )
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    # Equirectangular at the middle latitude: right enough for one province.
    x_scale = math.cos(math.radians((south + north) / 2))
    span_x = max((east - west) * x_scale, 1e-9)
    span_y = max(north - south, 1e-9)
    pad = 6
    scale = (width - 2 * pad) / span_x
    height = int(span_y * scale) + 2 * pad

    def xy(p: Sequence[float]) -> str:
        x = pad + (p[0] - west) * x_scale * scale
        y = pad + (north - p[1]) * scale
        return f"{x:.1f},{y:.1f}"

    def path(ring: Sequence[Sequence[float]]) -> str:
        points = list(dict.fromkeys(xy(p) for p in ring))
        # A ring under a pixel (an islet, a sliver) draws nothing: leave it out.
        return "M" + " L".join(points) + " Z" if len(points) >= 3 else ""

    body = []
    for area in areas:
        d = " ".join(filter(None, (path(ring) for ring in _rings(area.geometry))))
        colour = LEVEL_COLOURS.get(area.level, LEVEL_COLOURS[""])
        body.append(
            f"<path d='{d}' fill='{colour}' fill-opacity='0.85' stroke='#ffffff' "
            f"stroke-width='0.8'><title>{escape(area.name)}</title></path>"
        )
    body.append(_legend(height + 4))
    return _svg(width, height + legend_h, "".join(body))


def _legend(y: int) -> str:
    parts = []
    x = 6
    for level, label in LEVEL_LABELS:
        parts.append(
            f"<rect x='{x}' y='{y}' width='12' height='12' "
            f"fill='{LEVEL_COLOURS[level]}'/>"
            f"<text x='{x + 16}' y='{y + 10}' {FONT} font-size='11'>{label}</text>"
        )
        x += 16 + 7 * len(label) + 14
    return "".join(parts)


def bar_chart(bars: Sequence[tuple[str, int]], *, width: int = 480) -> str:
    """Incidents per bucket: one bar each, the count over a bar that has one, every
    label when they fit and every few otherwise."""
    height, left, bottom, top = 170, 30, 28, 14
    if not bars:
        return _svg(width, 40, f"<text x='10' y='24' {FONT} font-size='12'>-</text>")
    peak = max(count for _, count in bars) or 1
    plot_w = width - left - 6
    plot_h = height - bottom - top
    step = plot_w / len(bars)
    every = max(1, math.ceil(len(bars) / 12))
    parts = [
        f"<line x1='{left}' y1='{top + plot_h}' x2='{width - 6}' y2='{top + plot_h}' "
        "stroke='#444' stroke-width='0.8'/>",
        f"<text x='2' y='{top + 4}' {FONT} font-size='9'>{peak}</text>",
    ]
    for i, (label, count) in enumerate(bars):
        h = plot_h * count / peak
        x = left + i * step
        parts.append(
            f"<rect x='{x + step * 0.1:.1f}' y='{top + plot_h - h:.1f}' "
            f"width='{step * 0.8:.1f}' height='{h:.1f}' fill='#1565c0'/>"
        )
        if count and len(bars) <= 31:
            parts.append(
                f"<text x='{x + step / 2:.1f}' y='{top + plot_h - h - 2:.1f}' {FONT} "
                f"font-size='8' text-anchor='middle'>{count}</text>"
            )
        if i % every == 0:
            parts.append(
                f"<text x='{x + step / 2:.1f}' y='{height - bottom + 14}' {FONT} "
                f"font-size='9' text-anchor='middle'>{escape(label)}</text>"
            )
    return _svg(width, height, "".join(parts))


def _svg(width: int, height: int, body: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='{width}' height='{height}' "
        f"viewBox='0 0 {width} {height}'>{body}</svg>"
    )
