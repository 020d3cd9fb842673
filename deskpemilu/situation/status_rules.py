"""Region status: how the incidents of a time window become aman, waspada, siaga or
rawan for every desa, kecamatan, kab/kota and the province. Pure code, no ORM; the
database half (one aggregate query) is `services.status_recompute`, which asks this
module for the numbers it puts into SQL so that both give the same score.

Levels (0..3)
    aman (aman dan kondusif, green), waspada (yellow), siaga (orange), rawan (red).

1. The weight of one incident
    weight = severity weight x status factor x decay
    - severity weight: ringan 1, sedang 4, berat 10, kritis 25;
    - status factor: 1 for an open incident (baru, terverifikasi, ditangani), 0.25 for
      a closed one (selesai); a rejected incident (ditolak: hoax, duplicate, out of
      scope) weighs nothing;
    - decay: the weight halves every half-life (48 h). Age is counted in steps of
      6 h, each step taking the factor at its middle (0-6 h: 0.5^(3/48) = 0.958,
      6-12 h: 0.5^(9/48) = 0.878, ...), so the database sums it in one pass with a
      CASE per step;
    - only incidents that occurred within the window (168 h up to the moment of
      computation) count; later or earlier ones weigh nothing.

2. Scores of a region
    own score: the sum over the incidents placed at the region itself (a desa's own
    incidents include those at its TPS; a kecamatan's own are those placed at the
    kecamatan as a whole). Subtree score: own score + the children's subtree scores.

3. A score gives a level: waspada from 3, siaga from 8, rawan from 20.
    So one fresh open sedang incident makes a desa waspada, one berat siaga, one
    kritis rawan; it takes four fresh ringan to make it waspada.

4. The computed level of a region is the highest of four rules
    a. direct: the level of its own score (a clash placed at the kecamatan office
       counts in full for the kecamatan);
    b. volume: the level of subtree score / divisor for its level (desa 1,
       kecamatan 3, kab/kota 10, province 30): many small incidents over many desa
       add up, while a larger region needs proportionally more;
    c. worst child: one step below its worst child; a kab/kota is never greener
       than its worst kecamatan warrants (a rawan kecamatan makes it at least siaga);
    d. spread: level L when at least max(2, ceil(25 % of its children)) children
       (all of them, when it has fewer) are at L or worse.
    Children count with their effective level (an override included). Ties are
    named in that order (direct, spread, worst child, volume).
    One fresh kritis incident in one desa: the desa rawan, its kecamatan siaga, the
    kab/kota waspada, the province aman: one incident does not paint a province.

5. Override: a coordinator may set a region's level, with a reason and an expiry.
    The effective level is then the override; the computed level is still kept and
    shown. Parents roll up from the effective level (rules c and d), while the
    region's incidents still count in their scores (rule b): an override changes a
    judgement, not the record of what happened.

Every number above is a setting (DESKPEMILU_STATUS_*, docs/situation.md).
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from deskpemilu.regions.codes import ancestors, depth_of

LEVELS = ("aman", "waspada", "siaga", "rawan")
AMAN, WASPADA, SIAGA, RAWAN = range(4)
LEVEL_LABELS = {
    "aman": "Aman dan kondusif",
    "waspada": "Waspada",
    "siaga": "Siaga",
    "rawan": "Rawan",
}
LEVEL_COLOURS = {
    "aman": "green",
    "waspada": "yellow",
    "siaga": "orange",
    "rawan": "red",
}
SEVERITIES = ("ringan", "sedang", "berat", "kritis")
OPEN_STATUSES = ("baru", "terverifikasi", "ditangani")
CLOSED_STATUSES = ("selesai",)
IGNORED_STATUSES = ("ditolak",)
REGION_LEVELS = ("provinsi", "kabkota", "kecamatan", "desa")

# Why a region got its computed level (RegionStatus.rule), in tie order.
DIRECT, SPREAD, WORST_CHILD, VOLUME, QUIET = (
    "direct",
    "spread",
    "worst_child",
    "volume",
    "quiet",
)


@dataclass(frozen=True, eq=False)
class StatusRules:
    """The numbers of the status rules; defaults are those documented above."""

    window_hours: int = 168
    half_life_hours: float = 48.0
    step_hours: int = 6
    severity_weights: Mapping[str, float] = field(
        default_factory=lambda: dict(ringan=1, sedang=4, berat=10, kritis=25)
    )
    open_factor: float = 1.0
    closed_factor: float = 0.25
    # Lowest score of waspada, siaga and rawan.
    thresholds: tuple[float, float, float] = (3.0, 8.0, 20.0)
    volume_divisors: Mapping[str, float] = field(
        default_factory=lambda: dict(desa=1, kecamatan=3, kabkota=10, provinsi=30)
    )
    spread_share: float = 0.25
    spread_min: int = 2

    def __post_init__(self) -> None:
        problems = []
        if self.step_hours < 1 or self.window_hours < self.step_hours:
            problems.append("window_hours >= step_hours >= 1")
        if self.half_life_hours <= 0:
            problems.append("half_life_hours > 0")
        if set(self.severity_weights) != set(SEVERITIES):
            problems.append("a weight for each of " + ", ".join(SEVERITIES))
        low, mid, high = self.thresholds
        if not 0 < low < mid < high:
            problems.append("0 < waspada < siaga < rawan thresholds")
        if (
            set(self.volume_divisors) != set(REGION_LEVELS)
            or min(self.volume_divisors.values()) <= 0
        ):
            problems.append("a divisor > 0 for each region level")
        if not 0 < self.spread_share <= 1 or self.spread_min < 1:
            problems.append("0 < spread_share <= 1 and spread_min >= 1")
        if problems:
            raise ValueError("status rules need " + "; ".join(problems))

    @classmethod
    def from_settings(cls, source: object) -> StatusRules:
        """The rules from Django settings (or any object with the same attributes);
        a missing attribute keeps the default."""
        base = cls()

        def get(name: str, default: object) -> Any:
            return getattr(source, f"DESKPEMILU_STATUS_{name}", default)

        thresholds = get(
            "THRESHOLDS", dict(zip(LEVELS[1:], base.thresholds, strict=True))
        )
        return cls(
            window_hours=int(get("WINDOW_HOURS", base.window_hours)),
            half_life_hours=float(get("HALF_LIFE_HOURS", base.half_life_hours)),
            step_hours=int(get("STEP_HOURS", base.step_hours)),
            severity_weights=dict(get("SEVERITY_WEIGHTS", base.severity_weights)),
            open_factor=float(get("OPEN_FACTOR", base.open_factor)),
            closed_factor=float(get("CLOSED_FACTOR", base.closed_factor)),
            thresholds=(
                float(thresholds["waspada"]),
                float(thresholds["siaga"]),
                float(thresholds["rawan"]),
            ),
            volume_divisors=dict(get("VOLUME_DIVISORS", base.volume_divisors)),
            spread_share=float(get("SPREAD_SHARE", base.spread_share)),
            spread_min=int(get("SPREAD_MIN", base.spread_min)),
        )


DEFAULT_RULES = StatusRules()


# 1. The weight of one incident --------------------------------------------------------


def decay_steps(rules: StatusRules) -> list[tuple[float, float]]:
    """(oldest age in hours, factor) of every age step, youngest first.

    Step i holds ages in (i * step, (i + 1) * step], the first also age 0; its factor
    is the decay at the middle of the step. The database uses the same list.
    """
    count = math.ceil(rules.window_hours / rules.step_hours)
    return [
        (
            min((i + 1) * rules.step_hours, rules.window_hours),
            0.5 ** ((i + 0.5) * rules.step_hours / rules.half_life_hours),
        )
        for i in range(count)
    ]


def age_step(age_hours: float, rules: StatusRules) -> int | None:
    """The age step (index into decay_steps) of an incident `age_hours` old; None
    outside the window."""
    if age_hours < 0 or age_hours > rules.window_hours:
        return None
    return max(math.ceil(age_hours / rules.step_hours) - 1, 0)


def decay(age_hours: float, rules: StatusRules) -> float:
    """The decay factor of an incident `age_hours` old; 0 outside the window."""
    step = age_step(age_hours, rules)
    return 0.0 if step is None else decay_steps(rules)[step][1]


def status_factor(status: str, rules: StatusRules) -> float:
    if status in OPEN_STATUSES:
        return rules.open_factor
    if status in CLOSED_STATUSES:
        return rules.closed_factor
    return 0.0


def incident_weight(
    severity: str, status: str, age_hours: float, rules: StatusRules = DEFAULT_RULES
) -> float:
    """What one incident adds to the score of the region it is placed in."""
    return step_weight(severity, status, age_step(age_hours, rules), rules)


def step_weight(
    severity: str, status: str, step: int | None, rules: StatusRules = DEFAULT_RULES
) -> float:
    """`incident_weight` of an incident in age step `step` (None: outside the
    window), for counts grouped by step."""
    return (
        rules.severity_weights.get(severity, 0.0)
        * status_factor(status, rules)
        * (0.0 if step is None else decay_steps(rules)[step][1])
    )


# 3. Score -> level --------------------------------------------------------------------


def level_for(score: float, rules: StatusRules = DEFAULT_RULES) -> int:
    """0 aman .. 3 rawan for a score."""
    return sum(1 for threshold in rules.thresholds if score >= threshold)


def level_name(level: int) -> str:
    return LEVELS[level]


def level_index(name: str) -> int:
    return LEVELS.index(name)


# 4. Roll-up ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """A region as the roll-up sees it: dotted code, level and the parent's code."""

    code: str
    level: str
    parent: str | None


