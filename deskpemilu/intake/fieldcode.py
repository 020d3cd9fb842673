"""The field code: short SMS messages from field officers, and their parser.

Pure Python (no Django, no database): ``parse`` reads one message and returns what it
says, or a ``ParseError`` whose Indonesian message tells the sender exactly what was
wrong and how to resend. It checks the format only; whether a TPS or region exists is
the caller's business. The syntax is documented in ``docs/fieldcode.md``.

Reading rules, in short:

* the first word is the keyword (any case, Indonesian or English synonyms);
* fields are separated by spaces or punctuation. *Hard* separators (whitespace and
  ``# * , ; + _ = ! & |``) always end a field; *soft* ones (``. : - /``) also end a
  field, except that the digits of a code (``36.01.01``, ``3601012001-001``) and of a
  time (``07.05``) are read together;
* in numeric fields (codes, times, counts) the letters O/o are read as 0 and l/I/i as 1;
  free text is kept exactly as typed (only trimmed).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from deskpemilu.intake.gsm7 import to_gsm7
from deskpemilu.regions.codes import NODOT_LENGTH, TPS_LENGTH, dotted

__all__ = [
    "CATEGORIES",
    "CATEGORY_ALIASES",
    "CATEGORY_CODES",
    "Checkin",
    "ERROR_CODES",
    "HELP_TEXT",
    "HELP_TEXTS",
    "HelpRequest",
    "IncidentReport",
    "KEYWORDS",
    "Message",
    "N_CANDIDATES",
    "ParseError",
    "ResultReport",
    "SEVERITIES",
    "SEVERITY_ALIASES",
    "SEVERITY_CODES",
    "STAGES",
    "as_dict",
    "canonical_text",
    "looks_like_free_text",
    "parse",
]

# The same strings as deskpemilu.incidents.taxonomy (a test keeps them equal); repeated
# here so that this module does not import Django.
STAGES = ("buka", "tutup", "hitung", "kirim")
CATEGORIES = (
    "kekerasan",
    "intimidasi",
    "politik_uang",
    "netralitas",
    "logistik",
    "hak_pilih",
    "hoaks_sara",
    "unjuk_rasa",
    "kampanye",
    "bencana",
    "listrik_internet",
    "lainnya",
)
SEVERITIES = ("ringan", "sedang", "berat", "kritis")

N_CANDIDATES = 3  # Pilpres 2024: 01 Anies-Muhaimin, 02 Prabowo-Gibran, 03 Ganjar-Mahfud
MAX_COUNT = 9999  # no TPS comes near: a TPS has at most a few hundred voters
MIN_TEXT_ALNUM = 4  # an incident text needs at least this many letters or digits


# --- What a message can say ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Checkin:
    tps_code: str  # 13 digits
    stage: str  # one of STAGES
    time_hhmm: str | None = None  # "0705"; None when not given


@dataclass(frozen=True, slots=True)
class IncidentReport:
    place_code: str  # 13-digit TPS code, or a dotted region code ("36.01.01")
    category: str  # one of CATEGORIES
    severity: str  # one of SEVERITIES
    text: str  # as typed, trimmed


@dataclass(frozen=True, slots=True)
class ResultReport:
    tps_code: str
    votes: tuple[int, ...]  # one per candidate pair, in ballot order
    valid: int  # suara sah
    invalid: int  # suara tidak sah


@dataclass(frozen=True, slots=True)
class HelpRequest:
    topic: str = ""  # "" (overview), "checkin", "lapor" or "hasil": INFO LAPOR


@dataclass(frozen=True, slots=True)
class ParseError:
    code: str  # stable machine name, one of ERROR_CODES
    message: str  # Indonesian, one SMS (<= 160 GSM-7 characters), with an example


Message = Checkin | IncidentReport | ResultReport | HelpRequest | ParseError


def as_dict(message: Message) -> dict[str, Any]:
    """The fields of a message as a dict: what dataclasses.asdict gives for these
    flat classes, without its deep copy (it runs for every message of a batch)."""
    return {name: getattr(message, name) for name in message.__slots__}


ERROR_CODES = frozenset(
    {
        "empty",
        "unknown_keyword",
        "bad_tps_code",
        "bad_time",
        "extra_text",
        "bad_place_code",
        "unknown_category",
        "unknown_severity",
        "missing_text",
        "bad_number",
        "missing_number",
        "extra_number",
        "sum_mismatch",
        "total_mismatch",
        "internal_error",
    }
)


# --- Words ---------------------------------------------------------------------------

# keyword -> (kind, stage)
KEYWORDS: dict[str, tuple[str, str | None]] = {}
for _kind, _stage, _words in (
    ("checkin", "buka", "buka dibuka open opened"),
    ("checkin", "tutup", "tutup ditutup close closed"),
    ("checkin", "hitung", "hitung count counted"),
    ("checkin", "kirim", "kirim dikirim terkirim send sent"),
    ("lapor", None, "lapor laporan report kejadian insiden"),
    ("hasil", None, "hasil result results"),
    ("help", None, "info bantuan help ?"),
):
    for _word in _words.split():
        KEYWORDS[_word] = (_kind, _stage)

# Two-word keywords: "SELESAI" alone is ambiguous (voting or counting?).
_KEYWORDS2: dict[str, tuple[str, str | None]] = {
    "selesai pemungutan": ("checkin", "tutup"),
    "selesai coblos": ("checkin", "tutup"),
    "selesai pencoblosan": ("checkin", "tutup"),
    "selesai hitung": ("checkin", "hitung"),
    "selesai penghitungan": ("checkin", "hitung"),
}

# The short code of each category, used in replies, help and canonical_text.
CATEGORY_CODES = {
    "kekerasan": "KEK",
    "intimidasi": "INT",
    "politik_uang": "PU",
    "netralitas": "NET",
    "logistik": "LOG",
    "hak_pilih": "DPT",
    "hoaks_sara": "HOAX",
    "unjuk_rasa": "DEMO",
    "kampanye": "KAMP",
    "bencana": "BEN",
    "listrik_internet": "LIS",
    "lainnya": "LAIN",
}

# alias (lower case; words separated by one space) -> category
CATEGORY_ALIASES: dict[str, str] = {}
for _category, _aliases in (
    (
        "kekerasan",
        "kek, keras, kekerasan, bentrok, bentrokan, rusuh, kerusuhan, ricuh, "
        "kericuhan, violence, clash",
    ),
    (
        "intimidasi",
        "int, intim, intimidasi, ancam, ancaman, teror, intimidation, threat",
    ),
    (
        "politik_uang",
        "pu, mp, politik uang, politikuang, money, money politics, money politik, "
        "politik duit, serangan fajar, suap",
    ),
    ("netralitas", "net, netral, netralitas, asn, neutrality"),
    (
        "logistik",
        "log, logistik, logistic, logistics, surat suara, suratsuara, kotak suara",
    ),
    (
        "hak_pilih",
        "dpt, dpt hak, hak, hak pilih, hakpilih, dptb, dpk, pemilih, daftar pemilih, "
        "voter, voters",
    ),
    (
        "hoaks_sara",
        "hoax, hoaks, hoks, sara, hoax sara, hoaks sara, hasut, hasutan, fitnah, "
        "ujaran kebencian, hate speech, disinformasi",
    ),
    (
        "unjuk_rasa",
        "demo, demonstrasi, unjuk rasa, unjukrasa, protes, protest, massa",
    ),
    ("kampanye", "kamp, kampanye, campaign, apk"),
    (
        "bencana",
        "ben, bencana, banjir, longsor, gempa, cuaca, kebakaran, disaster, flood",
    ),
    (
        "listrik_internet",
        "lis, listrik, internet, inet, listrik internet, sinyal, signal, pln, padam, "
        "jaringan, power",
    ),
    ("lainnya", "lain, lainnya, lain lain, dll, other, others"),
):
    for _alias in _aliases.split(","):
        CATEGORY_ALIASES[_alias.strip()] = _category
CATEGORY_ALIASES.update({code.lower(): cat for cat, code in CATEGORY_CODES.items()})
# The canonical values themselves, typed with "_" (a separator) become two words.
CATEGORY_ALIASES.update({cat.replace("_", " "): cat for cat in CATEGORIES})

SEVERITY_CODES = {"ringan": "R", "sedang": "S", "berat": "B", "kritis": "K"}
SEVERITY_ALIASES: dict[str, str] = {}
for _severity, _aliases in (
    ("ringan", "r 1 ringan minor"),
    ("sedang", "s 2 sedang moderate"),
    ("berat", "b 3 berat serious"),
    ("kritis", "k 4 kritis critical darurat"),
):
    for _alias in _aliases.split():
        SEVERITY_ALIASES[_alias] = _severity
# "1" typed as l, I or i.
SEVERITY_ALIASES.update({"l": "ringan", "i": "ringan"})

_CATEGORY_LIST = " ".join(CATEGORY_CODES.values())
_TIME_BEFORE = frozenset({"jam", "pukul", "pkl"})
_TIME_AFTER = "wib"
_PLACE_LENGTHS = frozenset({*NODOT_LENGTH.values(), TPS_LENGTH})

# --- Replies -------------------------------------------------------------------------

TPS_EXAMPLE = "3601012001001"
EX_CHECKIN = "BUKA 3601012001001 0705"
EX_LAPOR = "LAPOR 3601012001001 PU B ada bagi amplop"
EX_HASIL = "HASIL 3601012001001 120 95 40 255 5"

# Every reply fits one SMS (160 GSM-7 characters): INFO gives the overview, and
# INFO LAPOR / INFO HASIL / INFO BUKA the details of one message.
HELP_TEXT = (
    "Format: BUKA/TUTUP/HITUNG/KIRIM kodeTPS jam; LAPOR kode kategori tingkat isi"
    "; HASIL kodeTPS 01 02 03 sah tdksah. Rinci: INFO LAPOR, INFO HASIL"
)
HELP_TEXTS = {
    "": HELP_TEXT,
    "checkin": (
        "BUKA/TUTUP/HITUNG/KIRIM, kode TPS 13 angka (kode desa + nomor TPS), jam "
        "WIB bila perlu. Contoh: " + EX_CHECKIN
    ),
    "lapor": (
        "LAPOR kode kategori tingkat isi. Kategori: "
        + _CATEGORY_LIST
        + ". Tingkat: R S B K. Contoh: LAPOR 3601012001001 PU B ada amplop"
    ),
    "hasil": (
        "HASIL kodeTPS suara01 suara02 suara03 sah tidaksah (jumlah boleh "
        "ditambah). Contoh: " + EX_HASIL
    ),
}


# --- Reading -------------------------------------------------------------------------

# A piece is a run of characters that are not separators. Pieces separated only by soft
# separators belong to the same "group" (a hard-separated field).
_SOFT = ".:-/"
_PIECE = re.compile(r"[^\s#*,;+_=!&|.:/\-]+")
_DIGITISH = re.compile(r"[0-9OoIil]+")
_ALPHA_PREFIX = re.compile(r"[A-Za-z]+")
# MIN_TEXT_ALNUM letters or digits, anywhere (only non-alphanumerics between them).
_TEXT_ENOUGH = re.compile(r"[^\W_](?:[\W_]*[^\W_]){" + str(MIN_TEXT_ALNUM - 1) + "}")
_TO_DIGIT = str.maketrans("OoIil", "00111")
_MAX_PIECES = 64  # every valid message fits in far fewer pieces
_HAS_WORD = re.compile(r"[^\W_]")  # a letter or digit of any script


class _Piece:
    __slots__ = ("text", "start", "end", "group")

    def __init__(self, text: str, start: int, end: int, group: int) -> None:
        self.text = text
        self.start = start
        self.end = end
        self.group = group


def _scan(raw: str) -> list[_Piece]:
    pieces: list[_Piece] = []
    group = 0
    prev_end = 0
    for m in _PIECE.finditer(raw):
        if not _HAS_WORD.search(m.group()) and "?" not in m.group():
            continue  # an emoji or a symbol: a separator, not a field
        start = m.start()
        if start != prev_end and raw[prev_end:start].strip(_SOFT):
            group += 1
        prev_end = m.end()
        pieces.append(_Piece(m.group(), start, prev_end, group))
        if len(pieces) == _MAX_PIECES:
            break
    return pieces


def _digits(s: str) -> str | None:
    """The digits of a numeric token (O/o read as 0, l/I/i as 1), or None."""
    if _DIGITISH.fullmatch(s):
        return s.translate(_TO_DIGIT)
    return None


def _show(s: str, limit: int = 16) -> str:
    """What the sender typed, repeated in a reply: short, in the SMS alphabet (an
    emoji or a curly quote would make the whole reply a 70-character UCS-2 SMS)."""
    s = to_gsm7(s).replace('"', "'")
    return s if len(s) <= limit else s[: limit - 2] + ".."


def _err(code: str, message: str) -> ParseError:
    return ParseError(code, message)


# The check-in as the documentation writes it ("BUKA 3601012001001 0705"), by far
# the most common message on election day, is read by one regular expression; any
# other form goes through the full reader, which gives the same result for this one
# (a property test holds them equal).
_CANONICAL_CHECKIN = re.compile(
    r"(buka|tutup|hitung|kirim) ([0-9]{13})(?: ([0-2][0-9])([0-5][0-9]))?",
    re.IGNORECASE,
)


def _canonical_checkin(text: str) -> Checkin | None:
    m = _CANONICAL_CHECKIN.fullmatch(text)
    if m is None:
        return None
    keyword, tps, hour, minute = m.groups()
    if hour is None:
        return Checkin(tps, keyword.lower())
    if hour > "23":
        return None
    return Checkin(tps, keyword.lower(), hour + minute)


def parse(text: str) -> Message:
    """Read one field message. Never raises."""
    if not isinstance(text, str):
        return _err("empty", _EMPTY)
    try:
        return _canonical_checkin(text) or _parse(text)
    except Exception:  # pragma: no cover - a bug; the sender still gets an answer
        return _err(
            "internal_error",
            "Maaf, pesan belum terbaca. Periksa format lalu kirim ulang, atau kirim "
            "INFO. Contoh: " + EX_LAPOR,
        )


_EMPTY = "Pesan kosong. Kirim INFO untuk melihat format. Contoh: " + EX_LAPOR
_HELP = HelpRequest()


def _parse(raw: str) -> Message:
    pieces = _scan(raw)
    if not pieces:
        return _err("empty", _EMPTY)
    first = pieces[0].text
    if first[0] == "?":
        return _help(pieces)
    word = first.lower()
    entry = KEYWORDS.get(word)
    i = 1
    if entry is None and len(pieces) > 1:
        entry = _KEYWORDS2.get(word + " " + pieces[1].text.lower())
        i = 2
    if entry is None:
        entry = KEYWORDS.get(word.rstrip("?"))
        i = 1
    if entry is None:
        entry, glued = _split_glued(first)
        if entry is not None:
            p = pieces[0]
            pieces[0] = _Piece(glued, p.end - len(glued), p.end, p.group)
            i = 0
    if entry is None:
        if word == "selesai":
            return _err(
                "unknown_keyword",
                "SELESAI kurang jelas: tulis TUTUP (coblos selesai) atau HITUNG "
                "(hitung selesai). Contoh: TUTUP 3601012001001 1300",
            )
        return _err(
            "unknown_keyword",
            f'Kata pertama "{_show(first)}" tidak dikenal. Awali dengan BUKA, TUTUP, '
            "HITUNG, KIRIM, LAPOR, HASIL atau INFO. Contoh: " + EX_CHECKIN,
        )
    kind, stage = entry
    if kind == "help":
        return _help(pieces)
    if i < len(pieces) and pieces[i].text[:3].lower() == "tps":
        p = pieces[i]
        if len(p.text) == 3:
            i += 1
        elif _DIGITISH.fullmatch(p.text, 3):  # "TPS3601012001001"
            pieces[i] = _Piece(p.text[3:], p.start + 3, p.end, p.group)
    if kind == "checkin":
        return _checkin(raw, pieces, i, stage)
    if kind == "lapor":
        return _lapor(raw, pieces, i)
    return _hasil(raw, pieces, i)


def _help(pieces: list[_Piece]) -> HelpRequest:
    """INFO, or INFO with the keyword of the message to explain (INFO LAPOR)."""
    for piece in pieces[1:3]:
        entry = KEYWORDS.get(piece.text.lower())
        if entry is not None and entry[0] != "help":
            return HelpRequest(entry[0])
    return _HELP


def _split_glued(first: str) -> tuple[tuple[str, str | None] | None, str]:
    """`BUKA3601012001001`: a keyword typed without a space before the code."""
    m = _ALPHA_PREFIX.match(first)
    if m is None:
        return None, ""
    for cut in range(m.end(), 0, -1):
        entry = KEYWORDS.get(first[:cut].lower())
        if entry is not None:
            rest = first[cut:]
            if rest and _DIGITISH.fullmatch(rest):
                return entry, rest
            return None, ""
    return None, ""


def _take_tps(
    raw: str, pieces: list[_Piece], i: int, example: str
) -> tuple[str | None, int, ParseError | None]:
    """Read a 13-digit TPS code from the group starting at piece i."""
    n = len(pieces)
    if i >= n:
        return (
            None,
            i,
            _err(
                "bad_tps_code",
                "Kode TPS tidak ada. Tulis 13 angka (kode desa + nomor TPS) sesudah "
                "kata pertama. Contoh: " + example,
            ),
        )
    group = pieces[i].group
    start = pieces[i].start
    digits = ""
    j = i
    while j < n and pieces[j].group == group and len(digits) < 13:
        d = _digits(pieces[j].text)
        if d is None:
            typed = raw[start : pieces[j].end]
            return (
                None,
                j,
                _err(
                    "bad_tps_code",
                    f'Kode TPS "{_show(typed)}" tidak terbaca: tulis 13 angka saja '
                    "(kode desa + nomor TPS). Contoh: " + example,
                ),
            )
        digits += d
        j += 1
    if len(digits) != 13:
        typed = raw[start : pieces[j - 1].end]
        return (
            None,
            j,
            _err(
                "bad_tps_code",
                f'Kode TPS "{_show(typed, 24)}" salah: {len(digits)} angka, harus 13 '
                "(kode desa + nomor TPS). Contoh: " + example,
            ),
        )
    return digits, j, None


def _checkin(raw: str, pieces: list[_Piece], i: int, stage: str | None) -> Message:
    assert stage is not None
    kw = stage.upper()
    example = f"{kw} {TPS_EXAMPLE} 0705"
    tps, i, error = _take_tps(raw, pieces, i, example)
    if error is not None:
        return error
    assert tps is not None
    n = len(pieces)
    if i < n and pieces[i].text.lower() in _TIME_BEFORE:
        i += 1
    times: list[str] = []
    time_start = i
    while i < n:
        t = pieces[i].text
        d = _digits(t)
        if d is None and len(t) > 3 and t[-3:].lower() == _TIME_AFTER:
            d = _digits(t[:-3])  # "0705WIB"
            if d is not None:
                times.append(d)
                i += 1
                break
        if d is None:
            break
        times.append(d)
        i += 1
    if i < n and times and pieces[i].text.lower() == _TIME_AFTER:
        i += 1
    if i < n:
        return _err(
            "extra_text",
            f'{kw} berisi kode TPS dan jam saja; "{_show(pieces[i].text)}" tidak '
            "dikenal. Kejadian dikirim dengan LAPOR. Contoh: " + example,
        )
    if not times:
        return Checkin(tps, stage)
    hhmm = _time(times)
    if hhmm is None:
        typed = raw[pieces[time_start].start : pieces[i - 1].end]
        return _err(
            "bad_time",
            f'Jam "{_show(typed)}" tidak sah. Tulis jam WIB (0705 atau 07.05) atau '
            "kirim tanpa jam. Contoh: " + example,
        )
    return Checkin(tps, stage, hhmm)


def _time(parts: list[str]) -> str | None:
    if len(parts) == 1:
        d = parts[0]
        if len(d) <= 2:
            h, m = d, "00"
        elif len(d) <= 4:
            h, m = d[:-2], d[-2:]
        else:
            return None
    elif len(parts) == 2:
        h, m = parts
        if not (1 <= len(h) <= 2 and len(m) == 2):
            return None
    else:
        return None
    hour, minute = int(h), int(m)
    if hour > 23 or minute > 59:
        return None
    return f"{hour:02d}{minute:02d}"


_PLACE_HELP = "kode TPS (13 angka) atau wilayah (36.01.01). Contoh: " + EX_LAPOR


def _lapor(raw: str, pieces: list[_Piece], i: int) -> Message:
    place = _take_place(raw, pieces, i)
    if isinstance(place, ParseError):
        return place
    code, j = place
    kind = _take_category_severity(pieces, j)
    if isinstance(kind, ParseError):
        return kind
    category, severity, k = kind
    text = raw[pieces[k].start :].strip() if k < len(pieces) else ""
    if _TEXT_ENOUGH.search(text) is None:
        return _err(
            "missing_text",
            "Isi laporan kosong atau terlalu pendek: sesudah tingkat tulis apa yang "
            "terjadi. Contoh: " + EX_LAPOR,
        )
    return IncidentReport(code, category, severity, text)


def _take_place(raw: str, pieces: list[_Piece], i: int) -> tuple[str, int] | ParseError:
    """The place code of a report from the group starting at piece i, as the desk
    writes it, and the index of the piece after it."""
    n = len(pieces)
    if i >= n or _digits(pieces[i].text) is None:
        what = (
            f'"{_show(pieces[i].text)}" bukan kode tempat.'
            if i < n
            else "Kode tempat tidak ada."
        )
        return _err("bad_place_code", what + " Sesudah LAPOR tulis " + _PLACE_HELP)
    # The code: the numeric pieces of one group (36.01.01, 3601012001-001).
    group = pieces[i].group
    parts: list[str] = []
    j = i
    while j < n and pieces[j].group == group:
        d = _digits(pieces[j].text)
        if d is None:
            break
        parts.append(d)
        j += 1
    count = sum(map(len, parts))
    # A trailing piece made only of letters (say a severity "I" typed right after the
    # code with a dot) is given back when the code does not fit without it.
    while (
        count not in _PLACE_LENGTHS
        and len(parts) > 1
        and (_has_no_digit(pieces[j - 1].text))
    ):
        count -= len(parts.pop())
        j -= 1
    if count not in _PLACE_LENGTHS:
        typed = raw[pieces[i].start : pieces[j - 1].end]
        return _err(
            "bad_place_code",
            f'Kode tempat "{_show(typed, 24)}" salah ({count} angka). Tulis '
            + _PLACE_HELP,
        )
    return _place_code("".join(parts)), j


def _place_code(digits: str) -> str:
    """A TPS code as its 13 digits; a region's code dotted (36.01.01, 36.01.01.2001)."""
    return digits if len(digits) == TPS_LENGTH else dotted(digits) or digits


