"""The simulator's plan: every message a stretch of the election calendar brings to
the desk, from a seed, a list of TPS and a window of time. Pure code, no Django: the
same seed, TPS and window give the same plan, message for message.

What a day brings (Pemilu 2024; ../shared/docs/domain.md for the figures):
- on the vote day, each TPS's four check-ins (BUKA, TUTUP, HITUNG, KIRIM) from its
  field officer, mostly on time, some late (sent later, with the time typed), some
  skipped; a few TPS never report at all;
- incidents on every day of the window, at rates that rise towards the vote day,
  weighted by the TPS's vulnerability (rawan TPS have more), with the published mix:
  money politics and neutrality dominate, violence is rare, most reports come from the
  public in their own words (some of them hoaxes), some events are reported twice by
  two channels;
- the field officer's HASIL after the count, then two result sheets per TPS (KPU's
  Sirekap reading and a witness's), near Banten's official shares, with Sirekap's
  published kind of misread (84 read as 884) and witness disagreements;
- badly typed messages: most still understood (lower case, O for 0, # between the
  parts), a few not (a misspelt keyword, a code a digit short).

Each message says how the desk is expected to file it (`kind`, the desk's
MessageKind, or `sheet` for a result sheet): the simulator compares those counts
with what the desk holds afterwards.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

WIB = dt.timezone(dt.timedelta(hours=7), "WIB")
VOTE_DAY = dt.date(2024, 2, 14)
CAMPAIGN_START = dt.date(2023, 11, 28)
QUIET_START = dt.date(2024, 2, 11)
RECAP_END = dt.date(2024, 3, 20)

# How a message reaches the desk (the entry point), and the desk's channel for it.
GATEWAY, TWILIO, WHATSAPP, TELEGRAM = (
    "sms_gateway",
    "sms_twilio",
    "whatsapp",
    "telegram",
)
API, API_BATCH, PUBLIC, RESULTS_API = "api", "api_batch", "public", "results_api"
ROUTES = (GATEWAY, TWILIO, WHATSAPP, TELEGRAM, API, API_BATCH, PUBLIC, RESULTS_API)
DESK_CHANNEL = {route: route for route in ROUTES} | {API_BATCH: API}

# The desk's kinds (intake MessageKind) and the result sheet.
CHECKIN, INCIDENT, RESULT, FREE, UNKNOWN, SHEET = (
    "checkin",
    "incident",
    "result",
    "free",
    "unknown",
    "sheet",
)

# Field officers' channels: most SMS through the desk's own gateway (blank spots),
# then WhatsApp, a few through Twilio and through an agency's system (the API).
OFFICER_ROUTES = (
    (GATEWAY, 45),
    (WHATSAPP, 30),
    (TWILIO, 10),
    (API, 10),
    (API_BATCH, 5),
)

# Category mix of reports (field code, weight): money politics and neutrality lead,
# logistics and the voter list follow on the vote day, violence is rare.
CATEGORIES = (
    ("PU", 22),
    ("NET", 16),
    ("LOG", 14),
    ("DPT", 14),
    ("HOAX", 8),
    ("LIS", 7),
    ("KAMP", 6),
    ("BEN", 4),
    ("INT", 3),
    ("LAIN", 3),
    ("DEMO", 2),
    ("KEK", 1),
)
SEVERITIES = (("R", 50), ("S", 35), ("B", 13), ("K", 2))
# The public form's category values (incidents.taxonomy.Category).
CATEGORY_NAMES = {
    "PU": "politik_uang",
    "NET": "netralitas",
    "LOG": "logistik",
    "DPT": "hak_pilih",
    "HOAX": "hoaks_sara",
    "LIS": "listrik_internet",
    "KAMP": "kampanye",
    "BEN": "bencana",
    "INT": "intimidasi",
    "LAIN": "lainnya",
    "DEMO": "unjuk_rasa",
    "KEK": "kekerasan",
}
# Who reports an event (and how): the public in their own words over WhatsApp or the
# public form, field officers in field code, agencies' Telegram groups in field code.
REPORTERS = (("citizen_wa", 40), ("officer", 35), ("public_form", 15), ("telegram", 10))

# Incidents per TPS per day, by the day's stage, before the vulnerability weight.
DAY_RATES = {"campaign": 0.0002, "quiet": 0.001, "vote": 0.006, "count": 0.002}
NEVER_REPORTS = 0.04  # share of TPS whose officer sends no check-in at all
SKIPS_STAGE = 0.05  # share of check-ins not sent by an officer who reports
SENDS_HASIL = 0.7  # share of counted TPS whose officer sends HASIL by field code
DUPLICATE = 0.08  # share of events reported a second time, by another channel
HOAX = 0.05  # share of citizens' messages that are hoaxes
TYPO_READABLE = 0.06  # field codes typed badly but still understood
TYPO_UNREADABLE = 0.02  # field codes the desk cannot read
# Banten's official shares, Pilpres 2024 (pilpres2024_official_totals.csv):
# 01 2,451,383; 02 4,035,052; 03 720,275; invalid 215,797 of 7,422,507 used.
SHARES = (2_451_383, 4_035_052, 720_275)
INVALID_SHARE = 215_797 / 7_422_507
TURNOUT = 7_422_507 / 8_842_646
DPT_PER_TPS = 8_842_646 / 33_324
MISREAD = 0.0064  # Sirekap's published misreads (0.64 % of TPS)
DISAGREE = 0.03  # a witness's sheet differing from KPU's on one candidate
HASIL_SUM_WRONG = 0.03  # the officer's HASIL whose candidates do not add up


@dataclass(frozen=True)
class Tps:
    """A TPS as the plan needs it: its 13-digit code and its vulnerability weight
    (1 = kurang rawan; higher where the desk or Bawaslu rates it rawan)."""

    code: str
    weight: float = 1.0

    @property
    def kabkota(self) -> str:
        return f"{self.code[:2]}.{self.code[2:4]}"


@dataclass(frozen=True)
class Message:
    """One planned message: when, by which entry point, from whom, what, and how the
    desk should file it."""

    at: dt.datetime  # simulated send time (aware)
    route: str
    kind: str  # expected desk kind (MessageKind value) or SHEET
    sender: str  # +62... phone, tg:<id>, or "" (public form, result sheets)
    text: str
    tps_code: str = ""
    note: str = ""  # late, typo, unreadable, hoax, duplicate, misread, disagree, ...
    fields: tuple[tuple[str, str], ...] = ()  # public form fields
    sheet: tuple[tuple[str, object], ...] = ()  # result sheet (source, numbers)
    batch: str = ""  # the API batch it goes in
    uid: str = ""  # the provider's message id (stable per plan)

    @property
    def channel(self) -> str:
        return DESK_CHANNEL[self.route]


@dataclass(frozen=True)
class Plan:
    seed: int
    start: dt.datetime
    end: dt.datetime
    tps: tuple[Tps, ...]
    messages: tuple[Message, ...]
    officers: tuple[tuple[str, str, str], ...] = field(default=())  # phone, tps, route

    def counts(self) -> Counter[tuple[str, str]]:
        """Messages by (desk channel, kind)."""
        return Counter((m.channel, m.kind) for m in self.messages)


def _rng(seed: int, *parts: object) -> random.Random:
    """A generator for one thing (a TPS on a day, an event): its draws do not depend
    on what else is in the plan, so a smaller TPS list or window gives the same
    messages for what it keeps."""
    key = ":".join(str(p) for p in (seed, *parts))
    return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest()[:8]))


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _digits(seed: int, *parts: object, n: int) -> str:
    rng = _rng(seed, "digits", *parts)
    return "".join(str(rng.randrange(10)) for _ in range(n))


# Incident weight by vulnerability class (situation.vulnerability's classes): a
# rawan TPS sees more trouble than a kurang rawan one, a sangat rawan one most.
CLASS_WEIGHTS = {"kurang_rawan": 1.0, "rawan": 2.5, "sangat_rawan": 5.0, "khusus": 3.0}


def synthetic_class(seed: int, tps_code: str) -> str:
    """A class for a desk without TPS-rawan data: special-location TPS (901 and up)
    khusus, and by the seed about 15 % rawan and 3 % sangat rawan, in clusters of
    villages (the draw is by desa, so neighbouring TPS share it)."""
    if int(tps_code[-3:]) >= 901:
        return "khusus"
    roll = _rng(seed, "rawan", tps_code[:10]).random()
    return "sangat_rawan" if roll < 0.03 else "rawan" if roll < 0.18 else "kurang_rawan"


def officer_phone(seed: int, tps_code: str) -> str:
    """The TPS's field officer: +628 and the TPS code without its province, so one
    number per TPS (no two officers share one), in a range (08x1-08x4, 08x7) no
    operator assigns, so nobody real is ever written to."""
    return "+628" + tps_code[2:]


def officer_route(seed: int, tps_code: str) -> str:
    return _pick(_rng(seed, "route", tps_code), OFFICER_ROUTES)


def day_stage(day: dt.date) -> str | None:
    if day == VOTE_DAY:
        return "vote"
    if day == VOTE_DAY + dt.timedelta(days=1):
        return "count"
    if QUIET_START <= day < VOTE_DAY:
        return "quiet"
    if CAMPAIGN_START <= day < QUIET_START:
        return "campaign"
    return None


def choose_tps(seed: int, tps: Sequence[Tps], n: int | None) -> list[Tps]:
    """`n` TPS drawn by the seed (all when n is None), in code order."""
    ordered = sorted(tps, key=lambda t: t.code)
    if n is None or n >= len(ordered):
        return ordered
    return sorted(_rng(seed, "choose").sample(ordered, n), key=lambda t: t.code)


def make_plan(
    seed: int,
    tps: Sequence[Tps],
    start: dt.datetime,
    end: dt.datetime,
    *,
    incidents: float = 1.0,
    batch_size: int = 50,
) -> Plan:
    """Every message from `start` (inclusive) to `end` (exclusive), sorted by time.
    `incidents` multiplies the incident rates (a small test run needs more than the
    real rate gives a few TPS)."""
    if start.tzinfo is None or end.tzinfo is None:
        raise ValueError("start and end must carry a time zone")
    chosen = sorted(tps, key=lambda t: t.code)
    found: list[Message] = []
    day = start.astimezone(WIB).date() - dt.timedelta(days=1)
    last = end.astimezone(WIB).date()
    while day <= last:
        stage = day_stage(day)
        for place in chosen:
            if stage == "vote":
                found.extend(_vote_day(seed, place, day))
            if stage:
                found.extend(_incidents(seed, place, day, stage, incidents))
        day += dt.timedelta(days=1)
    kept = [m for m in found if start <= m.at < end]
    kept.sort(key=lambda m: (m.at, m.route, m.uid))
    messages = _batched(kept, batch_size)
    officers = tuple(
        (officer_phone(seed, p.code), p.code, officer_route(seed, p.code))
        for p in chosen
    )
    return Plan(seed, start, end, tuple(chosen), tuple(messages), officers)


def _batched(messages: list[Message], size: int) -> list[Message]:
    """API batches: an agency system sends what it has every ten simulated minutes,
    at most `size` a request."""
    out: list[Message] = []
    counts: Counter[str] = Counter()
    for m in messages:
        if m.route == API_BATCH:
            local = m.at.astimezone(WIB)
            slot = f"{local:%Y%m%d%H}{local.minute // 10}"
            n = counts[slot]
            counts[slot] += 1
            m = dataclasses.replace(m, batch=f"{slot}-{n // size}")
        out.append(m)
    return out


def _at(day: dt.date, hour: float) -> dt.datetime:
    """`hour` (WIB, may pass 24) on `day`, to the second."""
    base = dt.datetime.combine(day, dt.time(), WIB)
    return base + dt.timedelta(seconds=round(hour * 3600))


# Check-ins ---------------------------------------------------------------------------

# When each stage happens (WIB hours): the usual moment and the spread; counting five
# ballots took into the night in 2024.
STAGES = (
    ("BUKA", 7.0, 0.15),
    ("TUTUP", 13.05, 0.1),
    ("HITUNG", 19.5, 2.0),
    ("KIRIM", 21.0, 2.0),
)


def _vote_day(seed: int, place: Tps, day: dt.date) -> list[Message]:
    rng = _rng(seed, "vote", place.code, day)
    sheets = _sheets(seed, place, day)
    if rng.random() < NEVER_REPORTS:
        return sheets
    route = officer_route(seed, place.code)
    phone = officer_phone(seed, place.code)
    out: list[Message] = []
    moment = 0.0
    for keyword, usual, spread in STAGES:
        happened = max(moment + 0.05, rng.gauss(usual, spread))
        moment = happened
        if rng.random() < SKIPS_STAGE:
            continue
        # Most report within minutes; one in eight an hour or more later.
        delay = rng.expovariate(1 / 4) / 60
        note = ""
        if rng.random() < 0.125:
            delay, note = rng.uniform(1.0, 3.0), "late"
        hhmm = _hhmm(day, happened)
        typed = note == "late" or route == TWILIO or rng.random() < 0.5
        text = f"{keyword} {place.code}" + (f" {hhmm}" if typed else "")
        text, kind, typo = _typed(rng, text, CHECKIN)
        out.append(
            Message(
                at=_at(day, happened + delay),
                route=route,
                kind=kind,
                sender=phone,
                text=text,
                tps_code=place.code,
                note=",".join(n for n in (note, typo) if n),
                uid=f"c{place.code}{keyword[0]}{day:%m%d}",
            )
        )
    if rng.random() < SENDS_HASIL:
        out.append(_hasil(seed, place, day, moment, route, phone))
    return out + sheets


def _hhmm(day: dt.date, hour: float) -> str:
    return f"{_at(day, hour):%H%M}"


def _typed(rng: random.Random, text: str, kind: str) -> tuple[str, str, str]:
    """The text as a person types it: mostly as meant, sometimes badly but still
    readable, now and then unreadable (then the desk files it as unknown)."""
    roll = rng.random()
    if roll < TYPO_UNREADABLE:
        keyword, rest = text.split(" ", 1)
        garbled = {"BUKA": "BUAK", "TUTUP": "TUTP", "HITUNG": "HITNG", "KIRIM": "KRIM"}
        if keyword in garbled and rng.random() < 0.5:
            return f"{garbled[keyword]} {rest}", UNKNOWN, "unreadable"
        code, _, tail = rest.partition(" ")
        return f"{keyword} {code[:-1]} {tail}".strip(), UNKNOWN, "unreadable"
    if roll < TYPO_UNREADABLE + TYPO_READABLE:
        style = rng.randrange(4)
        if style == 0:
            return text.lower(), kind, "typo"
        if style == 1:
            return text.replace(" ", "#"), kind, "typo"
        if style == 2:
            keyword, rest = text.split(" ", 1)
            return f"{keyword} TPS {rest}", kind, "typo"
        keyword, rest = text.split(" ", 1)
        code, _, tail = rest.partition(" ")
        return f"{keyword} {code.replace('0', 'O')} {tail}".strip(), kind, "typo"
    return text, kind, ""


# Results ----------


def tps_votes(seed: int, tps_code: str) -> dict[str, int]:
    """A TPS's true count, near Banten's official shares and turnout."""
    rng = _rng(seed, "votes", tps_code)
    dpt = max(60, round(rng.gauss(DPT_PER_TPS, 25)))
    turnout = min(0.99, max(0.5, rng.gauss(TURNOUT, 0.06)))
    used = round(dpt * turnout)
    invalid = min(used, round(rng.gauss(used * INVALID_SHARE, 2)) if used else 0)
    invalid = max(0, invalid)
    valid = used - invalid
    draws = [rng.gammavariate(share / sum(SHARES) * 30, 1) for share in SHARES]
    total = sum(draws)
    votes = [int(valid * d / total) for d in draws]
    votes[1] += valid - sum(votes)
    return {
        "dpt_total": dpt,
        "suara_1": votes[0],
        "suara_2": votes[1],
        "suara_3": votes[2],
        "suara_sah": valid,
        "suara_tidak_sah": invalid,
        "suara_total": used,
        "surat_diterima": dpt + round(dpt * 0.02),
    }


def _hasil(
    seed: int, place: Tps, day: dt.date, counted: float, route: str, phone: str
) -> Message:
    """The field officer's HASIL after the count; now and then the candidates do not
    add up (a typo), which the desk refuses to read."""
    rng = _rng(seed, "hasil", place.code, day)
    truth = tps_votes(seed, place.code)
    shown = [truth["suara_1"], truth["suara_2"], truth["suara_3"]]
    valid, invalid = truth["suara_sah"], truth["suara_tidak_sah"]
    kind, note = RESULT, ""
    if rng.random() < HASIL_SUM_WRONG:
        shown[rng.randrange(3)] += rng.choice((1, 10))
        kind, note = UNKNOWN, "sum_wrong"
    return Message(
        at=_at(day, counted + rng.uniform(0.1, 0.8)),
        route=route,
        kind=kind,
        sender=phone,
        text=f"HASIL {place.code} {' '.join(map(str, shown))} {valid} {invalid}",
        tps_code=place.code,
        note=note,
        uid=f"h{place.code}{day:%m%d}",
    )


# Who sends a sheet, the share of TPS they cover, and when (hours after the count
# ends): KPU's Sirekap reads nearly every TPS's photo within a day or two; witnesses
# cover fewer, sooner.
SHEET_SOURCES = (("kpu_sirekap", 0.98, (1.0, 30.0)), ("saksi", 0.7, (0.5, 12.0)))
COUNT_ENDS = 22.0  # WIB hour the count usually ends, for the sheets' timing


def _sheets(seed: int, place: Tps, day: dt.date) -> list[Message]:
    """The two sources' sheets of a TPS (whether or not its officer reports), with
    Sirekap's published misread (a digit 8 read in front: 84 as 884) and witnesses'
    sheets differing on one candidate."""
    rng = _rng(seed, "sheets", place.code, day)
    truth = tps_votes(seed, place.code)
    out: list[Message] = []
    for source, share, after in SHEET_SOURCES:
        if rng.random() >= share:
            continue
        numbers = dict(truth)
        note = ""
        if source == "kpu_sirekap" and rng.random() < MISREAD:
            n = rng.randrange(1, 4)
            numbers[f"suara_{n}"] = int("8" + str(numbers[f"suara_{n}"]))
            note = "misread"
        if source == "saksi" and rng.random() < DISAGREE:
            n = rng.randrange(1, 4)
            numbers[f"suara_{n}"] = max(0, numbers[f"suara_{n}"] + rng.choice((-5, 5)))
            note = "disagree"
        sheet: tuple[tuple[str, object], ...] = (("source", source),) + tuple(
            sorted(numbers.items())
        )
        out.append(
            Message(
                at=_at(day, COUNT_ENDS + rng.uniform(*after)),
                route=RESULTS_API,
                kind=SHEET,
                sender="",
                text="",
                tps_code=place.code,
                note=note,
                sheet=sheet,
                uid=f"s{place.code}{source[0]}{day:%m%d}",
            )
        )
    return out


# Incidents ----------

# When incidents happen on each kind of day (WIB hour, weight): money politics
# before dawn on the vote day ("serangan fajar"), most during voting, some at the
# count in the evening.
HOURS = {
    "vote": ((5.0, 10), (8.0, 35), (11.0, 25), (15.0, 10), (20.0, 20)),
    "count": ((9.0, 40), (14.0, 40), (20.0, 20)),
    "quiet": ((10.0, 40), (16.0, 30), (21.0, 30)),
    "campaign": ((10.0, 40), (15.0, 40), (20.0, 20)),
}

# Citizens' own words, by category: {tps} is "TPS 5", {desa} the desa code's village.
CITIZEN_TEXTS = {
    "PU": (
        "Pak, di {tps} ada orang bagi-bagi amplop isi 50 ribu ke warga tadi pagi",
        "Ada serangan fajar di kampung kami, warga dikasih sembako sama tim sukses",
        "tolong dicek, dekat {tps} ada yang bagi uang supaya pilih nomor tertentu",
    ),
    "NET": (
        "Kepala desa kami ikut mengajak warga memilih salah satu paslon di {tps}",
        "Ada ASN pakai seragam ikut kampanye di dekat {tps}, mohon ditindak",
    ),
    "LOG": (
        "Surat suara di {tps} kurang, banyak warga belum bisa mencoblos",
        "Kotak suara di {tps} datang terlambat, pemungutan belum dimulai",
        "surat suara dprd tertukar dengan dapil lain di {tps}",
    ),
    "DPT": (
        "Saya sudah terdaftar tapi nama saya tidak ada di daftar pemilih {tps}",
        "Warga pindahan tidak bisa memilih di {tps}, kata petugas formulir habis",
    ),
    "HOAX": (
        "Beredar pesan berantai bahwa pencoblosan diundur besok, apakah benar",
        "Ada selebaran yang menghasut warga soal agama di dekat {tps}",
    ),
    "LIS": (
        "Listrik padam di sekitar {tps} sejak sore, penghitungan pakai senter",
        "Sinyal internet hilang di {tps}, petugas tidak bisa kirim foto hasil",
    ),
    "KAMP": (
        "Masih ada spanduk paslon terpasang dekat {tps} padahal masa tenang",
        "Ada tim kampanye keliling kampung pakai pengeras suara hari ini",
    ),
    "BEN": (
        "Banjir setinggi lutut di {tps}, warga susah datang mencoblos",
        "Pohon tumbang menutup jalan ke {tps} setelah hujan deras",
    ),
    "INT": (
        "Ada orang yang mengancam warga supaya tidak datang ke {tps}",
        "Saksi di {tps} diintimidasi oleh sekelompok orang tidak dikenal",
    ),
    "LAIN": (
        "Petugas KPPS di {tps} belum datang padahal sudah siang",
        "Antrean di {tps} panjang sekali dan tidak ada tempat duduk untuk lansia",
    ),
    "DEMO": (
        "Ada kerumunan massa di depan kantor kecamatan, mereka protes hasil hitung",
    ),
    "KEK": ("Terjadi keributan dan saling dorong antara dua kelompok warga di {tps}",),
}
HOAX_TEXTS = (
    "Katanya surat suara di {tps} sudah dicoblos duluan sama petugas, viral",
    "Kabar di grup WA: kotak suara di kecamatan kami dibawa kabur, benarkah",
    "Ada yang bilang pemilih yang tidak pakai KTP elektronik kena denda, betul pak",
)
# A field officer's short account after the field code's category and severity.
OFFICER_TEXTS = {
    "PU": "ada pembagian amplop ke warga",
    "NET": "kades ajak warga pilih paslon",
    "LOG": "surat suara kurang 20 lembar",
    "DPT": "warga tidak ada di DPT ditolak",
    "HOAX": "beredar hoaks pemilu diundur",
    "LIS": "listrik padam saat hitung",
    "KAMP": "APK masih terpasang masa tenang",
    "BEN": "genangan air di lokasi TPS",
    "INT": "saksi diancam orang tak dikenal",
    "LAIN": "KPPS terlambat datang",
    "DEMO": "massa berkumpul di depan PPK",
    "KEK": "keributan antar warga",
}


def _incidents(
    seed: int, place: Tps, day: dt.date, stage: str, factor: float
) -> list[Message]:
    rng = _rng(seed, "incidents", place.code, day)
    expected = DAY_RATES[stage] * place.weight * factor
    # Poisson by counting exponential gaps within one day.
    count, total = 0, rng.expovariate(1.0)
    while total < expected:
        count += 1
        total += rng.expovariate(1.0)
    out: list[Message] = []
    for n in range(count):
        out.extend(_event(seed, place, day, stage, n))
    return out


def _event(seed: int, place: Tps, day: dt.date, stage: str, n: int) -> list[Message]:
    rng = _rng(seed, "event", place.code, day, n)
    category = _pick(rng, CATEGORIES)
    if stage in ("quiet", "campaign") and category in ("LOG", "DPT", "LIS"):
        category = "KAMP" if rng.random() < 0.5 else "PU"
    severity = _pick(rng, SEVERITIES)
    hour = _pick(rng, [(str(h), w) for h, w in HOURS[stage]])
    at = _at(day, float(hour) + rng.uniform(0, 3))
    uid = f"e{place.code}{day:%m%d}{n}"
    first = _report(
        seed, rng, place, at, category, severity, _pick(rng, REPORTERS), uid
    )
    out = [first]
    if rng.random() < DUPLICATE:
        other = "public_form" if first.route == WHATSAPP else "citizen_wa"
        later = at + dt.timedelta(minutes=rng.uniform(5, 40))
        again = _report(seed, rng, place, later, category, severity, other, uid + "d")
        out.append(
            dataclasses.replace(
                again, note=",".join(x for x in (again.note, "duplicate") if x)
            )
        )
    return out


def _report(
    seed: int,
    rng: random.Random,
    place: Tps,
    at: dt.datetime,
    category: str,
    severity: str,
    who: str,
    uid: str,
) -> Message:
    tps_words = f"TPS {int(place.code[-3:])}"
    if who == "officer":
        route = officer_route(seed, place.code)
        text = f"LAPOR {place.code} {category} {severity} {OFFICER_TEXTS[category]}"
        text, kind, typo = _typed(rng, text, INCIDENT)
        return Message(
            at,
            route,
            kind,
            officer_phone(seed, place.code),
            text,
            place.code,
            typo,
            uid=uid,
        )
    if who == "telegram":
        chat = "-100" + _digits(seed, "group", place.kabkota, n=10)
        text = f"LAPOR {place.code} {category} {severity} {OFFICER_TEXTS[category]}"
        # An agency's group: posts as the group; unregistered, kept for the desk.
        return Message(at, TELEGRAM, INCIDENT, f"tg:{chat}", text, place.code, uid=uid)
    hoax = rng.random() < HOAX
    words = rng.choice(HOAX_TEXTS if hoax else CITIZEN_TEXTS[category])
    text = words.format(tps=tps_words)
    note = "hoax" if hoax else ""
    if who == "public_form":
        fields = (
            ("kabkota", place.kabkota),
            ("place", f"{tps_words}, desa {place.code[:10]}"),
            ("category", CATEGORY_NAMES["HOAX" if hoax else category]),
            ("description", text),
            ("name", rng.choice(("", "Warga", "Ibu Siti", "Pak Ahmad", "Rudi"))),
        )
        return Message(
            at, PUBLIC, INCIDENT, "", text, place.code, note, fields, uid=uid
        )
    phone = "+62857" + _digits(seed, "citizen", uid, n=8)
    return Message(at, WHATSAPP, FREE, phone, text, place.code, note, uid=uid)


def summary_counts(messages: Iterable[Message]) -> dict[str, dict[str, int]]:
    """{desk channel: {kind: count}}, sorted, for the summary."""
    out: dict[str, dict[str, int]] = {}
    for (channel, kind), n in sorted(
        Counter((m.channel, m.kind) for m in messages).items()
    ):
        out.setdefault(channel, {})[kind] = n
    return out
