"""Every page a person reads, in both languages, with real objects behind it.

Every URL of the URL table that answers a GET with a page (core/tests/test_url_table.py)
is asked by a province coordinator (the public pages anonymously) in Indonesian and
in English. An English page may not show the desk's Indonesian words (status levels,
stages, reasons...: the catalogue's common UI words) outside the data people typed;
no page may show a raw code word (`politik_uang`, `sum_mismatch`) or an ISO moment
where a person reads.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from deskpemilu.accounts.models import Agency, User
from deskpemilu.coordination.models import Handover, Meeting
from deskpemilu.coordination.services import handover_write, shift_create
from deskpemilu.core.tests.test_url_table import LOGIN, PUBLIC, TABLE, _desk_urls
from deskpemilu.elections.models import Contest, Stage
from deskpemilu.incidents.models import FollowUp, Incident, IncidentEvent
from deskpemilu.intake.models import InboundMessage
from deskpemilu.media.models import Article
from deskpemilu.media.services import article_ingest
from deskpemilu.regions.models import Region
from deskpemilu.reports.services import report_draft
from deskpemilu.reports.tests.conftest import (  # noqa: F401 (fixtures)
    ElectionDay,
    election_day,
)
from deskpemilu.results.models import ResultSheet
from deskpemilu.results.tests.conftest import SUMUR_TPS, sumur  # noqa: F401
from deskpemilu.situation.models import StatusOverride
from deskpemilu.situation.services import status_override_create

pytestmark = pytest.mark.django_db

ARTICLES = settings.PACKAGE_DIR / "media" / "tests" / "articles"
# Pages that are files, not pages, or need an object the fixtures do not make.
NOT_PAGES = {
    "health",
    "api:openapi-json",
    "api:api-root",
    "api:openapi-view",
    "intake:upload-template",
    "situation:tps-rawan-template",
    "coordination:contacts-template",
    "results:export",
    "results:photo",
    "incidents:attachment",
    "intake:message-file",
    "reports:download",
    "place-search",
}

# Indonesian words of the desk's own interface (the catalogue's msgstrs of its
# common words): on an English page they are an untranslated label, never data.
INDONESIAN_UI = [
    # status levels and TPS vulnerability classes
    "Aman dan kondusif",
    "Waspada",
    "Siaga",
    "Rawan",
    "Kurang rawan",
    "Sangat rawan",
    "belum dinilai",
    # incident words, statuses, severities, categories
    "Kejadian",
    "Laporan",
    "Terverifikasi",
    "Ditangani",
    "Ditolak",
    "Selesai",
    "Ringan",
    "Sedang",
    "Berat",
    "Kritis",
    "Politik uang",
    "Kekerasan",
    "Hoaks",
    "Logistik",
    "Lainnya",
    # common words
    "belum",
    "tidak",
    "sudah",
    "dan",
    "atau",
    "dari",
    "untuk",
    "dengan",
    "Tahap",
    "Tahapan",
    "Wilayah",
    "Simpan",
    "Cari",
    "Tampilkan",
    "Kembali",
    "Catatan",
    "Alasan",
    "Pernyataan",
    "Cakupan",
    "terlambat",
    "jam",
    "hari",
    # coverage stages of voting day
    "Buka",
    "Hitung",
    "Tutup",
    "Pukul",
    "WIB pukul",
]
INDONESIAN_WORD = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(w) for w in INDONESIAN_UI) + r")(?![\w-])"
)
# A code word where a person reads: snake_case (politik_uang, sum_mismatch) or an
# ISO moment (2024-02-14T10:00, 2024-02-14 10:00).
CODE_WORD = re.compile(r"(?<![\w./-])[a-z]+(?:_[a-z0-9]+)+(?![\w./-])")
ISO_MOMENT = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}|\b)")
# Column names of the desk's upload templates: a person types them into a file.
COLUMN_NAMES = {
    "kode_wilayah",
    "kode_tps",
    "tps_code",
    "place_code",
    "nomor_urut",
}


class _Text(HTMLParser):
    """The text a person reads: element text and the labels a browser shows
    (title, placeholder, alt, aria-label), without scripts and styles, code on
    purpose (<code>, <kbd>) and text marked as written in Indonesian (lang="id":
    what people and sources wrote, shown as written)."""

    SHOWN = ("title", "placeholder", "alt", "aria-label")

    def __init__(self, *, skip_indonesian: bool) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.skip_indonesian = skip_indonesian
        self._skipped: str | None = None
        self._depth = 0

    def _skips(self, tag: str, attrs: list[tuple[str, str | None]]) -> bool:
        if tag in ("script", "style", "template", "code", "kbd"):
            return True
        return self.skip_indonesian and ("lang", "id") in attrs

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skipped is None and self._skips(tag, attrs):
            self._skipped, self._depth = tag, 0
        if tag == self._skipped:
            self._depth += 1
        if self._skipped is None:
            self.parts += [v for name, v in attrs if name in self.SHOWN and v]

    def handle_endtag(self, tag: str) -> None:
        if tag == self._skipped:
            self._depth -= 1
            if self._depth == 0:
                self._skipped = None

    def handle_data(self, data: str) -> None:
        if self._skipped is None and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str, *, skip_indonesian: bool = False) -> str:
    parser = _Text(skip_indonesian=skip_indonesian)
    parser.feed(html)
    return "\n".join(parser.parts)


@dataclass
class Desk:
    """The objects behind the pages, and what people typed (exempt: it is data)."""

    kwargs: dict[str, object]
    data: list[str] = field(default_factory=list)


def _typed_data() -> list[str]:
    """Text that people or sources wrote, in Indonesian: it stays as written."""
    data: list[str] = []
    for incident in Incident.objects.all():
        data += [incident.title, incident.description]
    for article in Article.objects.all():
        data += [article.title, article.text, article.raw_text]
    for meeting in Meeting.objects.prefetch_related("action_items"):
        data += [meeting.title, meeting.place, meeting.agenda, meeting.decisions]
        data += [i.description for i in meeting.action_items.all()]
    data += list(Region.objects.values_list("name", flat=True))
    data += list(Agency.objects.values_list("name", flat=True))
    data += list(User.objects.values_list("username", flat=True))
    data += list(Contest.objects.values_list("name", flat=True))
    data += list(InboundMessage.objects.values_list("body", flat=True))
    data += list(Stage.objects.values_list("name", flat=True))
    data += list(Handover.objects.values_list("open_matters", flat=True))
    data += list(StatusOverride.objects.values_list("reason", flat=True))
    data += list(FollowUp.objects.values_list("action", flat=True))
    data += list(IncidentEvent.objects.values_list("note", flat=True))
    # Longest first, so a name inside a longer text goes with it.
    return sorted({d for d in data if d and len(d) > 2}, key=len, reverse=True)


@pytest.fixture
def desk(
    settings,
    election_day: ElectionDay,  # noqa: F811
    sumur,  # noqa: F811
    province_coordinator: User,
) -> Desk:
    settings.DESKPEMILU_SMS_GATEWAY_KEY = "k"
    coord = province_coordinator
    serang = Region.objects.get(code="36.73")
    article, _ = article_ingest(
        actor=coord,
        text=(ARTICLES / "politik_uang_pandeglang.txt").read_text(encoding="utf-8"),
        url="https://x.test/a",
    )
    report = report_draft(
        actor=coord,
        region=Region.objects.get(code="36"),
        start=dt.datetime(2024, 2, 14, 6, tzinfo=election_day.clash.occurred_at.tzinfo),
        end=dt.datetime(2024, 2, 15, 6, tzinfo=election_day.clash.occurred_at.tzinfo),
    )
    status_override_create(
        actor=coord,
        region=serang,
        level="siaga",
        reason="Unjuk rasa di depan KPU",
        expires_at=timezone.now() + dt.timedelta(hours=12),
    )
    shift = shift_create(
        actor=coord,
        region=Region.objects.get(code="36"),
        starts_at=election_day.clash.occurred_at,
        ends_at=election_day.clash.occurred_at + dt.timedelta(hours=8),
        people=[coord],
    )
    handover_write(
        actor=coord, shift_id=shift.pk, open_matters="Pantau TPS 005 Kemanisan"
    )
    sms = Client().get(
        "/webhooks/sms",
        {"sender": "081234567890", "text": "buka 3601012001001 0705", "key": "k"},
    )
    assert sms.status_code == 200, sms.content
    Client().get(
        "/webhooks/sms",
        {"sender": "081234567891", "text": "kejadian 999", "id": "2", "key": "k"},
    )
    sheet = ResultSheet.objects.filter(tps_code=SUMUR_TPS).first()
    assert sheet is not None
    kwargs = {
        "code": "36.73",
        "incident_id": election_day.clash.pk,
        "message_id": InboundMessage.objects.order_by("pk").last().pk,  # type: ignore[union-attr]
        "meeting_id": Meeting.objects.get().pk,
        "article_id": article.pk,
        "story_id": article.story_id,
        "report_id": report.pk,
        "sheet_id": sheet.pk,
    }
    return Desk(kwargs=kwargs, data=_typed_data())


def _pages(desk: Desk) -> Iterator[tuple[str, str, bool]]:
    """(name, url, anonymous) of every page a GET shows."""
    for _route, name, pattern in _desk_urls():
        method, door, _ = TABLE[name]
        if method != "GET" or door not in (LOGIN, PUBLIC) or name in NOT_PAGES:
            continue
        names = (pattern.pattern.converters or {}) | dict.fromkeys(
            pattern.pattern.regex.groupindex
        )
        kwargs = {key: desk.kwargs[key] for key in names}
        url = reverse(name, kwargs=kwargs)
        if name == "results:tps":
            url = reverse(name, kwargs={"code": SUMUR_TPS})
        if name == "situation:dashboard":
            url = "/?date_from=14/02/2024&date_to=15/02/2024"
        yield name, url, door == PUBLIC


def _client(user: User | None, language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    if user is not None:
        client.force_login(user)
    return client


def _without_data(text: str, data: list[str]) -> str:
    for item in data:
        text = text.replace(item, " ")
    return text


def _read(desk: Desk, user: User, language: str) -> Iterator[tuple[str, str]]:
    """(name, visible text without the data) of every page, asked in the language."""
    signed_in, anonymous = _client(user, language), _client(None, language)
    for name, url, public in _pages(desk):
        client = anonymous if public else signed_in
        response = client.get(url, follow=True)
        assert response.status_code == 200, (name, url, response.status_code)
        assert response.headers["Content-Language"] == language, name
        if not response["Content-Type"].startswith("text/html"):
            continue
        text = visible_text(response.content.decode(), skip_indonesian=language == "en")
        yield name, _without_data(text, desk.data)


def _lines(text: str) -> Iterator[str]:
    yield from (line for line in text.split("\n") if line.strip())


def test_english_pages_show_no_indonesian_word_of_the_interface(
    desk: Desk, province_coordinator: User
) -> None:
    found, pages = set(), 0
    for name, text in _read(desk, province_coordinator, "en"):
        pages += 1
        found |= {
            f"{name}: {m.group(0)!r} in {line!r}"
            for line in _lines(text)
            for m in INDONESIAN_WORD.finditer(line)
        }
    assert pages > 40, "the walk missed most pages"
    assert not found, "\n".join(sorted(found))


@pytest.mark.parametrize("language", ["id", "en"])
def test_no_page_shows_a_code_word_or_an_iso_moment(
    desk: Desk, province_coordinator: User, language: str
) -> None:
    found, pages = set(), 0
    for name, text in _read(desk, province_coordinator, language):
        pages += 1
        found |= {
            f"{name}: {m.group(0)!r} in {line!r}"
            for line in _lines(text)
            for m in (*CODE_WORD.finditer(line), *ISO_MOMENT.finditer(line))
            if m.group(0) not in COLUMN_NAMES
        }
    assert pages > 40, "the walk missed most pages"
    assert not found, "\n".join(sorted(found))


def test_the_word_list_finds_an_untranslated_label() -> None:
    # The check itself: a status level left in Indonesian on an English page.
    assert INDONESIAN_WORD.search("Status: Waspada (3 incidents)")
    assert not INDONESIAN_WORD.search("Status: Alert (3 incidents), Kab. Serang")
    assert CODE_WORD.search("Category: politik_uang")
    assert ISO_MOMENT.search("at 2024-02-14T10:00")
    assert not CODE_WORD.search("see /kejadian/1/ or file_x.csv")