def _take_category_severity(
    pieces: list[_Piece], j: int
) -> tuple[str, str, int] | ParseError:
    """Category then severity from piece j (the other order is read too), and the
    index of the piece after them."""
    n = len(pieces)
    category, k = _category_at(pieces, j)
    if category is not None:
        severity = SEVERITY_ALIASES.get(pieces[k].text.lower()) if k < n else None
        if severity is None:
            return _err(
                "unknown_severity",
                _not_known("Tingkat", pieces[k].text if k < n else "")
                + " Sesudah kategori tulis R, S, B, K (ringan-kritis) atau 1-4. "
                "Contoh: " + EX_LAPOR,
            )
        return category, severity, k + 1
    severity = SEVERITY_ALIASES.get(pieces[j].text.lower()) if j < n else None
    bad = j
    if severity is not None:
        category, k = _category_at(pieces, j + 1)
        bad = j + 1
    if category is None or severity is None:
        return _err(
            "unknown_category",
            _not_known("Kategori", pieces[bad].text if bad < n else "")
            + f" Pilih: {_CATEGORY_LIST}. Contoh: "
            + EX_LAPOR,
        )
    return category, severity, k


def _not_known(what: str, typed: str) -> str:
    return f'{what} "{_show(typed)}" tidak dikenal.' if typed else f"{what} tidak ada."


