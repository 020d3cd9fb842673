"""The fingerprint heatmap as an SVG drawn on the server (no ORM, no dependency).

Only bins holding at least one TPS become a rectangle, so a national histogram of
50 x 50 bins is at most 2,500 small elements; the colour scale is logarithmic
(a single TPS must stay visible next to a bin of thousands).
"""

from __future__ import annotations

import math
from html import escape

import numpy as np

# ColorBrewer "Blues", light to dark.
PALETTE = ("#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
CELL = 6
LEFT, TOP, BOTTOM, RIGHT = 52, 12, 44, 96


def _colour(count: int, top: int) -> str:
    if top <= 1:
        return PALETTE[-1]
    level = math.log(count) / math.log(top)
    return PALETTE[min(int(level * len(PALETTE)), len(PALETTE) - 1)]


def fingerprint_svg(
    histogram: np.ndarray,
    *,
    x_label: str = "Partisipasi",
    y_label: str = "Perolehan pemenang",
    title: str = "",
    tps_word: str = "TPS",
) -> str:
    """An <svg> of histogram[i, j] (turnout bin i on x, share bin j on y, both over
    0-100 %), axes every 20 % and a legend of the counts."""
    bins = histogram.shape[0] if histogram.ndim == 2 else 0
    size = bins * CELL
    width, height = LEFT + size + RIGHT, TOP + size + BOTTOM
    top = int(histogram.max()) if histogram.size else 0
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="fingerprint" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'role="img" aria-label="{escape(title or x_label + " / " + y_label)}">',
        f'<rect x="{LEFT}" y="{TOP}" width="{size}" height="{size}" '
        'fill="#fff" stroke="#98a2b3"/>',
    ]
    for i, j in zip(*np.nonzero(histogram), strict=True):
        count = int(histogram[i, j])
        x, y = LEFT + i * CELL, TOP + size - (j + 1) * CELL
        out.append(
            f'<rect x="{x}" y="{y}" width="{CELL}" height="{CELL}" '
            f'fill="{_colour(count, top)}"><title>{count} {escape(tps_word)}: '
            f"{i * 100 // bins}-{(i + 1) * 100 // bins}% / "
            f"{j * 100 // bins}-{(j + 1) * 100 // bins}%</title></rect>"
        )
    out += _axes(size)
    out += _labels(size, x_label, y_label)
    out += _legend(size, top, tps_word)
    out.append("</svg>")
    return "".join(out)


def _axes(size: int) -> list[str]:
    parts = []
    for pct in range(0, 101, 20):
        offset = size * pct // 100
        x, y = LEFT + offset, TOP + size - offset
        parts.append(
            f'<line x1="{x}" y1="{TOP + size}" x2="{x}" y2="{TOP + size + 4}" '
            'stroke="#667085"/>'
            f'<text x="{x}" y="{TOP + size + 16}" text-anchor="middle">{pct}%</text>'
            f'<line x1="{LEFT - 4}" y1="{y}" x2="{LEFT}" y2="{y}" stroke="#667085"/>'
            f'<text x="{LEFT - 7}" y="{y + 4}" text-anchor="end">{pct}%</text>'
        )
    return parts


def _labels(size: int, x_label: str, y_label: str) -> list[str]:
    mid_x, mid_y = LEFT + size / 2, TOP + size / 2
    return [
        f'<text x="{mid_x}" y="{TOP + size + 36}" text-anchor="middle" '
        f'class="axis">{escape(x_label)}</text>',
        f'<text x="14" y="{mid_y}" text-anchor="middle" class="axis" '
        f'transform="rotate(-90 14 {mid_y})">{escape(y_label)}</text>',
    ]


def _legend(size: int, top: int, tps_word: str) -> list[str]:
    if top <= 0:
        return []
    x = LEFT + size + 14
    step = 18
    levels = sorted({max(1, round(top ** (k / (len(PALETTE) - 1)))) for k in range(7)})
    parts = [f'<text x="{x}" y="{TOP + 10}">{escape(tps_word)}</text>']
    for n, count in enumerate(reversed(levels)):
        y = TOP + 18 + n * step
        parts.append(
            f'<rect x="{x}" y="{y}" width="12" height="12" '
            f'fill="{_colour(count, top)}"/>'
            f'<text x="{x + 18}" y="{y + 10}">{count}</text>'
        )
    return parts
