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

from deskpemilu.situation.status_rules import ENGLISH, Words

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

_PREFIXES = ("KAB. ", "KABUPATEN ", "KOTA ", "PROVINSI ")


# Words and numbers ------------------------------------------------------------------
# Every sentence is said with the `Words` of a language (status_rules.Words: English
# msgids, the Indonesian wording in the catalogue): the selector passes the reader's
# (situation/wording.py), the Laporan Situasi Indonesian's.

MONTH_WORDS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_KIND_LABELS = {
    "provinsi": "Province %(name)s",
    "kabupaten": "Regency %(name)s",
    "kota": "City of %(name)s",
    "kecamatan": "District %(name)s",
    "desa": "Village %(name)s",
    "kelurahan": "Urban village %(name)s",
}
CATEGORY_LABELS = {
    "kekerasan": "violence/clash",
    "intimidasi": "intimidation",
    "politik_uang": "vote buying",
    "netralitas": "neutrality",
    "logistik": "logistics",
    "hak_pilih": "voting rights",
    "hoaks_sara": "hoax/SARA",
    "unjuk_rasa": "demonstration",
    "kampanye": "campaign violation",
    "bencana": "disaster",
    "listrik_internet": "power/internet",
    "lainnya": "other",
}
STATUS_LABELS = {
    "baru": "not yet verified",
    "terverifikasi": "verified, not yet handled",
    "ditangani": "being handled by an agency",
    "selesai": "handled and closed",
    "ditolak": "rejected",
}
SEVERITY_LABELS = {
    "ringan": "minor",
    "sedang": "moderate",
    "berat": "serious",
    "kritis": "critical",
}
LEVEL_LABELS = {
    "aman": "safe and orderly",
    "waspada": "watch",
    "siaga": "alert",
    "rawan": "vulnerable",
}
# The category and status keys (settings check against them), named in words.
CATEGORY_WORDS, STATUS_WORDS = CATEGORY_LABELS, STATUS_LABELS
HANDLED_LABELS = {"ditangani": "being handled", "selesai": "closed"}
CLAIM_LABELS = {"aman": "safe", "damai": "peaceful", "kondusif": "orderly"}


def number(value: int, words: Words = ENGLISH) -> str:
    """1234567 -> '1.234.567' (Indonesian) or '1,234,567' (English)."""
    return words.number(value)


def percent(value: float, words: Words = ENGLISH) -> str:
    """3.614 -> '3,6 %' (Indonesian) or '3.6 %' (English): one decimal."""
    return words.percent(value)


def _month(month: int, words: Words) -> str:
    return words.gettext(MONTH_WORDS[month - 1])


def date_text(day: dt.date, words: Words = ENGLISH) -> str:
    return f"{day.day} {_month(day.month, words)} {day.year}"


def _until_text(iso: str, words: Words) -> str:
    """'2024-02-15T18:00:00+07:00' -> '15 Februari 2024 18.00 WIB' (times are WIB)."""
    try:
        moment = dt.datetime.fromisoformat(iso)
    except ValueError:
        return iso
    clock = f"{moment:%H.%M}" if words.decimal == "," else f"{moment:%H:%M}"
    return f"{date_text(moment.date(), words)} {clock} WIB"


def period_text(first: dt.date, last: dt.date, words: Words = ENGLISH) -> str:
    """The days of a period, both included: '14 Februari 2024', '11-20 Maret 2024',
    '28 Februari - 2 Maret 2024', '30 Desember 2023 - 2 Januari 2024'."""
    if last < first:
        raise ValueError("the period ends before it starts")
    if first == last:
        return date_text(first, words)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}\u2013{date_text(last, words)}"
    if first.year == last.year:
        return (
            f"{first.day} {_month(first.month, words)} \u2013 {date_text(last, words)}"
        )
    return f"{date_text(first, words)} \u2013 {date_text(last, words)}"