def _has_no_digit(s: str) -> bool:
    return not any("0" <= c <= "9" for c in s)


def _category_at(pieces: list[_Piece], i: int) -> tuple[str | None, int]:
    n = len(pieces)
    if i >= n:
        return None, i
    word = pieces[i].text.lower()
    if i + 1 < n:
        category = CATEGORY_ALIASES.get(word + " " + pieces[i + 1].text.lower())
        if category is not None:
            return category, i + 2
    category = CATEGORY_ALIASES.get(word)
    if category is not None:
        return category, i + 1
    return None, i


def _hasil(raw: str, pieces: list[_Piece], i: int) -> Message:
    tps, i, error = _take_tps(raw, pieces, i, EX_HASIL)
    if error is not None:
        return error
    assert tps is not None
    numbers: list[str] = []
    for k, piece in enumerate(pieces[i:], start=1):
        d = _digits(piece.text)
        if d is None:
            return _err(
                "bad_number",
                f'Angka ke-{k} "{_show(piece.text)}" bukan angka. Tulis angka saja: '
                "01 02 03 sah tidaksah. Contoh: " + EX_HASIL,
            )
        numbers.append(d)
    want = N_CANDIDATES + 2
    if len(numbers) not in (want, want + 1):
        code = "missing_number" if len(numbers) < want else "extra_number"
        return _err(
            code,
            f"HASIL perlu {want} angka sesudah kode TPS (01 02 03 sah tidaksah); "
            f"terbaca {len(numbers)}. Contoh: " + EX_HASIL,
        )
    values: list[int] = []
    for k, d in enumerate(numbers, start=1):
        stripped = d.lstrip("0")
        if len(stripped) > len(str(MAX_COUNT)) or (
            stripped and int(stripped) > MAX_COUNT
        ):
            return _err(
                "bad_number",
                f'Angka ke-{k} "{_show(d)}" terlalu besar (paling banyak '
                f"{MAX_COUNT}). Periksa C.Hasil. Contoh: " + EX_HASIL,
            )
        values.append(int(stripped or "0"))
    votes = tuple(values[:N_CANDIDATES])
    valid, invalid = values[N_CANDIDATES], values[N_CANDIDATES + 1]
    total = sum(votes)
    if total != valid:
        terms = "+".join(str(v) for v in votes)
        return _err(
            "sum_mismatch",
            f"Suara 01+02+03 = {terms} = {total}, tetapi sah ditulis {valid}. "
            "Periksa C.Hasil lalu kirim ulang semua angka. Contoh: " + EX_HASIL,
        )
    if len(values) == want + 1 and valid + invalid != values[-1]:
        return _err(
            "total_mismatch",
            f"Sah + tidak sah = {valid}+{invalid} = {valid + invalid}, tetapi jumlah "
            f"ditulis {values[-1]}. Periksa C.Hasil. Contoh: " + EX_HASIL + " 260",
        )
    return ResultReport(tps, votes, valid, invalid)


