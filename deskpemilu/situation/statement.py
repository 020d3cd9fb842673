"""The statement for the record: "aman dan kondusif, N kejadian, tidak ada kejadian
signifikan" or the opposite, for a region and a period. Pure code: the counts come from
`selectors.region_statement`.

A significant incident (kejadian signifikan) is one of severity berat or kritis that
was not rejected (setting DESKPEMILU_STATEMENT_SIGNIFICANT). A period with no
significant incident is "aman dan kondusif", whatever the number of minor ones.
"""

from __future__ import annotations

import datetime as dt

MONTHS = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
SIGNIFICANT_SEVERITIES = ("berat", "kritis")
_KIND_WORDS = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten",
    "kota": "Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa",
    "kelurahan": "Kelurahan",
}
_PREFIXES = ("KAB. ", "KABUPATEN ", "KOTA ", "PROVINSI ")


def number(value: int) -> str:
    """1234567 -> '1.234.567' (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def date_text(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def period_text(first: dt.date, last: dt.date) -> str:
    """The days of a period, both included: '14 Februari 2024', '11-20 Maret 2024',
    '28 Februari - 2 Maret 2024', '30 Desember 2023 - 2 Januari 2024'."""
    if last < first:
        raise ValueError("the period ends before it starts")
    if first == last:
        return date_text(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}\u2013{date_text(last)}"
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]} \u2013 {date_text(last)}"
    return f"{date_text(first)} \u2013 {date_text(last)}"


def region_label(kind: str, name: str) -> str:
    """'KAB. PANDEGLANG' (kabupaten) -> 'Kabupaten Pandeglang'; 'Sumur' (kecamatan)
    -> 'Kecamatan Sumur'; names in capitals are put in title case."""
    clean = name.strip()
    for prefix in _PREFIXES:
        if clean.upper().startswith(prefix):
            clean = clean[len(prefix) :]
            break
    if clean.isupper():
        clean = clean.title()
    word = _KIND_WORDS.get(kind, "")
    return f"{word} {clean}".strip()


def statement_text(region: str, period: str, total: int, significant: int) -> str:
    """The sentence itself."""
    counted = f"{number(total)} kejadian"
    if significant == 0:
        return (
            f"{region}, {period}: aman dan kondusif, {counted}, "
            "tidak ada kejadian signifikan."
        )
    return (
        f"{region}, {period}: tidak dapat dinyatakan aman dan kondusif, {counted}, "
        f"{number(significant)} di antaranya kejadian signifikan."
    )