@dataclass(frozen=True)
class Outcome:
    """A region's status after the roll-up."""

    code: str
    computed: int  # the level the rules give
    level: int  # the effective level: the override when there is one
    rule: str  # which rule gave `computed` (DIRECT, SPREAD, ...)
    score: float  # subtree score
    own_score: float
    children: int = 0
    worst_child: int = 0
    children_at_worst: int = 0
    overridden: bool = False

    @property
    def level_name(self) -> str:
        return LEVELS[self.level]

    @property
    def computed_name(self) -> str:
        return LEVELS[self.computed]


def spread_level(child_levels: list[int], rules: StatusRules = DEFAULT_RULES) -> int:
    """The highest level L at which enough children are at L or worse (rule d)."""
    n = len(child_levels)
    if not n:
        return AMAN
    need = min(n, max(rules.spread_min, math.ceil(rules.spread_share * n - 1e-9)))
    for level in (RAWAN, SIAGA, WASPADA):
        if sum(1 for child in child_levels if child >= level) >= need:
            return level
    return AMAN


def computed_level(
    region_level: str,
    own_score: float,
    subtree_score: float,
    child_levels: list[int],
    rules: StatusRules = DEFAULT_RULES,
) -> tuple[int, str]:
    """(level, rule) of one region from its scores and its children's levels."""
    divisor = rules.volume_divisors.get(region_level, 1.0)
    candidates = [
        (level_for(own_score, rules), DIRECT),
        (spread_level(child_levels, rules), SPREAD),
        (max(max(child_levels, default=AMAN) - 1, AMAN), WORST_CHILD),
        (level_for(subtree_score / divisor, rules), VOLUME),
    ]
    best = max(level for level, _ in candidates)
    if best == AMAN:
        return AMAN, QUIET
    return best, next(rule for level, rule in candidates if level == best)


