"""The statement for the record ("Provinsi Banten, 14 Februari 2024: aman dan
kondusif; tidak ada kejadian signifikan"), computed from the rules below, each part
with its evidence. Pure code: the counts and the evidence rows come from
`selectors.region_statement` (docs/situation.md, "The statement for the record").

1. Significant incident (kejadian signifikan): not rejected, and of a significant
   severity (berat, kritis; DESKPEMILU_STATEMENT_SIGNIFICANT) or of a category that
   is always significant (none by default; DESKPEMILU_STATEMENT_SIGNIFICANT_CATEGORIES,
   e.g. "kekerasan": the dashboard's tiles count by severity alone).
2. Handled or open: an incident is handled once an agency has it in hand or it is
   closed (ditangani, selesai; DESKPEMILU_STATEMENT_HANDLED_STATUSES); an open one is
   new (baru: not yet verified) or verified and waiting (terverifikasi). Rejected
   reports (ditolak) count for nothing. The status is the one when the statement is
   computed.
3. "tidak ada kejadian signifikan" holds when no significant incident is open; the
   handled ones are named as handled, not as a reason it fails.
4. "aman" holds when no significant incident of a security category (kekerasan,
   intimidasi; DESKPEMILU_STATEMENT_AMAN_CATEGORIES) is open.
5. "damai" holds when no incident of an unrest or conflict category (kekerasan,
   intimidasi, unjuk rasa, hoaks/SARA; DESKPEMILU_STATEMENT_DAMAI_CATEGORIES) is open,
   whatever its severity.
6. "kondusif" holds when the region and every region one level below it have a
   status on record at the end of the period and none is siaga or rawan (a
   coordinator's override counts, with its reason listed).
7. Coverage: when the period meets voting day's check-in window, the TPS of the
   region that sent a check-in within the period are counted; below the minimum
   share (50 %; DESKPEMILU_STATEMENT_MIN_COVERAGE) the desk says it cannot state the
   situation yet, with the figures, and says nothing else.

The sentence says the words that hold, in the order aman, damai, kondusif, and then
the significant incidents; a word that does not hold is not said, and its part says
why. `safe` is the seed's sentence: coverage enough, "aman", "kondusif" and no open
significant incident.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
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
SIGNIFICANT_SEVERITIES = ("berat", "kritis")
SIGNIFICANT_CATEGORIES: tuple[str, ...] = ()
HANDLED_STATUSES = ("ditangani", "selesai")
REJECTED_STATUSES = ("ditolak",)
# What the public sees: incidents the desk has checked, nothing newer.
VERIFIED_STATUSES = ("terverifikasi", "ditangani", "selesai")
AMAN_CATEGORIES = ("kekerasan", "intimidasi")
DAMAI_CATEGORIES = ("kekerasan", "intimidasi", "unjuk_rasa", "hoaks_sara")
UNSETTLED_LEVELS = ("siaga", "rawan")
MIN_COVERAGE = 50.0  # percent of the TPS
WORDS = ("aman", "damai", "kondusif")
# The parts, in the order they are shown.
COVERAGE, SIGNIFICANT, AMAN, DAMAI, KONDUSIF = (
    "cakupan",
    "signifikan",
    "aman",
    "damai",
    "kondusif",
)

CATEGORY_WORDS = {
    "kekerasan": "kekerasan/bentrok",
    "intimidasi": "intimidasi",
    "politik_uang": "politik uang",
    "netralitas": "netralitas",
    "logistik": "logistik",
    "hak_pilih": "hak pilih",
    "hoaks_sara": "hoaks/SARA",
    "unjuk_rasa": "unjuk rasa",
    "kampanye": "pelanggaran kampanye",
    "bencana": "bencana",
    "listrik_internet": "listrik/internet",
    "lainnya": "lainnya",
}
STATUS_WORDS = {
    "baru": "belum diverifikasi",
    "terverifikasi": "terverifikasi, belum ditangani",
    "ditangani": "sedang ditangani",
    "selesai": "selesai ditangani",
    "ditolak": "ditolak",
}
_KIND_WORDS = {
    "provinsi": "Provinsi",
    "kabupaten": "Kabupaten",
    "kota": "Kota",
    "kecamatan": "Kecamatan",
    "desa": "Desa",
    "kelurahan": "Kelurahan",
}
_PREFIXES = ("KAB. ", "KABUPATEN ", "KOTA ", "PROVINSI ")


# Words and numbers ------------------------------------------------------------------


def number(value: int) -> str:
    """1234567 -> '1.234.567' (Indonesian thousands separator)."""
    return f"{value:,}".replace(",", ".")


def percent(value: float) -> str:
    """3.614 -> '3,6 %' (one decimal, decimal comma)."""
    return f"{value:.1f}".replace(".", ",") + " %"


def date_text(day: dt.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _until_text(iso: str) -> str:
    """'2024-02-15T18:00:00+07:00' -> '15 Februari 2024 18.00 WIB' (times are WIB)."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{date_text(moment.date())} {moment:%H.%M} WIB"


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


