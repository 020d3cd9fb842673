"""The field code parser: documented examples, and properties over generated messages.

No database: the parser only reads the format.
"""

from __future__ import annotations

import dataclasses
import re
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from deskpemilu.intake import fieldcode
from deskpemilu.intake.fieldcode import (
    CATEGORIES,
    CATEGORY_ALIASES,
    CATEGORY_CODES,
    ERROR_CODES,
    HELP_TEXT,
    KEYWORDS,
    SEVERITIES,
    SEVERITY_ALIASES,
    STAGES,
    Checkin,
    HelpRequest,
    IncidentReport,
    ParseError,
    ResultReport,
    canonical_text,
    parse,
)

DOC = Path(__file__).resolve().parents[3] / "docs" / "fieldcode.md"
TPS = "3601012001001"
RESULT_TYPES = (Checkin, IncidentReport, ResultReport, HelpRequest, ParseError)

# (message, what it reads as: canonical_text() of the result, or "galat: <code>").
# The same list, in the same order, is the example table of docs/fieldcode.md.
EXAMPLES = [
    ("BUKA 3601012001001", "BUKA 3601012001001"),
    ("BUKA 3601012001001 0705", "BUKA 3601012001001 0705"),
    ("buka 3601.01.2001.001 7.05", "BUKA 3601012001001 0705"),
    ("OPEN#3601012001001#07:05 WIB", "BUKA 3601012001001 0705"),
    ("TUTUP 3601012001-001 jam 13.00", "TUTUP 3601012001001 1300"),
    ("SELESAI PEMUNGUTAN 3601012001001 1301", "TUTUP 3601012001001 1301"),
    ("HITUNG 36OlOl2OOlOOl l53O", "HITUNG 3601012001001 1530"),
    ("KIRIM3601012001001", "KIRIM 3601012001001"),
    ("sent 3601012001001 2210", "KIRIM 3601012001001 2210"),
    (
        "LAPOR 3601012001001 PU B ada bagi amplop dekat TPS",
        "LAPOR 3601012001001 PU B ada bagi amplop dekat TPS",
    ),
    (
        "lapor#3601012001001#pu#b#ada bagi amplop dekat TPS",
        "LAPOR 3601012001001 PU B ada bagi amplop dekat TPS",
    ),
    (
        "LAPOR 36.01.01 KEK K bentrok dua kelompok massa di depan kantor kecamatan",
        "LAPOR 36.01.01 KEK K bentrok dua kelompok massa di depan kantor kecamatan",
    ),
    (
        "REPORT 3601012001 politik uang 3 serangan fajar di RT 02",
        "LAPOR 36.01.01.2001 PU B serangan fajar di RT 02",
    ),
    (
        "Laporan 3673 surat suara sedang surat suara DPRD tertukar",
        "LAPOR 36.73 LOG S surat suara DPRD tertukar",
    ),
    (
        "LAPOR 36.73.04.1003 hoax 1 beredar pesan berantai soal TPS pindah",
        "LAPOR 36.73.04.1003 HOAX R beredar pesan berantai soal TPS pindah",
    ),
    (
        "KEJADIAN 3601012001001 B DEMO warga protes DPT",
        "LAPOR 3601012001001 DEMO B warga protes DPT",
    ),
    (
        "LAPOR 3601012001001 banjir kritis TPS terendam, pemungutan ditunda",
        "LAPOR 3601012001001 BEN K TPS terendam, pemungutan ditunda",
    ),
    (
        "LAPOR 36 net s Kades ikut kampanye di medsos",
        "LAPOR 36 NET S Kades ikut kampanye di medsos",
    ),
    (
        "LAPOR TPS 3602052003004 listrik/internet 2 listrik padam sejak pagi",
        "LAPOR 3602052003004 LIS S listrik padam sejak pagi",
    ),
    ("HASIL 3601012001001 120 95 40 255 5", "HASIL 3601012001001 120 95 40 255 5"),
    ("HASIL 3601012001001 120 95 40 255 5 260", "HASIL 3601012001001 120 95 40 255 5"),
    ("hasil.3601012001001.12O.95.4O.255.5", "HASIL 3601012001001 120 95 40 255 5"),
    ("HASIL 3601012001001 0 187 23 210 4", "HASIL 3601012001001 0 187 23 210 4"),
    ("INFO", "INFO"),
    ("?", "INFO"),
    ("bantuan", "INFO"),
    ("VOTE 3601012001001", "galat: unknown_keyword"),
    ("SELESAI 3601012001001", "galat: unknown_keyword"),
    ("BUKA 360101200100", "galat: bad_tps_code"),
    ("BUKA 3601012001001 2575", "galat: bad_time"),
    ("BUKA 3601012001001 aman", "galat: extra_text"),
    ("LAPOR 36.01.0 PU B ada amplop", "galat: bad_place_code"),
    ("LAPOR 3601012001001 PUU B ada amplop", "galat: unknown_category"),
    ("LAPOR 3601012001001 PU ada bagi amplop", "galat: unknown_severity"),
    ("LAPOR 3601012001001 PU B", "galat: missing_text"),
    ("HASIL 3601012001001 120 95 40 255", "galat: missing_number"),
    ("HASIL 3601012001001 120 95 40 255 5 260 1", "galat: extra_number"),
    ("HASIL 3601012001001 120 95 4x 255 5", "galat: bad_number"),
    ("HASIL 3601012001001 120 95 40 250 5", "galat: sum_mismatch"),
    ("HASIL 3601012001001 120 95 40 255 5 262", "galat: total_mismatch"),
]