def rollup(
    places: Iterable[Place],
    own_scores: Mapping[str, float],
    overrides: Mapping[str, int] | None = None,
    rules: StatusRules = DEFAULT_RULES,
) -> dict[str, Outcome]:
    """The status of every place, children before parents.

    `own_scores` maps a dotted code to its own score (absent = 0); `overrides` maps a
    dotted code to the level a coordinator set for it.
    """
    overrides = overrides or {}
    places = list(places)
    children: dict[str, list[str]] = defaultdict(list)
    for place in places:
        if place.parent is not None:
            children[place.parent].append(place.code)
    result: dict[str, Outcome] = {}
    for place in sorted(places, key=lambda p: -depth_of(p.code)):
        kids = [result[c] for c in children.get(place.code, ()) if c in result]
        own = float(own_scores.get(place.code, 0.0))
        subtree = own + sum(kid.score for kid in kids)
        levels = [kid.level for kid in kids]
        level, rule = computed_level(place.level, own, subtree, levels, rules)
        worst = max(levels, default=AMAN)
        override = overrides.get(place.code)
        result[place.code] = Outcome(
            code=place.code,
            computed=level,
            level=level if override is None else override,
            rule=rule,
            score=subtree,
            own_score=own,
            children=len(kids),
            worst_child=worst,
            children_at_worst=sum(1 for child in levels if child == worst),
            overridden=override is not None,
        )
    return result