def join_words(words: Sequence[str], last: str = "dan") -> str:
    """['aman', 'damai', 'kondusif'] -> 'aman, damai dan kondusif'."""
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def _categories(names: Iterable[str]) -> str:
    return join_words([CATEGORY_WORDS.get(n, n) for n in names], "atau")


# The rules -----------------------------------------------------------------------


@dataclass(frozen=True)
class StatementRules:
    """The numbers and names of the rules; defaults are those documented above."""

    significant_severities: tuple[str, ...] = SIGNIFICANT_SEVERITIES
    significant_categories: tuple[str, ...] = SIGNIFICANT_CATEGORIES
    handled_statuses: tuple[str, ...] = HANDLED_STATUSES
    aman_categories: tuple[str, ...] = AMAN_CATEGORIES
    damai_categories: tuple[str, ...] = DAMAI_CATEGORIES
    min_coverage: float = MIN_COVERAGE

    def __post_init__(self) -> None:
        if not 0 <= self.min_coverage <= 100:
            raise ValueError("the minimum coverage is a percentage, 0 to 100")

    @classmethod
    def from_settings(cls, source: object) -> StatementRules:
        """The rules from Django settings (or any object with the same attributes);
        a missing attribute keeps the default."""
        base = cls()

        def get(name: str, default: Any) -> Any:
            return getattr(source, f"DESKPEMILU_STATEMENT_{name}", default)

        return cls(
            significant_severities=tuple(
                get("SIGNIFICANT", base.significant_severities)
            ),
            significant_categories=tuple(
                get("SIGNIFICANT_CATEGORIES", base.significant_categories)
            ),
            handled_statuses=tuple(get("HANDLED_STATUSES", base.handled_statuses)),
            aman_categories=tuple(get("AMAN_CATEGORIES", base.aman_categories)),
            damai_categories=tuple(get("DAMAI_CATEGORIES", base.damai_categories)),
            min_coverage=float(get("MIN_COVERAGE", base.min_coverage)),
        )

    def is_significant(self, category: str, severity: str, status: str) -> bool:
        return status not in REJECTED_STATUSES and (
            severity in self.significant_severities
            or category in self.significant_categories
        )

    def is_open(self, status: str) -> bool:
        """Neither handled nor rejected."""
        return status not in self.handled_statuses and status not in REJECTED_STATUSES


DEFAULT_RULES = StatementRules()


# What the selector gives ------------------------------------------------------------


@dataclass(frozen=True)
class IncidentFact:
    """One incident as evidence (the selector gives its link)."""

    id: int
    ref: str
    title: str
    category: str
    severity: str
    status: str
    region: str
    occurred_at: str  # ISO 8601, WIB
    url: str = ""


@dataclass(frozen=True)
class RegionFact:
    """The status of one region at the end of the period (level "" when none is on
    record), with the coordinator's override in force then, if any."""

    code: str
    name: str
    level: str
    url: str = ""
    override_level: str = ""
    override_reason: str = ""
    override_until: str = ""  # ISO 8601, WIB


