"""The words the analysis looks for: acronyms, titles, incident and stability cues.

Whole words, never stems: "pengamanan" (the security operation) is not "aman"
(safe), "kejadian" is matched as written. Categories are the incident taxonomy's
values (`incidents/taxonomy.py`, checked by a test); no Django here.
"""

from __future__ import annotations

# Acronyms a desk meets in Banten's news, expanded. `kind` "org" puts the acronym in
# the organisations found; "title" opens a person's role.
GLOSSARY: dict[str, tuple[str, str]] = {
    "KPU": ("Komisi Pemilihan Umum", "org"),
    "KPUD": ("Komisi Pemilihan Umum Daerah", "org"),
    "Bawaslu": ("Badan Pengawas Pemilihan Umum", "org"),
    "Panwaslu": ("Panitia Pengawas Pemilihan Umum", "org"),
    "Panwascam": ("Panitia Pengawas Kecamatan", "org"),
    "PTPS": ("Pengawas Tempat Pemungutan Suara", "title"),
    "KPPS": ("Kelompok Penyelenggara Pemungutan Suara", "org"),
    "PPK": ("Panitia Pemilihan Kecamatan", "org"),
    "PPS": ("Panitia Pemungutan Suara", "org"),
    "TPS": ("Tempat Pemungutan Suara", "term"),
    "DPT": ("Daftar Pemilih Tetap", "term"),
    "APK": ("Alat Peraga Kampanye", "term"),
    "Pemilu": ("Pemilihan Umum", "term"),
    "Pilkada": ("Pemilihan Kepala Daerah", "term"),
    "Pilpres": ("Pemilihan Presiden", "term"),
    "Pileg": ("Pemilihan Legislatif", "term"),
    "Caleg": ("Calon Anggota Legislatif", "term"),
    "Paslon": ("Pasangan Calon", "term"),
    "Sirekap": ("Sistem Informasi Rekapitulasi", "term"),
    "Gakkumdu": ("Sentra Penegakan Hukum Terpadu", "org"),
    "Polri": ("Kepolisian Negara Republik Indonesia", "org"),
    "Polda": ("Kepolisian Daerah", "org"),
    "Polres": ("Kepolisian Resor", "org"),
    "Polresta": ("Kepolisian Resor Kota", "org"),
    "Polsek": ("Kepolisian Sektor", "org"),
    "TNI": ("Tentara Nasional Indonesia", "org"),
    "Kodim": ("Komando Distrik Militer", "org"),
    "Korem": ("Komando Resor Militer", "org"),
    "Forkopimda": ("Forum Koordinasi Pimpinan Daerah", "org"),
    "Pemprov": ("Pemerintah Provinsi", "org"),
    "Pemkab": ("Pemerintah Kabupaten", "org"),
    "Pemkot": ("Pemerintah Kota", "org"),
    "Pemda": ("Pemerintah Daerah", "org"),
    "DPRD": ("Dewan Perwakilan Rakyat Daerah", "org"),
    "DPR": ("Dewan Perwakilan Rakyat", "org"),
    "ASN": ("Aparatur Sipil Negara", "term"),
    "Satpol PP": ("Satuan Polisi Pamong Praja", "org"),
    "Kesbangpol": ("Badan Kesatuan Bangsa dan Politik", "org"),
    "Diskominfo": ("Dinas Komunikasi dan Informatika", "org"),
    "Kominfo": ("Kementerian Komunikasi dan Informatika", "org"),
    "Pj": ("Penjabat", "title"),
    "Plt": ("Pelaksana Tugas", "title"),
    "Kapolda": ("Kepala Kepolisian Daerah", "title"),
    "Kapolres": ("Kepala Kepolisian Resor", "title"),
    "Kapolresta": ("Kepala Kepolisian Resor Kota", "title"),
    "Kapolsek": ("Kepala Kepolisian Sektor", "title"),
    "Kapolri": ("Kepala Kepolisian Negara Republik Indonesia", "title"),
    "Dandim": ("Komandan Kodim", "title"),
    "Danrem": ("Komandan Korem", "title"),
    "Kabid Humas": ("Kepala Bidang Hubungan Masyarakat", "title"),
    "Kasat Reskrim": ("Kepala Satuan Reserse Kriminal", "title"),
    "Sekda": ("Sekretaris Daerah", "title"),
    "Kades": ("Kepala Desa", "title"),
}
GLOSSARY_FOLDED = {key.lower(): (key, *value) for key, value in GLOSSARY.items()}

