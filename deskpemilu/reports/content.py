"""The content of a situation report (Laporan Situasi), gathered once and rendered
three ways (HTML, PDF, DOCX). Pure code: plain dataclasses that turn into JSON and
back, so that the content is frozen into the report when it is drafted and every
format of an issued report says the same thing.

Also the words of an Indonesian official letter: dates ("Rabu, 14 Februari 2024"),
the Roman month of a number, the number itself (`LAPSIT/012/II/2024`).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

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
DAYS = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
LEVEL_WORDS = {"aman": "Aman", "waspada": "Waspada", "siaga": "Siaga", "rawan": "Rawan"}
# The number of a report: `{seq}` the sequence in the year (format spec allowed,
# e.g. `{seq:03d}`), `{month}` the Roman month, `{year}` the year of issue.
DEFAULT_NUMBER_FORMAT = "LAPSIT/{seq:03d}/{month}/{year}"


def date_long(day: dt.date) -> str:
    """'Rabu, 14 Februari 2024'."""
    return f"{DAYS[day.weekday()]}, {day.day} {MONTHS[day.month - 1]} {day.year}"


def date_short(day: dt.date) -> str:
    """'14 Februari 2024'."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def moment_text(moment: dt.datetime) -> str:
    """'Rabu, 14 Februari 2024 pukul 06.00 WIB' (the moment already in WIB)."""
    return f"{date_long(moment.date())} pukul {moment:%H.%M} WIB"


def roman_month(month: int) -> str:
    return ROMAN[month - 1]


def report_number(pattern: str, seq: int, day: dt.date) -> str:
    """The report's number in the desk's scheme; a pattern that names an unknown
    field is refused with ValueError (checked when the letterhead is saved)."""
    try:
        return pattern.format(seq=seq, month=roman_month(day.month), year=day.year)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"number pattern {pattern!r}: {exc}") from exc


def number(value: int) -> str:
    """1234567 -> '1.234.567'."""
    return f"{value:,}".replace(",", ".")


def percent(part: int, whole: int) -> str:
    """'12,5%' (Indonesian decimal comma); '-' of nothing."""
    if not whole:
        return "-"
    return f"{100 * part / whole:.1f}%".replace(".", ",")


# The content model --------------------------------------------------------------------


@dataclass
class Letterhead:
    province: str  # "PEMERINTAH PROVINSI BANTEN"
    office: str  # "BADAN KESATUAN BANGSA DAN POLITIK"
    unit: str  # "DESK PEMILU 2024"
    address: str
    place: str  # where the letter is signed: "Serang"
    addressees: list[str]
    classification: str
    signer_name: str
    signer_position: str
    signer_nip: str
    logo_png: str = ""  # base64 of the PNG logo, "" for none


@dataclass
class StatementPart:
    text: str
    safe: bool
    total: int
    significant_count: int
    basis: list[str]  # the lines that say what the statement rests on


@dataclass
class StageInfo:
    name: str  # "" when no stage is under way
    dates: str
    happened: list[str]  # what happened in the period, a line each


@dataclass
class RegionRow:
    code: str
    name: str
    level: str  # the status at the end of the period ("" if none on record)
    previous: str  # the status in the previous report ("" if none)
    incidents: int
    significant: int

    @property
    def changed(self) -> bool:
        return bool(self.previous) and self.previous != self.level


@dataclass
class IncidentRow:
    ref: str
    title: str
    category: str
    severity: str
    place: str
    when: str
    status: str
    agencies: str
    follow_up: str


@dataclass
class FollowUpRow:
    ref: str  # the incident's reference, or the meeting's date for an action item
    what: str
    who: str
    due: str
    overdue: bool


@dataclass
class CoverageRowInfo:
    stage: str
    checked_in: int
    total: int


@dataclass
class ResultsRow:
    source: str
    with_sheet: int
    total: int


@dataclass
class ChartBar:
    label: str
    count: int


@dataclass
class Content:
    """One report's content, in the order of its sections."""

    title: str  # "LAPORAN SITUASI HARIAN"
    kind: str
    region_code: str
    region_name: str  # "Provinsi Banten"
    period_start: str  # ISO, WIB
    period_end: str
    period_text: str  # "Rabu, 14 Februari 2024 pukul 06.00 WIB s.d. ..."
    generated_at: str  # ISO
    letterhead: Letterhead
    statement: StatementPart
    stage: StageInfo
    regions: list[RegionRow]
    previous_number: str  # the report the changes are counted from ("" if none)
    incidents: list[IncidentRow]
    incidents_more: int  # significant incidents beyond the table's limit
    follow_ups_open: int
    follow_ups_overdue: list[FollowUpRow]
    action_items: list[FollowUpRow]
    coverage: list[CoverageRowInfo]
    coverage_note: str
    results: list[ResultsRow]
    results_note: str
    chart: list[ChartBar]
    chart_unit: str  # "jam" or "hari"
    map_svg: str
    chart_svg: str
    media: list[str] = field(default_factory=list)
    # Filled in by the desk, not gathered.
    number: str = ""
    date_text: str = ""
    recommendations: str = ""
    notes: str = ""
    correction: str = ""  # what a revision changed

    def to_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Content:
        data = dict(data)
        data["letterhead"] = Letterhead(**data["letterhead"])
        data["statement"] = StatementPart(**data["statement"])
        data["stage"] = StageInfo(**data["stage"])
        data["regions"] = [RegionRow(**r) for r in data["regions"]]
        data["incidents"] = [IncidentRow(**r) for r in data["incidents"]]
        data["follow_ups_overdue"] = [
            FollowUpRow(**r) for r in data["follow_ups_overdue"]
        ]
        data["action_items"] = [FollowUpRow(**r) for r in data["action_items"]]
        data["coverage"] = [CoverageRowInfo(**r) for r in data["coverage"]]
        data["results"] = [ResultsRow(**r) for r in data["results"]]
        data["chart"] = [ChartBar(**r) for r in data["chart"]]
        return cls(**data)

    def level_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(LEVEL_WORDS, 0)
        for row in self.regions:
            if row.level in counts:
                counts[row.level] += 1
        return counts


# The sections, in order, with their titles: every renderer walks this list, and the
# tests look for every title in the PDF's and the DOCX's text.
SECTIONS = (
    ("statement", "I. Pernyataan Situasi"),
    ("stage", "II. Tahapan Pemilu dan Perkembangan"),
    ("regions", "III. Status Wilayah Kabupaten/Kota"),
    ("incidents", "IV. Kejadian Signifikan"),
    ("followups", "V. Tindak Lanjut dan Rencana Aksi"),
    ("coverage", "VI. Cakupan TPS dan Perkembangan Hasil"),
    ("media", "VII. Sorotan Media"),
    ("recommendations", "VIII. Rekomendasi"),
)
MEDIA_EMPTY = (
    "Tidak ada berita tentang wilayah ini dalam periode laporan pada pemantauan media "
    "Desk Pemilu."
)
