"""The offline analysis of one article: cleaned text, places, people and their roles,
organisations, quotes with speakers, dates, acronyms, class, category, severity.

`analyze(text)` runs the whole pipeline; `Analysis.as_json()` is what
`deskpemilu analyze_article FILE --json` prints. No model downloads, no Django.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from deskpemilu.media import lexicon
from deskpemilu.media.clean import clean
from deskpemilu.media.places import Gazetteer, Mention, banten
from deskpemilu.media.tagger import Tagger, shipped, spans
from deskpemilu.media.text import Token, sentences, tokenize

SEVERITY_ORDER = ("ringan", "sedang", "berat", "kritis")

_CAP = r"[A-Z][\w'’.-]*"
# "Long Form Words (ABBR)": the capitalised words before an acronym in brackets.
_DEFINITION = re.compile(r"((?:[A-Z][\w-]*\s+){1,8})\(([A-Z][A-Za-z]{1,14})\)")
_ABBR_AFTER = re.compile(r"([A-Z][A-Za-z]{1,14})\s+\(((?:[A-Z][\w-]*\s*){2,8})\)")
_QUOTE = re.compile(r"[“\"]([^”\"\n]{2,}?)[”\"]")
_AFTER_QUOTE = re.compile(r"\s*,?\s*([\w']+)(?:\s+((?:" + _CAP + r"\s*){1,6}))?")
_PRONOUN_OPEN = re.compile(r"\b(?:[Mm]enurut(?:nya)?|[Ii]a|[Dd]ia|[Bb]eliau)\b")
_NAME = r"(?:[A-Z]{2,6}\.?\s+)?[A-Z][a-z'’.]+(?:\s+(?:[A-Z][a-z'’.]+|[A-Z]\.)){0,3}"
# "ROLE, Name," (Pj Gubernur Banten, Al Muktabar,) and "Name, ROLE," forms.
_ROLE_NAME = re.compile(
    r"(?P<role>(?:" + _CAP + r"|\([A-Za-z]+\))(?:\s+(?:" + _CAP + r"|\([A-Za-z]+\)|"
    r"dan|dari))*)\s*,\s+(?P<name>" + _NAME + r")\s*,"
)
_NAME_ROLE = re.compile(
    r"(?P<name>"
    + _NAME
    + r")\s*,\s+(?P<role>(?:"
    + _CAP
    + r")(?:\s+(?:"
    + _CAP
    + r"|\([A-Za-z]+\)))*)\s*,"
)
_DMY = re.compile(r"\b(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})\b")
_DAY_DM = re.compile(
    r"\b(?:Senin|Selasa|Rabu|Kamis|Jum'?at|Sabtu|Minggu)\s*,?\s*\((\d{1,2})/(\d{1,2})\)"
)
_MONTHS = "|".join(sorted(lexicon.MONTHS, key=len, reverse=True))
_D_MONTH_Y = re.compile(
    r"\b(\d{1,2})\s+(" + _MONTHS + r")\.?(?:\s+(\d{4}))?\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Person:
    name: str
    role: str


@dataclass(frozen=True)
class Quote:
    speaker: str | None
    text: str
    start: int
    end: int


@dataclass
class Analysis:
    title: str
    text: str
    places: list[Mention] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    person_spans: list[tuple[int, int, str]] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)
    acronyms: dict[str, str] = field(default_factory=dict)
    klass: str = "other"
    category: str | None = None
    severity: str | None = None
    hedged: bool = False
    hoax: bool = False
    clarification: bool = False

    def place_list(self) -> list[dict[str, str | None]]:
        seen: set[str] = set()
        out: list[dict[str, str | None]] = []
        for m in self.places:
            key = m.region.code if m.region else m.text.lower()
            if key in seen:
                continue
            seen.add(key)
            if m.region:
                out.append(
                    {
                        "name": m.region.name,
                        "code": m.region.code,
                        "level": m.region.level,
                    }
                )
            else:
                out.append({"name": m.text, "code": None, "level": None})
        return out

    def as_json(self) -> dict[str, Any]:
        """The keys of `analyze_article --json` (docs/media.md), and no others."""
        return {
            "title": self.title,
            "text": self.text,
            "places": self.place_list(),
            "persons": [{"name": p.name, "role": p.role} for p in self.persons],
            "organizations": self.organizations,
            "quotes": [{"speaker": q.speaker, "text": q.text} for q in self.quotes],
            "dates": self.dates,
            "class": self.klass,
            "category": self.category,
            "severity": self.severity,
        }


def _is_definition(long_form: str, abbr: str) -> bool:
    """Whether `abbr` can be read from `long_form`: its letters in order, the first
    inside the first word ("Kepolisian Daerah" gives "Polda")."""
    low = long_form.lower()
    letters = abbr.lower()
    if letters[0] not in long_form.split()[0].lower():
        return False
    i = 0
    for ch in low:
        if i < len(letters) and ch == letters[i]:
            i += 1
    return i == len(letters)


def acronyms(text: str) -> dict[str, str]:
    """Acronyms defined in the text ("Forum Koordinasi Pimpinan Daerah
    (FORKOPIMDA)"), the fewest words before the brackets that spell it."""
    found: dict[str, str] = {}
    for m in _DEFINITION.finditer(text):
        words = m.group(1).split()
        abbr = m.group(2)
        for n in range(1, len(words) + 1):
            long_form = " ".join(words[-n:])
            if _is_definition(long_form, abbr):
                found[abbr] = long_form
                break
    for m in _ABBR_AFTER.finditer(text):
        abbr, long_form = m.group(1), m.group(2).strip()
        if abbr not in found and _is_definition(long_form, abbr):
            found[abbr] = long_form
    return found


def _short_role(role: str, defined: dict[str, str]) -> str:
    """ "Penjabat (Pj) Gubernur Banten" -> "Pj Gubernur Banten"."""
    for abbr, long_form in defined.items():
        role = role.replace(f"{long_form} ({abbr})", abbr)
    role = re.sub(r"\s*\([^)]*\)", "", role)
    return " ".join(role.split())


def _role_start(role: str) -> str | None:
    """The role from its first title word on; None when there is none."""
    words = role.split()
    for i, word in enumerate(words):
        bare = word.strip("()").lower()
        if bare in lexicon.TITLE_WORDS or (
            bare in lexicon.GLOSSARY_FOLDED
            and lexicon.GLOSSARY_FOLDED[bare][2] == "title"
        ):
            return " ".join(words[i:])
    return None


# Ranks and honorifics before a name: "AKBP Suyono" is Suyono.
_RANKS = frozenset(
    """akbp akp kompol kombes iptu ipda aiptu brigjen irjen komjen jenderal letkol
    kolonel mayor kapten lettu letda serka sertu dr drs ir h hj kh prof""".split()
)


def _strip_rank(name: str) -> str:
    words = name.split()
    while len(words) > 1 and words[0].lower().rstrip(".") in _RANKS:
        words = words[1:]
    return " ".join(words)


# First words of what the tagger may take for a name but is not one.
_NOT_A_NAME = frozenset(
    "jl jalan gedung markas kantor masjid pasar kampung tim pemerintah".split()
)


def _persons(
    text: str, defined: dict[str, str], tagged: list[tuple[int, int, str, str]]
) -> tuple[list[Person], list[tuple[int, int, str]]]:
    people: dict[str, str] = {}
    for pattern in (_ROLE_NAME, _NAME_ROLE):
        for m in pattern.finditer(text):
            role = _role_start(m.group("role"))
            name = _strip_rank(m.group("name").strip())
            if role and _role_start(name) is None and name not in people:
                people[name] = _short_role(role, defined)
    for _start, _end, label, value in tagged:
        if label != "PER" or _role_start(value) is not None:
            continue
        value = _strip_rank(value)
        first = value.split()[0].lower()
        if first in _NOT_A_NAME or first in lexicon.GLOSSARY_FOLDED:
            continue
        if any(value in known or known in value for known in people):
            continue
        if len(value) > 2:
            people.setdefault(value, "")
    # Every mention of each person: the full name, or a part of it of 4+ letters.
    mentions: list[tuple[int, int, str]] = []
    for name in people:
        forms = {name, *(w for w in name.split() if len(w) >= 4)}
        for form in sorted(forms, key=len, reverse=True):
            for m in re.finditer(r"\b" + re.escape(form) + r"\b", text):
                if not any(s <= m.start() < e for s, e, _ in mentions):
                    mentions.append((m.start(), m.end(), name))
    mentions.sort()
    return [Person(n, r) for n, r in people.items()], mentions


def _quotes(text: str, mentions: list[tuple[int, int, str]]) -> list[Quote]:
    out: list[Quote] = []
    spans_ = [(m.start(), m.end()) for m in _QUOTE.finditer(text)]

    def inside(pos: int) -> bool:
        return any(s <= pos < e for s, e in spans_)

    for m in _QUOTE.finditer(text):
        said = m.group(1).strip().rstrip(",").strip()
        speaker: str | None = None
        after = _AFTER_QUOTE.match(text, m.end())
        if after and after.group(1).lower() in lexicon.SPEECH_NAMED and after.group(2):
            named = after.group(2)
            for _s, _e, name in mentions:
                if any(part in named for part in name.split() if len(part) >= 4):
                    speaker = name
                    break
            if speaker is None:
                speaker = " ".join(named.split()[-2:])
        if speaker is None:
            before = [x for x in mentions if x[1] <= m.start() and not inside(x[0])]
            if before and m.start() - before[-1][1] < 1500:
                speaker = before[-1][2]
        out.append(Quote(speaker, said, m.start(), m.end()))
    return out


def _dates(text: str, year: int | None) -> list[str]:
    found: list[tuple[int, dt.date]] = []
    full_years: list[int] = []

    def add(pos: int, y: int, mo: int, d: int) -> None:
        try:
            found.append((pos, dt.date(y, mo, d)))
        except ValueError:
            pass

    for m in _DMY.finditer(text):
        y = int(m.group(3))
        y = y + 2000 if y < 100 else y
        full_years.append(y)
        add(m.start(), y, int(m.group(2)), int(m.group(1)))
    for m in _D_MONTH_Y.finditer(text):
        if m.group(3):
            full_years.append(int(m.group(3)))
    base = year or (full_years[0] if full_years else None)
    for m in _D_MONTH_Y.finditer(text):
        named = int(m.group(3)) if m.group(3) else base
        if named is not None:
            add(m.start(), named, lexicon.MONTHS[m.group(2).lower()], int(m.group(1)))
    if base is not None:
        for m in _DAY_DM.finditer(text):
            add(m.start(), base, int(m.group(2)), int(m.group(1)))
    out: list[str] = []
    for _pos, day in sorted(found):
        iso = day.isoformat()
        if iso not in out:
            out.append(iso)
    return out


_PHRASES: dict[tuple[str, ...], tuple[str, str]] = {
    tuple(phrase.split()): (category, severity)
    for category, cues in lexicon.INCIDENT_CUES.items()
    for phrase, severity in cues.items()
}
_MAX_PHRASE = max(len(p) for p in _PHRASES)
_PHRASE_FIRST = frozenset(p[0] for p in _PHRASES)
_SENTENCE_WORD = re.compile(r"\w+(?:-\w+)*")


_NEGATOR_FIRST = frozenset(neg[0] for neg in lexicon.NEGATORS)


def _negated(words: list[str], at: int) -> bool:
    """A negator ends within the four words before position `at`."""
    window = words[max(0, at - 5) : at]
    if not _NEGATOR_FIRST.intersection(window):
        return False
    for neg in lexicon.NEGATORS:
        n = len(neg)
        for i in range(len(window) - n + 1):
            if tuple(window[i : i + n]) == neg:
                return True
    return False


def _classify(text: str, result: Analysis) -> None:
    incident = 0
    stability = 0
    election = False
    weights: dict[str, int] = {}
    severities: dict[str, list[str]] = {}
    first_hedged = False
    hits = 0
    for s, e in sentences(text):
        words = _SENTENCE_WORD.findall(text[s:e].lower())
        wordset = set(words)
        election = election or bool(wordset & lexicon.ELECTION_WORDS)
        denial = bool(wordset & lexicon.DENIALS)
        if wordset & lexicon.CLARIFICATION:
            result.clarification = True
        hedge = bool(wordset & lexicon.HEDGES)
        i = 0
        while i < len(words):
            matched = None
            word = words[i]
            tries = min(_MAX_PHRASE, len(words) - i) if word in _PHRASE_FIRST else 0
            for n in range(tries, 0, -1):
                cue = _PHRASES.get(tuple(words[i : i + n]))
                if cue:
                    matched = (n, *cue)
                    break
            if matched:
                n, category, severity = matched
                if _negated(words, i):
                    stability += 1
                else:
                    if denial and category != "hoaks_sara":
                        category, severity = "hoaks_sara", "sedang"
                    if category == "hoaks_sara":
                        result.hoax = True
                    incident += 2
                    if hits == 0:
                        first_hedged = hedge
                    hits += 1
                    weights[category] = weights.get(category, 0) + 1
                    severities.setdefault(category, []).append(severity)
                i += n
                continue
            if word in lexicon.INCIDENT_GENERIC:
                if _negated(words, i):
                    stability += 1
                else:
                    incident += 1
            elif word in lexicon.STABILITY_CUES and not _negated(words, i):
                stability += 1
            i += 1
    if not election:
        result.klass = "other"
    elif weights and incident >= stability / 2:
        result.klass = "incident"
    elif stability >= 2:
        result.klass = "stability"
    elif weights:
        result.klass = "incident"
    else:
        result.klass = "other"
    if result.klass != "incident":
        return
    category = max(weights, key=lambda c: (weights[c], c == "hoaks_sara"))
    if result.hoax and result.clarification:
        category = "hoaks_sara"
    rank = max(SEVERITY_ORDER.index(s) for s in severities.get(category, ["ringan"]))
    result.clarification = result.clarification and result.hoax
    result.hedged = first_hedged
    if result.hedged:
        # Reported as alleged ("dugaan", "diduga" where the article first names
        # it): one step lower until it is confirmed.
        rank = max(0, rank - 1)
    result.category = category
    result.severity = SEVERITY_ORDER[rank]


def _title(raw: str, cleaned: str) -> tuple[str, str]:
    """A first line that reads as a headline (short, no final stop, a blank line or
    the text after it) is the title; otherwise the first sentence, shortened."""
    lines = [line.strip() for line in raw.strip().splitlines()]
    if len(lines) > 1 and lines[0] and len(lines[0]) <= 160:
        first = lines[0]
        if first[-1] not in '.!?”"' and len(first.split()) <= 25:
            rest = cleaned.split("\n", 1)
            if rest and rest[0].strip() == first:
                return first, rest[1] if len(rest) > 1 else ""
    spans_ = sentences(cleaned)
    head = cleaned[spans_[0][0] : spans_[0][1]] if spans_ else ""
    if len(head) > 120:
        head = head[:117].rsplit(" ", 1)[0] + "..."
    return head, cleaned


# Words either side of a capitalised word that the tagger sees: its features reach
# two words out, so a window of three tags a name as the whole sentence would, and
# the long lower-case stretches of a news sentence (always O) are not tagged at all.
_WINDOW = 3


# Capitalised words the rules read themselves: acronyms of the glossary, titles,
# place qualifiers. A window opens only at another capitalised word.
_KNOWN_CAPS = frozenset(
    {*lexicon.GLOSSARY_FOLDED, *lexicon.TITLE_WORDS}
    | {"kota", "kabupaten", "provinsi", "kecamatan", "desa", "kelurahan"}
)


def _names_something(sentence: list[Token], i: int) -> bool:
    word = sentence[i].text
    if not word[0].isupper() or word.lower() in _KNOWN_CAPS:
        return False
    if i == 0:
        # The first word of a sentence is capitalised anyway: a name only when
        # the next word is capitalised too.
        return len(sentence) > 1 and sentence[1].text[0].isupper()
    return True


def _windows(tokens: list[Token], text: str) -> list[list[Token]]:
    out: list[list[Token]] = []
    bounds = sentences(text)
    k = 0
    for _s, e in bounds:
        sentence: list[Token] = []
        while k < len(tokens) and tokens[k].start < e:
            sentence.append(tokens[k])
            k += 1
        lo = hi = -1
        for i in range(len(sentence)):
            if not _names_something(sentence, i):
                continue
            start, end = max(0, i - _WINDOW), min(len(sentence), i + _WINDOW + 1)
            if start <= hi:
                hi = end
                continue
            if hi > lo >= 0:
                out.append(sentence[lo:hi])
            lo, hi = start, end
        if hi > lo >= 0:
            out.append(sentence[lo:hi])
    return out


def _tagged(
    tagger: Tagger, tokens: list[Token], text: str
) -> list[tuple[int, int, str, str]]:
    out: list[tuple[int, int, str, str]] = []
    for window in _windows(tokens, text):
        tags = tagger.tag([t.text for t in window])
        for span in spans(tags):
            start, end = window[span.start].start, window[span.end - 1].end
            out.append((start, end, span.label, text[start:end]))
    return out


def _organizations(
    text: str,
    tagged: list[tuple[int, int, str, str]],
    defined: dict[str, str],
    places: list[Mention],
) -> list[str]:
    long_to_abbr = {v: k for k, v in defined.items()}
    for key, (long_form, kind) in lexicon.GLOSSARY.items():
        if kind == "org":
            long_to_abbr.setdefault(long_form, key)
    names: list[tuple[int, str]] = []
    for start, _end, label, value in tagged:
        if label == "ORG":
            names.append((start, value))
    place_after = {m.start: m for m in places}
    for m in re.finditer(r"\b[A-Z][A-Za-z]{1,14}\b", text):
        word = m.group()
        entry = lexicon.GLOSSARY_FOLDED.get(word.lower())
        defined_org = word in defined and word.isupper()
        if (entry and entry[2] == "org" and word[0].isupper()) or defined_org:
            name = word if word in defined else entry[0] if entry else word
            nxt = place_after.get(m.end() + 1) or place_after.get(m.end() + 2)
            if nxt is not None and nxt.region is not None:
                name = f"{name} {nxt.text}"
            names.append((m.start(), name))
    out: list[str] = []
    seen: set[str] = set()
    for _pos, name in sorted(names):
        for long_form, abbr in long_to_abbr.items():
            if name.startswith(long_form):
                name = abbr + name[len(long_form) :]
        name = re.sub(r"\s*\([^)]*\)", "", name).strip()
        if name.lower() in seen or len(name) < 2:
            continue
        seen.add(name.lower())
        out.append(name)
    # "Polda" alone when "Polda Banten" is there too says nothing more.
    return [n for n in out if not any(o != n and f" {n} " in f" {o} " for o in out)]


def analyze(
    raw: str,
    *,
    title: str = "",
    year: int | None = None,
    gazetteer: Gazetteer | None = None,
    tagger: Tagger | None = None,
) -> Analysis:
    cleaned = clean(raw)
    if title:
        text = cleaned
    else:
        title, text = _title(raw, cleaned)
    result = Analysis(title=title, text=text)
    tokens = tokenize(text)
    words = {t.text.lower() for t in tokens}
    defined = acronyms(text)
    result.acronyms = {
        **{
            key: long_form
            for key, (long_form, _kind) in lexicon.GLOSSARY.items()
            if key.split()[0].lower() in words
        },
        **defined,
    }
    tagged = _tagged(tagger or shipped(), tokens, text)
    result.places = (gazetteer or banten()).match(tokens)
    gazetteer_spans = [(m.start, m.end) for m in result.places]
    for start, end, label, value in tagged:
        if value.isupper() or value.lower() in lexicon.GLOSSARY_FOLDED:
            continue
        if label == "LOC" and not any(
            start < e and s < end for s, e in gazetteer_spans
        ):
            result.places.append(Mention(value, start, end, None, 0))
    result.places.sort(key=lambda m: m.start)
    result.persons, result.person_spans = _persons(text, defined, tagged)
    result.organizations = _organizations(text, tagged, defined, result.places)
    result.quotes = _quotes(text, result.person_spans)
    result.dates = _dates(text, year)
    _classify(text, result)
    return result