# GSM 03.38 basic character set: replies in it cost 153 characters per SMS part, not 67.
GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)


def check_error(result: object) -> None:
    """Every ParseError has a known code and a short Indonesian message."""
    assert isinstance(result, ParseError)
    assert result.code in ERROR_CODES
    assert result.code != "internal_error"
    assert 0 < len(result.message) <= 160
    assert "Contoh" in result.message or "contoh" in result.message


# --- The documented examples ---------------------------------------------------------


@pytest.mark.parametrize(("message", "reads_as"), EXAMPLES)
def test_documented_example(message, reads_as):
    result = parse(message)
    assert canonical_text(result) == reads_as
    if isinstance(result, ParseError):
        check_error(result)
    else:
        # The standard form reads back as the same thing.
        assert parse(reads_as) == result


def doc_example_rows() -> list[tuple[str, str]]:
    text = DOC.read_text(encoding="utf-8")
    section = text.split("<!-- contoh:mulai -->")[1].split("<!-- contoh:selesai -->")[0]
    return re.findall(r"^\| `([^`]*)` \| `([^`]*)` \|", section, flags=re.M)


def test_the_doc_shows_exactly_the_tested_examples():
    assert doc_example_rows() == EXAMPLES


def test_the_doc_lists_every_category_alias_in_its_row():
    text = DOC.read_text(encoding="utf-8")
    for category in CATEGORIES:
        row = re.search(rf"^\| `{category}` \| (\w+) \| (.*) \|$", text, flags=re.M)
        assert row, category
        assert row.group(1) == CATEGORY_CODES[category]
        documented = {a.strip() for a in row.group(2).split(",")}
        accepted = {a for a, c in CATEGORY_ALIASES.items() if c == category}
        assert documented | {row.group(1).lower(), category.replace("_", " ")} == (
            accepted
        ), category


def test_the_doc_names_every_keyword_and_severity_word():
    text = DOC.read_text(encoding="utf-8").lower()
    for word in [*KEYWORDS, *SEVERITY_ALIASES]:
        if word in ("l", "i"):  # "1" typed as a letter; documented as the rule
            continue
        assert re.search(rf"(?<![\w`])`?{re.escape(word)}`?(?![\w`])", text), word


def test_the_doc_shows_the_help_text_as_sent():
    assert HELP_TEXT in DOC.read_text(encoding="utf-8")


# --- Specific behaviour --------------------------------------------------------------


def test_values_are_the_taxonomy_values():
    from deskpemilu.incidents.taxonomy import Category, Severity
    from deskpemilu.intake.models import CheckinStage

    assert list(CATEGORIES) == list(Category.values)
    assert list(SEVERITIES) == list(Severity.values)
    assert list(STAGES) == list(CheckinStage.values)
    assert set(CATEGORY_CODES) == set(CATEGORIES)
    assert set(CATEGORY_ALIASES.values()) == set(CATEGORIES)
    assert set(SEVERITY_ALIASES.values()) == set(SEVERITIES)