def region_label(kind: str, name: str, words: Words = ENGLISH) -> str:
    """'KAB. PANDEGLANG' (kabupaten) -> 'Kabupaten Pandeglang'; 'Sumur' (kecamatan)
    -> 'Kecamatan Sumur'; names in capitals are put in title case."""
    clean = name.strip()
    for prefix in _PREFIXES:
        if clean.upper().startswith(prefix):
            clean = clean[len(prefix) :]
            break
    if clean.isupper():
        clean = clean.title()
    if kind not in _KIND_LABELS:
        return clean
    return words.gettext(_KIND_LABELS[kind]) % {"name": clean}


def join_words(items: Sequence[str], words: Words = ENGLISH, *, last: str = "") -> str:
    """['aman', 'damai', 'kondusif'] -> 'aman, damai dan kondusif' (or 'atau' with
    `last="or"`)."""
    if len(items) <= 1:
        return "".join(items)
    pattern = "%(first)s or %(last)s" if last == "or" else "%(first)s and %(last)s"
    return words.gettext(pattern) % {"first": ", ".join(items[:-1]), "last": items[-1]}


def _categories(names: Iterable[str], words: Words) -> str:
    return join_words(
        [
            words.gettext(CATEGORY_LABELS[n]) if n in CATEGORY_LABELS else n
            for n in names
        ],
        words,
        last="or",
    )


def _label(labels: Mapping[str, str], key: str, words: Words) -> str:
    return words.gettext(labels[key]) if key in labels else key


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

    def figures(self, words: Words = ENGLISH, *, regions: bool = True) -> str:
        text = words.gettext("%(k)s of %(n)s TPS (%(share)s) reported") % {
            "k": words.number(self.tps_reported),
            "n": words.number(self.tps_total),
            "share": words.percent(self.share),
        }
        if regions and self.regions_total:
            text += words.gettext("; %(k)s of %(n)s regions below it") % {
                "k": words.number(self.regions_reported),
                "n": words.number(self.regions_total),
            }
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


def _incident_evidence(
    incident: IncidentFact, rules: StatementRules, words: Words
) -> Evidence:
    _ = words.gettext
    state = _("not yet handled") if rules.is_open(incident.status) else _("handled")
    moment = incident.occurred_at[:16].replace("T", " ")
    if words.decimal == ",":
        moment = moment.replace(":", ".")
    detail = " · ".join(
        (
            _label(SEVERITY_LABELS, incident.severity, words),
            _label(CATEGORY_LABELS, incident.category, words),
            f"{_label(STATUS_LABELS, incident.status, words)} ({state})",
            incident.region,
            moment,
        )
    )
    return Evidence(
        "incident", f"{incident.ref} {incident.title}", detail, incident.url
    )


def _more(shown: int, counted: int, words: Words) -> str:
    if counted <= shown:
        return ""
    return words.gettext(" (the list shows the first %(n)s)") % {
        "n": words.number(shown)
    }


def coverage_part(
    coverage: CoverageFacts, rules: StatementRules, words: Words = ENGLISH
) -> Part:
    _ = words.gettext
    rule = _(
        "When the period includes voting day, at least %(share)s of the TPS in "
        "this region must have reported (check-in) within the period; when fewer "
        "have, the situation cannot be stated yet."
    ) % {"share": words.percent(rules.min_coverage)}
    claim = _("TPS report coverage is enough")
    if not coverage.required:
        why = _("The period does not include voting day: TPS coverage is not measured.")
        return Part(COVERAGE, claim, True, rule, why)
    holds = coverage.enough(rules)
    said = (
        _("Coverage enough: %(figures)s.")
        if holds
        else _("Coverage not yet enough: %(figures)s.")
    )
    why = said % {"figures": coverage.figures(words)}
    evidence = (Evidence("figure", _("TPS reporting"), coverage.figures(words)),)
    return Part(COVERAGE, claim, holds, rule, why, evidence)


def _severities(rules: StatementRules, words: Words) -> str:
    return join_words(
        [_label(SEVERITY_LABELS, s, words) for s in rules.significant_severities],
        words,
        last="or",
    )