_WORD = re.compile(r"[^\W\d_]{2,}")
_CODE_LIKE = re.compile(r"\d{8,}|\d{2}\.\d{2}\.\d{2}")


def looks_like_free_text(text: str) -> bool:
    """Whether a message that does not start with a keyword reads as a person
    writing in their own words ("Pak, di TPS 5 desa kami ada orang bagi-bagi
    uang"), not as a mistyped field code ("BUAK 3601012001001"): at least three
    words of letters and no long number such as a TPS or region code."""
    if not isinstance(text, str) or _CODE_LIKE.search(text):
        return False
    return len(_WORD.findall(text)) >= 3


def canonical_text(message: Message) -> str:
    """The message in its shortest standard form (for confirmations and tests)."""
    if isinstance(message, Checkin):
        tail = f" {message.time_hhmm}" if message.time_hhmm else ""
        return f"{message.stage.upper()} {message.tps_code}{tail}"
    if isinstance(message, IncidentReport):
        return (
            f"LAPOR {message.place_code} {CATEGORY_CODES[message.category]} "
            f"{SEVERITY_CODES[message.severity]} {message.text}"
        )
    if isinstance(message, ResultReport):
        numbers = " ".join(
            str(v) for v in (*message.votes, message.valid, message.invalid)
        )
        return f"HASIL {message.tps_code} {numbers}"
    if isinstance(message, HelpRequest):
        topic = {"checkin": "BUKA", "lapor": "LAPOR", "hasil": "HASIL"}
        return f"INFO {topic[message.topic]}" if message.topic else "INFO"
    return f"galat: {message.code}"