def test_category_and_severity_words_cannot_be_confused():
    # Severity and category may be swapped, so no word may be both; and a one-word
    # category followed by a severity must never read as a two-word category.
    assert not set(CATEGORY_ALIASES) & set(SEVERITY_ALIASES)
    for alias in CATEGORY_ALIASES:
        for severity in SEVERITY_ALIASES:
            assert f"{alias} {severity}" not in CATEGORY_ALIASES
    # Category words are never read as digits (they would join a code).
    assert not [a for a in CATEGORY_ALIASES if re.fullmatch(r"[0-9OoIil ]+", a)]


def test_every_help_text_fits_one_sms():
    for text in fieldcode.HELP_TEXTS.values():
        assert len(text) <= 160
        assert set(text) <= GSM7


@pytest.mark.parametrize(
    ("message", "topic"),
    [("INFO LAPOR", "lapor"), ("? hasil", "hasil"), ("bantuan buka", "checkin")],
)
def test_help_on_one_message(message, topic):
    assert parse(message) == HelpRequest(topic)


@pytest.mark.parametrize("message", ["INFO", "info apa", "?", "??", "Bantuan", "HELP"])
def test_help(message):
    assert parse(message) == HelpRequest()


@pytest.mark.parametrize("message", ["", "   ", "\n\t", "#*,;", " . - / "])
def test_empty(message):
    result = parse(message)
    check_error(result)
    assert result.code == "empty"


def test_whitespace_of_any_kind_separates_fields():
    message = "\n  LAPOR\t3601012001001 \r\n PU\u00a0\u00a0B   ada bagi amplop  \n"
    assert parse(message) == IncidentReport(
        TPS, "politik_uang", "berat", "ada bagi amplop"
    )


def test_free_text_keeps_its_letters_case_punctuation_and_lines():
    text = "Ada 2 orang (O, l) bagi amplop;\nKades 'ikut'. #TPS-01 10.30"
    assert parse(f"lapor {TPS} pu b {text}") == IncidentReport(
        TPS, "politik_uang", "berat", text
    )


def test_text_starts_at_the_first_character_after_the_severity():
    assert parse(f"LAPOR {TPS} PU B: ada amplop").text == "ada amplop"
    assert parse(f'LAPOR {TPS} PU B "ada amplop"').text == '"ada amplop"'


@pytest.mark.parametrize(
    ("typed", "place"),
    [
        ("36", "36"),
        ("3673", "36.73"),
        ("36.73", "36.73"),
        ("367304", "36.73.04"),
        ("36.73.04", "36.73.04"),
        ("3673041003", "36.73.04.1003"),
        ("36.73.04.1003", "36.73.04.1003"),
        ("36-73-04-1003", "36.73.04.1003"),
        ("36.73.04.1003.005", "3673041003005"),
        ("3673041003005", "3673041003005"),
        ("36.7304", "36.73.04"),
        ("36.Ol.Ol", "36.01.01"),
    ],
)
def test_place_codes(typed, place):
    assert parse(f"LAPOR {typed} LAIN R ada kejadian").place_code == place


@pytest.mark.parametrize(
    "typed", ["3", "367", "36730", "3673041", "36730410030", "x36"]
)
def test_place_codes_of_the_wrong_length(typed):
    result = parse(f"LAPOR {typed} LAIN R ada kejadian")
    check_error(result)
    assert result.code == "bad_place_code"


def test_a_letter_severity_typed_right_after_a_code_is_not_part_of_it():
    assert parse("LAPOR 36.01.01.I.PU ada amplop") == IncidentReport(
        "36.01.01", "politik_uang", "ringan", "ada amplop"
    )


@pytest.mark.parametrize(
    ("typed", "hhmm"),
    [
        ("0705", "0705"),
        ("705", "0705"),
        ("07.05", "0705"),
        ("7.05", "0705"),
        ("7:05", "0705"),
        ("7", "0700"),
        ("07 05", "0705"),
        ("jam 7.05 WIB", "0705"),
        ("PUKUL 0705wib", "0705"),
        ("O7O5", "0705"),
        ("2359", "2359"),
        ("0000", "0000"),
    ],
)
def test_checkin_times(typed, hhmm):
    assert parse(f"BUKA {TPS} {typed}") == Checkin(TPS, "buka", hhmm)