@dataclass(frozen=True)
class CoverageFacts:
    """How many TPS (and regions one level below) sent a check-in in the period.
    `required` is false when the period does not meet voting day's window."""

    required: bool
    tps_total: int = 0
    tps_reported: int = 0
    regions_total: int = 0
    regions_reported: int = 0

    @property
    def share(self) -> float:
        """Percent of the TPS that reported (0 without TPS)."""
        return 100.0 * self.tps_reported / self.tps_total if self.tps_total else 0.0

    def enough(self, rules: StatementRules = DEFAULT_RULES) -> bool:
        if not self.required:
            return True
        return self.tps_total > 0 and self.share >= rules.min_coverage

    def figures(self, *, regions: bool = True) -> str:
        text = (
            f"{number(self.tps_reported)} dari {number(self.tps_total)} TPS "
            f"({percent(self.share)}) melapor"
        )
        if regions and self.regions_total:
            text += (
                f"; {number(self.regions_reported)} dari "
                f"{number(self.regions_total)} wilayah di bawahnya"
            )
        return text


@dataclass(frozen=True)
class Evidence:
    """One thing a part rests on: an incident, a region, an override or a figure."""

    kind: str  # "incident", "region", "override", "figure"
    label: str
    detail: str = ""
    url: str = ""


@dataclass(frozen=True)
class Part:
    """One claim of the statement, whether it holds, the rule behind it and why."""

    key: str
    claim: str
    holds: bool
    rule: str
    why: str
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class Verdict:
    text: str
    safe: bool
    can_state: bool
    parts: tuple[Part, ...]
    coverage: CoverageFacts
    counts: Mapping[str, int] = field(default_factory=dict)

    def part(self, key: str) -> Part:
        return next(p for p in self.parts if p.key == key)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON values, to be frozen into a report."""
        coverage = asdict(self.coverage) | {"share": round(self.coverage.share, 2)}
        return {
            "text": self.text,
            "safe": self.safe,
            "can_state": self.can_state,
            "parts": [
                asdict(p) | {"evidence": [asdict(e) for e in p.evidence]}
                for p in self.parts
            ],
            "coverage": coverage,
            "counts": dict(self.counts),
        }


# Judging ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """The incidents of the period as the parts count them."""

    total: int = 0  # not rejected
    rejected: int = 0
    significant_open: int = 0
    significant_handled: int = 0
    aman_open: int = 0  # open significant incidents of a security category
    damai_open: int = 0  # open incidents of an unrest category, any severity


def count(
    groups: Iterable[tuple[str, str, str, int]], rules: StatementRules = DEFAULT_RULES
) -> Counts:
    """Counts from (category, severity, status, number) groups."""
    total = rejected = sig_open = sig_handled = aman = damai = 0
    for category, severity, status, n in groups:
        if status in REJECTED_STATUSES:
            rejected += n
            continue
        total += n
        is_open = rules.is_open(status)
        if rules.is_significant(category, severity, status):
            if is_open:
                sig_open += n
                aman += n if category in rules.aman_categories else 0
            else:
                sig_handled += n
        if is_open and category in rules.damai_categories:
            damai += n
    return Counts(total, rejected, sig_open, sig_handled, aman, damai)


def _incident_evidence(incident: IncidentFact, rules: StatementRules) -> Evidence:
    state = "belum tertangani" if rules.is_open(incident.status) else "tertangani"
    detail = " · ".join(
        (
            incident.severity,
            CATEGORY_WORDS.get(incident.category, incident.category),
            f"{STATUS_WORDS.get(incident.status, incident.status)} ({state})",
            incident.region,
            incident.occurred_at[:16].replace("T", " "),
        )
    )
    return Evidence(
        "incident", f"{incident.ref} {incident.title}", detail, incident.url
    )


def _more(shown: int, counted: int) -> str:
    return f" (daftar memuat {number(shown)} pertama)" if counted > shown else ""


def coverage_part(coverage: CoverageFacts, rules: StatementRules) -> Part:
    rule = (
        "Bila periode mencakup hari pemungutan suara, sekurang-kurangnya "
        f"{percent(rules.min_coverage)} TPS di wilayah ini harus sudah melapor "
        "(check-in) dalam periode; bila kurang, situasi belum dapat dinyatakan."
    )
    if not coverage.required:
        why = "Periode tidak mencakup hari pemungutan suara: cakupan TPS tidak diukur."
        return Part(COVERAGE, "cakupan laporan TPS cukup", True, rule, why)
    holds = coverage.enough(rules)
    verb = "cukup" if holds else "belum cukup"
    why = f"Cakupan {verb}: {coverage.figures()}."
    evidence = (Evidence("figure", "TPS melapor", coverage.figures()),)
    return Part(COVERAGE, "cakupan laporan TPS cukup", holds, rule, why, evidence)


def significant_part(
    counts: Counts, incidents: Sequence[IncidentFact], rules: StatementRules
) -> Part:
    rule = (
        "Kejadian signifikan: kejadian yang tidak ditolak dengan tingkat "
        f"{join_words(rules.significant_severities, 'atau')}"
        + (
            f", atau berkategori {_categories(rules.significant_categories)}"
            if rules.significant_categories
            else ""
        )
        + ". Pernyataan berlaku bila tidak ada kejadian signifikan yang belum "
        "tertangani; yang sudah ditangani atau selesai "
        f"({join_words(rules.handled_statuses)}) disebut sebagai tertangani."
    )
    listed = [
        i for i in incidents if rules.is_significant(i.category, i.severity, i.status)
    ]
    listed.sort(key=lambda i: (not rules.is_open(i.status), i.occurred_at, i.id))
    open_, handled = counts.significant_open, counts.significant_handled
    why = (
        f"{number(open_)} kejadian signifikan belum tertangani, "
        f"{number(handled)} tertangani{_more(len(listed), open_ + handled)}."
    )
    evidence = tuple(_incident_evidence(i, rules) for i in listed)
    return Part(
        SIGNIFICANT, "tidak ada kejadian signifikan", open_ == 0, rule, why, evidence
    )


def aman_part(
    counts: Counts, incidents: Sequence[IncidentFact], rules: StatementRules
) -> Part:
    rule = (
        "Aman: tidak ada kejadian signifikan berkategori "
        f"{_categories(rules.aman_categories)} yang belum tertangani."
    )
    listed = [
        i
        for i in incidents
        if i.category in rules.aman_categories
        and rules.is_open(i.status)
        and rules.is_significant(i.category, i.severity, i.status)
    ]
    if counts.aman_open:
        why = (
            f"Tidak dinyatakan: {number(counts.aman_open)} kejadian signifikan "
            f"{_categories(rules.aman_categories)} belum tertangani"
            f"{_more(len(listed), counts.aman_open)}."
        )
    else:
        why = "Tidak ada kejadian seperti itu yang belum tertangani."
    evidence = tuple(_incident_evidence(i, rules) for i in listed)
    return Part(AMAN, "aman", counts.aman_open == 0, rule, why, evidence)


def damai_part(
    counts: Counts, incidents: Sequence[IncidentFact], rules: StatementRules
) -> Part:
    rule = (
        "Damai: tidak ada kejadian berkategori "
        f"{_categories(rules.damai_categories)} yang belum tertangani, "
        "berapa pun tingkatnya."
    )
    listed = [
        i
        for i in incidents
        if i.category in rules.damai_categories and rules.is_open(i.status)
    ]
    if counts.damai_open:
        why = (
            f"Tidak dinyatakan: {number(counts.damai_open)} kejadian "
            f"{_categories(rules.damai_categories)} belum tertangani"
            f"{_more(len(listed), counts.damai_open)}."
        )
    else:
        why = "Tidak ada kejadian seperti itu yang belum tertangani."
    evidence = tuple(_incident_evidence(i, rules) for i in listed)
    return Part(DAMAI, "damai", counts.damai_open == 0, rule, why, evidence)


def kondusif_part(regions: Sequence[RegionFact]) -> Part:
    rule = (
        "Kondusif: pada akhir periode wilayah ini dan setiap wilayah satu tingkat "
        "di bawahnya sudah memiliki status dan tidak ada yang "
        f"{join_words(UNSETTLED_LEVELS, 'atau')}; penetapan status oleh koordinator "
        "ikut dihitung dan alasannya dicantumkan."
    )
    unsettled = [r for r in regions if r.level in UNSETTLED_LEVELS]
    unknown = [r for r in regions if not r.level]
    evidence: list[Evidence] = [
        Evidence("region", r.name, f"status {r.level or 'belum dihitung'}", r.url)
        for r in [*unsettled, *unknown]
    ]
    evidence += [
        Evidence(
            "override",
            r.name,
            f"ditetapkan {r.override_level} oleh koordinator sampai "
            f"{_until_text(r.override_until)}: {r.override_reason}",
            r.url,
        )
        for r in regions
        if r.override_level
    ]
    reasons = []
    if unsettled:
        names = join_words([f"{r.name} ({r.level})" for r in unsettled])
        reasons.append(f"{names} berstatus siaga atau rawan")
    if unknown:
        reasons.append(
            f"status {join_words([r.name for r in unknown])} belum pernah dihitung"
        )
    if reasons:
        why = f"Tidak dinyatakan: {'; '.join(reasons)}."
    else:
        why = (
            f"{number(len(regions))} wilayah, tidak ada yang berstatus siaga atau "
            "rawan pada akhir periode."
        )
    holds = bool(regions) and not reasons
    return Part(KONDUSIF, "kondusif", holds, rule, why, tuple(evidence))


def _significant_clause(counts: Counts) -> str:
    open_, handled = counts.significant_open, counts.significant_handled
    if open_:
        text = f"{number(open_)} kejadian signifikan belum tertangani"
        return text + (
            f", {number(handled)} lainnya telah ditangani" if handled else ""
        )
    if handled:
        return (
            "tidak ada kejadian signifikan yang belum tertangani "
            f"({number(handled)} telah ditangani)"
        )
    return "tidak ada kejadian signifikan"


def judge(
    *,
    region: str,
    period: str,
    groups: Iterable[tuple[str, str, str, int]],
    incidents: Sequence[IncidentFact],
    regions: Sequence[RegionFact],
    coverage: CoverageFacts,
    rules: StatementRules = DEFAULT_RULES,
) -> Verdict:
    """The statement for a region (its label) and a period (its words), from the
    incidents counted in groups, the incidents as evidence (possibly only the first
    ones), the status of the region and those one level below it at the end of the
    period, and the coverage."""
    counts = count(groups, rules)
    parts = (
        coverage_part(coverage, rules),
        significant_part(counts, incidents, rules),
        aman_part(counts, incidents, rules),
        damai_part(counts, incidents, rules),
        kondusif_part(regions),
    )
    by_key = {p.key: p for p in parts}
    can_state = by_key[COVERAGE].holds
    if not can_state:
        text = (
            f"{region}, {period}: belum dapat dinyatakan: baru "
            f"{coverage.figures(regions=False)}."
        )
    else:
        held = [w for w in WORDS if by_key[w].holds]
        words = (
            join_words(held)
            if held
            else f"tidak dapat dinyatakan {join_words(WORDS, 'atau')}"
        )
        text = f"{region}, {period}: {words}; {_significant_clause(counts)}."
    safe = can_state and all(by_key[k].holds for k in (SIGNIFICANT, AMAN, KONDUSIF))
    return Verdict(
        text=text,
        safe=safe,
        can_state=can_state,
        parts=parts,
        coverage=coverage,
        counts=asdict(counts),
    )