def significant_part(
    counts: Counts,
    incidents: Sequence[IncidentFact],
    rules: StatementRules,
    words: Words = ENGLISH,
) -> Part:
    _ = words.gettext
    rule = _(
        "Significant incident: an incident not rejected of severity %(severities)s"
    ) % {"severities": _severities(rules, words)}
    if rules.significant_categories:
        rule += _(", or of category %(categories)s") % {
            "categories": _categories(rules.significant_categories, words)
        }
    rule += _(
        ". The statement holds when no significant incident is left unhandled; "
        "those being handled or closed (%(handled)s) are named as handled."
    ) % {
        "handled": join_words(
            [_label(HANDLED_LABELS, s, words) for s in rules.handled_statuses], words
        )
    }
    listed = [
        i for i in incidents if rules.is_significant(i.category, i.severity, i.status)
    ]
    listed.sort(key=lambda i: (not rules.is_open(i.status), i.occurred_at, i.id))
    open_, handled = counts.significant_open, counts.significant_handled
    why = _(
        "%(open)s significant incidents not yet handled, %(handled)s handled%(more)s."
    ) % {
        "open": words.number(open_),
        "handled": words.number(handled),
        "more": _more(len(listed), open_ + handled, words),
    }
    evidence = tuple(_incident_evidence(i, rules, words) for i in listed)
    claim = _("no significant incident")
    return Part(SIGNIFICANT, claim, open_ == 0, rule, why, evidence)


def aman_part(
    counts: Counts,
    incidents: Sequence[IncidentFact],
    rules: StatementRules,
    words: Words = ENGLISH,
) -> Part:
    _ = words.gettext
    categories = _categories(rules.aman_categories, words)
    rule = _(
        "Safe: no significant incident of category %(categories)s left unhandled."
    ) % {"categories": categories}
    listed = [
        i
        for i in incidents
        if i.category in rules.aman_categories
        and rules.is_open(i.status)
        and rules.is_significant(i.category, i.severity, i.status)
    ]
    if counts.aman_open:
        why = _(
            "Not stated: %(n)s significant %(categories)s incidents not yet "
            "handled%(more)s."
        ) % {
            "n": words.number(counts.aman_open),
            "categories": categories,
            "more": _more(len(listed), counts.aman_open, words),
        }
    else:
        why = _("No such incident is left unhandled.")
    evidence = tuple(_incident_evidence(i, rules, words) for i in listed)
    return Part(AMAN, _("safe"), counts.aman_open == 0, rule, why, evidence)


def damai_part(
    counts: Counts,
    incidents: Sequence[IncidentFact],
    rules: StatementRules,
    words: Words = ENGLISH,
) -> Part:
    _ = words.gettext
    categories = _categories(rules.damai_categories, words)
    rule = _(
        "Peaceful: no incident of category %(categories)s left unhandled, whatever "
        "its severity."
    ) % {"categories": categories}
    listed = [
        i
        for i in incidents
        if i.category in rules.damai_categories and rules.is_open(i.status)
    ]
    if counts.damai_open:
        why = _(
            "Not stated: %(n)s %(categories)s incidents not yet handled%(more)s."
        ) % {
            "n": words.number(counts.damai_open),
            "categories": categories,
            "more": _more(len(listed), counts.damai_open, words),
        }
    else:
        why = _("No such incident is left unhandled.")
    evidence = tuple(_incident_evidence(i, rules, words) for i in listed)
    return Part(DAMAI, _("peaceful"), counts.damai_open == 0, rule, why, evidence)