@pytest.mark.parametrize("typed", ["2400", "0760", "07051", "7.5", "07.05.00", "99"])
def test_bad_checkin_times(typed):
    result = parse(f"BUKA {TPS} {typed}")
    check_error(result)
    assert result.code == "bad_time"


@pytest.mark.parametrize(
    "typed",
    ["", "TPS", "360101200100", "36010120010010", "3601012001 001", "36O1O12OO1OOx"],
)
def test_bad_tps_codes(typed):
    for message in (f"BUKA {typed}", f"HASIL {typed} 120 95 40 255 5"):
        result = parse(message)
        check_error(result)
        assert result.code == "bad_tps_code", message


@pytest.mark.parametrize(
    "typed", ["TPS 3601012001001", "tps:3601012001001", "TPS3601012001001"]
)
def test_the_word_tps_may_come_before_the_code(typed):
    assert parse(f"BUKA {typed}") == Checkin(TPS, "buka")
    assert parse(f"LAPOR {typed} LAIN R ada kejadian").place_code == TPS


def test_the_tps_code_and_the_time_may_share_a_field():
    assert parse(f"BUKA {TPS}-0705") == Checkin(TPS, "buka", "0705")
    assert parse("BUKA 3601.01.2001.001.07.05") == Checkin(TPS, "buka", "0705")


@pytest.mark.parametrize("stage", STAGES)
def test_every_stage(stage):
    assert parse(f"{stage} {TPS}") == Checkin(TPS, stage)


def test_sum_mismatch_explains_the_arithmetic():
    result = parse(f"HASIL {TPS} 120 95 40 250 5")
    check_error(result)
    assert result.code == "sum_mismatch"
    assert "120+95+40 = 255" in result.message
    assert "250" in result.message
    assert f"HASIL {TPS}" in result.message


def test_counts_above_the_limit_are_refused_even_when_huge():
    result = parse(f"HASIL {TPS} 1{'0' * 5000} 95 40 255 5")
    check_error(result)
    assert result.code == "bad_number"
    assert parse(f"HASIL {TPS} 0009999 0 0 9999 0").votes == (9999, 0, 0)


def test_results_are_frozen():
    result = parse(f"HASIL {TPS} 120 95 40 255 5")
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.valid = 1


def test_error_messages_are_in_the_sms_alphabet():
    for message, _ in EXAMPLES:
        result = parse(message)
        if isinstance(result, ParseError):
            assert set(result.message) <= GSM7, (message, result.message)


def test_non_text_input_is_an_error_not_an_exception():
    check_error(parse(None))  # type: ignore[arg-type]
    check_error(parse(b"BUKA 3601012001001"))  # type: ignore[arg-type]


# --- Properties ----------------------------------------------------------------------

HARD = [" ", "  ", "\t", "\n", "\r\n", "#", "*", ",", ";", "+", "_", "=", "!", "&", "|"]
SOFT = [".", ":", "-", "/"]
SEPARATORS = HARD + SOFT
LETTER_FOR = {"0": "0Oo", "1": "1lIi"}

digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
tps_codes = st.text(alphabet="0123456789", min_size=13, max_size=13)
region_codes = st.sampled_from([2, 4, 6, 10]).flatmap(
    lambda n: st.text(alphabet="0123456789", min_size=n, max_size=n)
)


def dotted(code: str) -> str:
    if len(code) == 13:
        return code
    parts = [code[k : k + 2] for k in range(0, min(len(code), 6), 2)]
    if len(code) == 10:
        parts.append(code[6:])
    return ".".join(parts)


def sep(rnd) -> str:
    """Field-staff spacing between two fields: one or more separators."""
    return "".join(rnd.choice(SEPARATORS) for _ in range(rnd.randint(1, 3)))


def noisy_digits(rnd, number: str) -> str:
    return "".join(rnd.choice(LETTER_FOR.get(c, c)) for c in number)


def noisy_code(rnd, code: str) -> str:
    """A code as typed: letters for digits, soft separators inside, or dotted."""
    if len(code) != 13 and rnd.random() < 0.3:
        code = dotted(code)
    out = []
    for k, c in enumerate(code):
        if c == ".":
            out.append(rnd.choice(SOFT))
            continue
        if k and rnd.random() < 0.1:
            out.append(rnd.choice(SOFT))
        out.append(c)
    return noisy_digits(rnd, "".join(out))