# Words that open a person's role ("Pj Gubernur Banten, Al Muktabar"); a role is
# such a word and the capitalised words after it up to the comma before the name.
TITLE_WORDS = frozenset(
    """presiden wapres wakil gubernur bupati wali walikota menteri ketua anggota
    komisioner koordinator kepala kapolda kapolres kapolresta kapolsek kapolri
    dandim danrem pangdam pj penjabat plt camat lurah kades sekda direktur
    sekretaris kabid kasat kasi kadiv kasubbag juru jubir kadis kapuspen kabag
    pengamat dosen calon caleg capres cawapres""".split()
)

# Speech verbs after a quote: the speaker is the person named before it.
SPEECH_SUFFIXED = frozenset(
    """ungkapnya tambahnya terangnya jelasnya tutupnya katanya ujarnya tuturnya
    ucapnya imbuhnya sebutnya paparnya tegasnya lanjutnya pungkasnya ungkap
    pintanya harapnya akunya bebernya urainya timpalnya kilahnya""".split()
)
# Speech verbs followed by the speaker's name: "..., kata Abdul Karim".
SPEECH_NAMED = frozenset(
    "kata ujar ungkap tutur jelas tegas tambah terang imbuh sebut papar ucap".split()
)

# Incident cues by category of the taxonomy, each with the severity it suggests.
# Phrases are matched on whole lower-case words.
INCIDENT_CUES: dict[str, dict[str, str]] = {
    "kekerasan": {
        "bentrok": "berat",
        "bentrokan": "berat",
        "kericuhan": "sedang",
        "ricuh": "sedang",
        "keributan": "sedang",
        "perkelahian": "sedang",
        "pengeroyokan": "berat",
        "dikeroyok": "berat",
        "penganiayaan": "berat",
        "dianiaya": "berat",
        "pemukulan": "sedang",
        "dipukul": "sedang",
        "pelemparan": "sedang",
        "dilempari": "sedang",
        "pembakaran": "berat",
        "dibakar": "berat",
        "terluka": "berat",
        "luka-luka": "berat",
        "tewas": "kritis",
        "korban jiwa": "kritis",
        "senjata tajam": "berat",
        "kerusuhan": "kritis",
        "perusakan": "sedang",
        "dirusak": "sedang",
    },
    "intimidasi": {
        "intimidasi": "sedang",
        "diintimidasi": "sedang",
        "ancaman": "sedang",
        "diancam": "sedang",
        "mengancam": "sedang",
        "teror": "berat",
        "pengancaman": "sedang",
    },
    "politik_uang": {
        "politik uang": "sedang",
        "money politic": "sedang",
        "money politics": "sedang",
        "serangan fajar": "sedang",
        "bagi-bagi uang": "sedang",
        "membagikan uang": "sedang",
        "membagi-bagikan uang": "sedang",
        "amplop berisi uang": "sedang",
        "suap": "sedang",
    },
    "netralitas": {
        "tidak netral": "sedang",
        "netralitas": "ringan",
        "pelanggaran netralitas": "sedang",
    },
    "logistik": {
        "surat suara rusak": "sedang",
        "kekurangan surat suara": "sedang",
        "surat suara tertukar": "sedang",
        "surat suara tercoblos": "berat",
        "sudah tercoblos": "berat",
        "kotak suara rusak": "sedang",
        "logistik terlambat": "sedang",
        "keterlambatan logistik": "sedang",
    },
    "hak_pilih": {
        "tidak terdaftar": "ringan",
        "kehilangan hak pilih": "sedang",
        "pemilih ganda": "ringan",
        "mencoblos dua kali": "sedang",
        "pemungutan suara ulang": "sedang",
        "psu": "sedang",
    },
    "hoaks_sara": {
        "hoaks": "sedang",
        "hoax": "sedang",
        "berita bohong": "sedang",
        "disinformasi": "sedang",
        "ujaran kebencian": "berat",
        "sara": "berat",
        "provokasi": "sedang",
    },
    "unjuk_rasa": {
        "unjuk rasa": "sedang",
        "demonstrasi": "sedang",
        "demo": "sedang",
        "aksi massa": "sedang",
        "pengerahan massa": "sedang",
    },
    "kampanye": {
        "masa tenang": "ringan",
        "curi start": "ringan",
        "kampanye di luar jadwal": "ringan",
        "pelanggaran kampanye": "ringan",
    },
    "bencana": {
        "banjir": "sedang",
        "longsor": "sedang",
        "tanah longsor": "sedang",
        "gempa": "sedang",
        "puting beliung": "sedang",
        "kebakaran": "sedang",
    },
    "listrik_internet": {
        "listrik padam": "ringan",
        "pemadaman listrik": "ringan",
        "gangguan internet": "ringan",
        "gangguan jaringan": "ringan",
    },
}
# Generic words of an incident, with no category of their own.
INCIDENT_GENERIC = frozenset(
    "kejadian insiden kasus pelanggaran gangguan kecurangan peristiwa".split()
)
# Words of a calm situation. Whole words: "pengamanan" and "keamanan" are not here.
STABILITY_CUES = frozenset(
    """aman kondusif terkendali damai lancar stabil tertib sejuk""".split()
)
# Before a cue (within a few words), these negate it: "tanpa kejadian yang
# signifikan", "tidak ada laporan kericuhan", "nihil gangguan".
NEGATORS = (
    ("tanpa",),
    ("tidak", "ada"),
    ("tak", "ada"),
    ("tidak", "ditemukan"),
    ("tidak", "terjadi"),
    ("tak", "terjadi"),
    ("belum", "ada"),
    ("bukan",),
    ("nihil",),
    ("bebas", "dari"),
    ("bebas",),
    ("mencegah",),
    ("antisipasi",),
    ("mengantisipasi",),
    ("menolak",),
    ("melawan",),
    ("tolak",),
    ("jangan",),
    ("waspada",),
    ("mewaspadai",),
    ("menangkal",),
    ("potensi",),
    ("rawan",),
)
# Hedges keep an incident an incident, marked as not yet proven.
HEDGES = frozenset("dugaan diduga disinyalir ditengarai isu kabar".split())
# A sentence with a denial or a clarification makes its claim a hoax, not a fact.
DENIALS = frozenset(
    """membantah dibantah bantahan hoaks hoax bohong tidak benar keliru
    klarifikasi mengklarifikasi meluruskan disinformasi palsu""".split()
)
CLARIFICATION = frozenset(
    "klarifikasi mengklarifikasi meluruskan membantah bantahan dibantah".split()
)
# An election word: an article without one is "other" whatever else it says.
ELECTION_WORDS = frozenset(
    """pemilu pemilihan pilkada pilpres pileg tps kpu bawaslu kpps ppk pps caleg
    capres cawapres kampanye pencoblosan coblos mencoblos suara rekapitulasi
    paslon dpt panwaslu gakkumdu sirekap""".split()
)

MONTHS = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "pebruari": 2,
    "maret": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "mei": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "agustus": 8,
    "agu": 8,
    "agt": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "nopember": 11,
    "desember": 12,
    "des": 12,
}
DAYS = ("senin", "selasa", "rabu", "kamis", "jumat", "jum'at", "sabtu", "minggu")