@dataclass(frozen=True)
class Evidence:
    """What a region's words name: its own incidents of the window (counted per
    severity, open and closed) and the heaviest of them, and the names of the
    children at the worst level."""

    open_by_severity: Mapping[str, int] = field(default_factory=dict)
    closed_by_severity: Mapping[str, int] = field(default_factory=dict)
    heaviest: str = ""  # "bentrok" (or the whole "bentrok di TPS 007 Cibadak")
    heaviest_place: str = ""  # "TPS 007 Cibadak"
    worst_children: tuple[str, ...] = ()


@dataclass(frozen=True)
class Words:
    """How the why is said: gettext and ngettext of a language (English msgids; the
    Indonesian wording lives in the catalogue) and its decimal separator. The pure
    module cannot read the catalogue, so the Django side passes it in
    (situation/wording.py); without it the words are English."""

    gettext: Callable[[str], str] = field(default=lambda message: message)
    ngettext: Callable[[str, str, int], str] = field(
        default=lambda singular, plural, n: singular if n == 1 else plural
    )
    decimal: str = "."
    thousands: str = ","

    def score(self, value: float) -> str:
        return f"{value:.1f}".replace(".", self.decimal)

    def number(self, value: int) -> str:
        """8842646 -> '8.842.646' (id) or '8,842,646' (en)."""
        return f"{value:,}".replace(",", self.thousands)

    def percent(self, value: float) -> str:
        """3.614 -> '3,6 %' (id) or '3.6 %' (en): one decimal."""
        return f"{self.score(value)} %"


ENGLISH = Words()
# The incident severities and the levels as the sentences name them (lowercase).
SEVERITY_WORDS = {
    "ringan": "minor",
    "sedang": "moderate",
    "berat": "serious",
    "kritis": "critical",
}
LEVEL_WORDS = {
    "aman": "safe and orderly",
    "waspada": "watch",
    "siaga": "alert",
    "rawan": "vulnerable",
}


def why(
    outcome: Outcome,
    rules: StatusRules = DEFAULT_RULES,
    evidence: Evidence | None = None,
) -> dict[str, Any]:
    """Why a region has its computed level, as data (JSON, stored next to the
    words): the level, the rule and the numbers and names `say` puts into words."""
    evidence = evidence or Evidence()
    result: dict[str, Any] = {
        "level": LEVELS[outcome.computed],
        "rule": outcome.rule,
        "window_hours": rules.window_hours,
    }
    if outcome.rule == DIRECT:
        result |= {
            "open": dict(evidence.open_by_severity),
            "closed": dict(evidence.closed_by_severity),
            "heaviest": evidence.heaviest,
            "heaviest_place": evidence.heaviest_place,
            "own_score": outcome.own_score,
        }
    elif outcome.rule in (SPREAD, WORST_CHILD):
        result |= {
            "worst": LEVELS[outcome.worst_child],
            "children": outcome.children,
            "at_worst": outcome.children_at_worst,
            "worst_children": list(evidence.worst_children),
        }
    elif outcome.rule == VOLUME:
        result["score"] = outcome.score
    return result


def _listed(items: list[str], words: Words) -> str:
    if len(items) == 1:
        return items[0]
    return words.gettext("%(first)s and %(last)s") % {
        "first": ", ".join(items[:-1]),
        "last": items[-1],
    }


def _count_words(by_severity: Mapping[str, int], open_: bool, words: Words) -> str:
    """ "1 kejadian kritis dan 2 sedang terbuka", the heaviest severity first."""
    parts = [(by_severity[s], s) for s in reversed(SEVERITIES) if by_severity.get(s)]
    if not parts:
        return ""
    named = [(n, words.gettext(SEVERITY_WORDS[s])) for n, s in parts]
    items = [f"{n} {severity}" for n, severity in named]
    items[0] = words.ngettext(
        "%(n)s %(severity)s incident", "%(n)s %(severity)s incidents", named[0][0]
    ) % {"n": named[0][0], "severity": named[0][1]}
    state = "%(incidents)s open" if open_ else "%(incidents)s closed"
    return words.gettext(state) % {"incidents": _listed(items, words)}