def noisy_case(rnd, word: str) -> str:
    return "".join(c.upper() if rnd.random() < 0.5 else c.lower() for c in word)


def noisy_words(rnd, phrase: str) -> str:
    return sep(rnd).join(noisy_case(rnd, w) for w in phrase.split(" "))


def aliases_of(table: dict, value: str) -> list[str]:
    return sorted(a for a, v in table.items() if v == value)


def keyword_for(kind: str, stage: str | None = None) -> list[str]:
    return sorted(w for w, e in KEYWORDS.items() if e == (kind, stage))


@st.composite
def checkins(draw):
    rnd = draw(st.randoms(use_true_random=False))
    tps = draw(tps_codes)
    stage = draw(st.sampled_from(STAGES))
    time = draw(st.none() | st.tuples(st.integers(0, 23), st.integers(0, 59)))
    expected = Checkin(
        tps, stage, None if time is None else f"{time[0]:02d}{time[1]:02d}"
    )
    keyword = rnd.choice(keyword_for("checkin", stage))
    message = noisy_case(rnd, keyword)
    code = noisy_code(rnd, tps)
    glue = code[0] in "0123456789" and rnd.random() < 0.2
    message += ("" if glue else sep(rnd)) + code
    if time is not None:
        h, m = time
        shown = rnd.choice(
            [f"{h:02d}{m:02d}", f"{h}{m:02d}", f"{h:02d}.{m:02d}", f"{h}:{m:02d}"]
        )
        if rnd.random() < 0.2:
            shown = "jam " + shown
        if rnd.random() < 0.2:
            shown += rnd.choice([" WIB", "wib"])
        message += sep(rnd) + noisy_digits(rnd, shown)
    return canonical_text(expected), message, expected


free_texts = st.builds(
    lambda head, tail: head + tail,
    st.text(alphabet=string.ascii_letters + string.digits, min_size=4, max_size=12),
    st.text(max_size=60),
)


@st.composite
def incident_reports(draw, texts=free_texts):
    rnd = draw(st.randoms(use_true_random=False))
    place = draw(tps_codes | region_codes)
    category = draw(st.sampled_from(CATEGORIES))
    severity = draw(st.sampled_from(SEVERITIES))
    text = draw(texts)
    expected = IncidentReport(dotted(place), category, severity, text.strip())
    sev_word = rnd.choice(aliases_of(SEVERITY_ALIASES, severity))
    if sev_word == "1":
        sev_word = rnd.choice(LETTER_FOR["1"])
    fields = [
        noisy_case(rnd, rnd.choice(keyword_for("lapor"))),
        noisy_code(rnd, place),
        noisy_words(rnd, rnd.choice(aliases_of(CATEGORY_ALIASES, category))),
        noisy_case(rnd, sev_word),
    ]
    message = rnd.choice(["", " ", "#", "\n "]) + "".join(f + sep(rnd) for f in fields)
    message += text + rnd.choice(["", " ", "\n", " \t "])
    return canonical_text(expected), message, expected


@st.composite
def result_reports(draw, matching=True):
    rnd = draw(st.randoms(use_true_random=False))
    tps = draw(tps_codes)
    votes = draw(st.lists(st.integers(0, 3000), min_size=3, max_size=3))
    invalid = draw(st.integers(0, 300))
    if matching:
        valid = sum(votes)
    else:
        valid = draw(st.integers(0, 9999).filter(lambda v: v != sum(votes)))
    numbers = [*votes, valid, invalid]
    if draw(st.booleans()):
        numbers.append(valid + invalid if matching else draw(st.integers(0, 9999)))
    expected = ResultReport(tps, tuple(votes), valid, invalid)
    message = noisy_case(rnd, rnd.choice(keyword_for("hasil"))) + sep(rnd)
    message += noisy_code(rnd, tps)
    for n in numbers:
        message += sep(rnd) + noisy_digits(rnd, str(n))
    return canonical_text(expected), message, expected