def kondusif_part(regions: Sequence[RegionFact], words: Words = ENGLISH) -> Part:
    _ = words.gettext
    unsettled_words = join_words(
        [_label(LEVEL_LABELS, level, words) for level in UNSETTLED_LEVELS],
        words,
        last="or",
    )
    rule = _(
        "Orderly: at the end of the period this region and every region one level "
        "below it have a status and none is %(levels)s; a coordinator's setting of "
        "the status counts, with its reason listed."
    ) % {"levels": unsettled_words}
    unsettled = [r for r in regions if r.level in UNSETTLED_LEVELS]
    unknown = [r for r in regions if not r.level]
    evidence: list[Evidence] = [
        Evidence(
            "region",
            r.name,
            _("status %(level)s") % {"level": _label(LEVEL_LABELS, r.level, words)}
            if r.level
            else _("status not yet computed"),
            r.url,
        )
        for r in [*unsettled, *unknown]
    ]
    evidence += [
        Evidence(
            "override",
            r.name,
            _("set to %(level)s by a coordinator until %(until)s: %(reason)s")
            % {
                "level": _label(LEVEL_LABELS, r.override_level, words),
                "until": _until_text(r.override_until, words),
                "reason": r.override_reason,
            },
            r.url,
        )
        for r in regions
        if r.override_level
    ]
    reasons = []
    if unsettled:
        names = join_words(
            [f"{r.name} ({_label(LEVEL_LABELS, r.level, words)})" for r in unsettled],
            words,
        )
        reasons.append(_("%(regions)s are alert or vulnerable") % {"regions": names})
    if unknown:
        reasons.append(
            _("the status of %(regions)s has never been computed")
            % {"regions": join_words([r.name for r in unknown], words)}
        )
    if reasons:
        why = _("Not stated: %(reasons)s.") % {"reasons": "; ".join(reasons)}
    else:
        why = _("%(n)s regions, none alert or vulnerable at the end of the period.") % {
            "n": words.number(len(regions))
        }
    holds = bool(regions) and not reasons
    return Part(KONDUSIF, _("orderly"), holds, rule, why, tuple(evidence))


def _significant_clause(counts: Counts, words: Words) -> str:
    _ = words.gettext
    open_, handled = counts.significant_open, counts.significant_handled
    if open_:
        text = words.ngettext(
            "%(n)s significant incident not yet handled",
            "%(n)s significant incidents not yet handled",
            open_,
        ) % {"n": words.number(open_)}
        if handled:
            text += _(", %(n)s others already handled") % {"n": words.number(handled)}
        return text
    if handled:
        return _("no significant incident left unhandled (%(n)s already handled)") % {
            "n": words.number(handled)
        }
    return _("no significant incident")


def judge(
    *,
    region: str,
    period: str,
    groups: Iterable[tuple[str, str, str, int]],
    incidents: Sequence[IncidentFact],
    regions: Sequence[RegionFact],
    coverage: CoverageFacts,
    rules: StatementRules = DEFAULT_RULES,
    words: Words = ENGLISH,
) -> Verdict:
    """The statement for a region (its label) and a period (its words), from the
    incidents counted in groups, the incidents as evidence (possibly only the first
    ones), the status of the region and those one level below it at the end of the
    period, and the coverage; said in `words`."""
    _ = words.gettext
    counts = count(groups, rules)
    parts = (
        coverage_part(coverage, rules, words),
        significant_part(counts, incidents, rules, words),
        aman_part(counts, incidents, rules, words),
        damai_part(counts, incidents, rules, words),
        kondusif_part(regions, words),
    )
    by_key = {p.key: p for p in parts}
    can_state = by_key[COVERAGE].holds
    if not can_state:
        text = _("%(region)s, %(period)s: cannot be stated yet: only %(figures)s.") % {
            "region": region,
            "period": period,
            "figures": coverage.figures(words, regions=False),
        }
    else:
        held = [_(CLAIM_LABELS[w]) for w in WORDS if by_key[w].holds]
        said = (
            join_words(held, words)
            if held
            else _("cannot be stated %(claims)s")
            % {
                "claims": join_words(
                    [_(CLAIM_LABELS[w]) for w in WORDS], words, last="or"
                )
            }
        )
        text = _("%(region)s, %(period)s: %(claims)s; %(incidents)s.") % {
            "region": region,
            "period": period,
            "claims": said,
            "incidents": _significant_clause(counts, words),
        }
    safe = can_state and all(by_key[k].holds for k in (SIGNIFICANT, AMAN, KONDUSIF))
    return Verdict(
        text=text,
        safe=safe,
        can_state=can_state,
        parts=parts,
        coverage=coverage,
        counts=asdict(counts),
    )