def _names(names: list[str], words: Words, most: int = 3) -> str:
    if len(names) <= most:
        return _listed(names, words)
    rest = len(names) - most
    other = words.ngettext("%(n)s other", "%(n)s others", rest) % {"n": rest}
    return _listed([*names[:most], other], words)


def say(why: Mapping[str, Any], words: Words = ENGLISH) -> str:
    """The why (of `why`) in words for the desk: the rule that decided and, when
    known, the incidents or the regions below that made it; the score last.

    "Rawan: 1 kejadian kritis terbuka – bentrok di TPS 007 Cibadak (skor 24,0)."
    """
    _ = words.gettext
    rule = why["rule"]
    hours = int(why.get("window_hours", DEFAULT_RULES.window_hours))
    days = hours / 24
    if days >= 1:
        window = words.ngettext(
            "the last %(days)s day", "the last %(days)s days", math.ceil(days)
        ) % {"days": f"{days:g}".replace(".", words.decimal)}
    else:
        window = words.ngettext("%(n)s hour", "%(n)s hours", hours) % {"n": hours}
    worst = _(LEVEL_WORDS.get(why.get("worst", ""), "safe and orderly"))
    if rule == DIRECT:
        counts = [
            _count_words(why.get("open") or {}, True, words),
            _count_words(why.get("closed") or {}, False, words),
        ]
        said = [c for c in counts if c]
        text = _listed(said, words) if said else _("incidents in this region")
        if why.get("heaviest"):
            heaviest = why["heaviest"]
            if why.get("heaviest_place"):
                heaviest = _("%(title)s at %(place)s") % {
                    "title": heaviest,
                    "place": why["heaviest_place"],
                }
            text += f" \u2013 {heaviest}"
        text = _("%(why)s (score %(score)s)") % {
            "why": text,
            "score": words.score(why.get("own_score", 0.0)),
        }
    elif rule == SPREAD:
        text = _("%(k)s of %(n)s regions below it are %(level)s or worse") % {
            "k": why.get("at_worst", 0),
            "n": why.get("children", 0),
            "level": worst,
        }
        if why.get("worst_children"):
            text += f" ({_names(why['worst_children'], words)})"
    elif rule == WORST_CHILD:
        if why.get("worst_children"):
            text = _("one level below %(regions)s, which is %(level)s") % {
                "regions": _names(why["worst_children"], words),
                "level": worst,
            }
        else:
            text = _("one level below the worst region below it (%(level)s)") % {
                "level": worst
            }
    elif rule == VOLUME:
        text = _(
            "many incidents spread over the regions below it in %(window)s "
            "(total score %(score)s)"
        ) % {"window": window, "score": words.score(why.get("score", 0.0))}
    else:
        text = _("no incident serious enough in %(window)s") % {"window": window}
    return f"{_(LEVEL_LABELS[why['level']])}: {text}."


def explain(
    outcome: Outcome,
    rules: StatusRules = DEFAULT_RULES,
    evidence: Evidence | None = None,
    words: Words = ENGLISH,
) -> str:
    """`say(why(...))`: the why of a region's computed level in `words`."""
    return say(why(outcome, rules, evidence), words)


@dataclass
class Totals:
    """Incident counts of a region (own or subtree) next to the score."""

    incidents: int = 0
    open: int = 0
    significant: int = 0

    def add(self, other: Totals) -> None:
        self.incidents += other.incidents
        self.open += other.open
        self.significant += other.significant


def subtree_totals(
    places: Iterable[Place], own: Mapping[str, Totals]
) -> dict[str, Totals]:
    """Counts summed up the tree: each place gets its own plus all below it."""
    places = list(places)
    result = {place.code: Totals() for place in places}
    for code, totals in own.items():
        for holder in [*ancestors(code), code]:
            target = result.get(holder)
            if target is not None:
                target.add(totals)
    return result