@settings(max_examples=500, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(checkins(), incident_reports(), result_reports()))
@example(("BUKA 3601012001001", "buka#36Ol.Ol2OOl-OOl", Checkin(TPS, "buka")))
def test_noisy_messages_read_as_the_clean_one(case):
    clean, noisy, expected = case
    assert parse(clean) == expected
    assert parse(noisy) == expected, noisy
    assert fieldcode.as_dict(expected) == dataclasses.asdict(expected)


@settings(max_examples=300)
@given(result_reports(matching=False))
def test_results_that_do_not_add_up_are_always_a_sum_mismatch(case):
    clean, noisy, _ = case
    for message in (clean, noisy):
        result = parse(message)
        check_error(result)
        assert result.code == "sum_mismatch", message


any_text = st.text(
    alphabet=st.characters(codec="utf-8")
    | st.sampled_from(list(" \t\n#*,;+_=!&|.:/-0Ol?")),
    max_size=200,
)
near_messages = st.builds(
    lambda kw, rest: kw + rest,
    st.sampled_from(
        [*KEYWORDS, "SELESAI", "BUKA3", "LAPOR 36.", "HASIL 3601012001001"]
    ),
    st.text(alphabet=" .#-:0123456789OlIiPUBKSR", max_size=80),
)


@settings(max_examples=1000)
@given(st.one_of(any_text, near_messages))
def test_any_text_reads_as_one_of_the_results_without_raising(message):
    result = fieldcode._parse(message)  # no safety net: must not raise by itself
    assert isinstance(result, RESULT_TYPES)
    assert parse(message) == result
    if isinstance(result, ParseError):
        check_error(result)
    elif not isinstance(result, HelpRequest):
        # Whatever was read is well formed, and reads back the same.
        assert parse(canonical_text(result)) == result


@settings(max_examples=300)
@given(incident_reports(texts=st.text(min_size=1, max_size=120)))
def test_free_text_is_kept_exactly(case):
    _, message, expected = case
    result = parse(message)
    text = expected.text
    starts_at_a_field = bool(re.match(r"[^\W_]", text))
    if len(re.findall(r"[^\W_]", text)) < fieldcode.MIN_TEXT_ALNUM:
        check_error(result)
        assert result.code == "missing_text"
    elif starts_at_a_field:
        assert result == expected
    else:
        # Leading separators (and symbols, emoji) are not part of the text; the
        # rest is kept as typed.
        assert isinstance(result, IncidentReport)
        assert text.endswith(result.text)
        skipped = text[: len(text) - len(result.text)]
        assert re.fullmatch(r"[\W_]*", skipped), skipped


canonical_like = st.builds(
    lambda kw, gap, code, time: f"{kw}{gap}{code}{time}",
    st.sampled_from(["BUKA", "buka", "Tutup", "HITUNG", "kirim", "KIRIM", "selesai"]),
    st.sampled_from([" ", "  ", "", "\t"]),
    st.text(alphabet="0123456789O", min_size=12, max_size=14),
    st.one_of(
        st.just(""),
        st.builds(
            lambda g, t: g + t,
            st.sampled_from([" ", "", "  "]),
            st.text(alphabet="0123456789", min_size=3, max_size=5),
        ),
    ),
)


@settings(max_examples=1000)
@given(st.one_of(canonical_like, any_text))
@example("BUKA 3601012001001 2400")
@example("BUKA 3601012001001 2359")
@example("tutup 3601012001001 0760")
def test_the_quick_check_in_reader_agrees_with_the_full_reader(message):
    quick = fieldcode._canonical_checkin(message)
    if quick is not None:
        assert quick == fieldcode._parse(message), message


@pytest.mark.parametrize(
    "message",
    [
        f"BUKA {TPS} \U0001f44d",
        f"\U0001f64f BUKA {TPS}",
        f"BUKA \u2714 {TPS}",
        f"BUKA {TPS} \U0001f44d\U0001f3fd \u2764\ufe0f",
    ],
)
def test_an_emoji_or_a_symbol_between_fields_is_not_a_field(message):
    assert parse(message) == Checkin(TPS, "buka")


def test_an_emoji_in_the_text_of_a_report_is_kept():
    result = parse(f"LAPOR {TPS} PU B ada bagi amplop \U0001f621")
    assert result.text == "ada bagi amplop \U0001f621"
