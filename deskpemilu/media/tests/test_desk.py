"""Media monitoring in the desk: ingest (pasted, uploaded, a feed from a local file
polled by the worker's schedule), stored once, fetch errors recorded and retried,
the queue and an article's page through the test client, stories, hoax and
clarification, the statements of a region."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents.services import incident_create
from deskpemilu.media import services
from deskpemilu.media.models import Article, FetchAttempt, Source
from deskpemilu.media.services import MediaError, article_ingest
from deskpemilu.regions.models import Region

pytestmark = pytest.mark.django_db
ARTICLES = Path(__file__).parent / "articles"


def _read(name: str) -> str:
    return (ARTICLES / name).read_text(encoding="utf-8")


def _feed(path: Path, items: list[tuple[str, str, str]]) -> None:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link>"
        f"<pubDate>Wed, 14 Feb 2024 10:00:00 +0700</pubDate>"
        f"<description><![CDATA[{text}]]></description></item>"
        for title, link, text in items
    )
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Kabar Banten</title>{body}</channel></rss>",
        encoding="utf-8",
    )


def _body(name: str) -> str:
    """An article's text without its headline line (a feed has the title apart)."""
    return "\n".join(_read(name).splitlines()[2:])


def test_pasted_article_stored_once(province_coordinator):
    text = _read("seed_article_banten_20240320.txt")
    article, new = article_ingest(
        actor=province_coordinator, text=text, url="https://example.id/a"
    )
    assert new and article.klass == "stability" and article.area_code == "36"
    assert article.published_on == dt.date(2024, 3, 20)
    # The same URL, and the same text elsewhere with another prefix and a typo.
    again, new = article_ingest(
        actor=province_coordinator, text="x", url="https://example.id/a"
    )
    assert (again.pk, new) == (article.pk, False)
    copied = text.replace("Hitzserpong-", "SERANG, BantenNews - ").replace(
        "silaturahmi", "silaturahim"
    )
    again, new = article_ingest(
        actor=province_coordinator, text=copied, url="https://other.id/b"
    )
    assert (again.pk, new) == (article.pk, False)
    assert Article.objects.count() == 1


def test_read_only_may_not_add(leader):
    with pytest.raises(MediaError):
        article_ingest(actor=leader, text=_read("bentrok_tps_lebak.txt"))


def test_upload_html_file(province_coordinator):
    paragraphs = "".join(
        f"<p>{p}</p>" for p in _body("bentrok_tps_lebak.txt").split("\n")
    )
    page = (
        "<html><head><title>Bentrok di TPS Cipanas</title></head><body><nav>Beranda "
        f"Politik Olahraga</nav><article>{paragraphs}</article></body></html>"
    )
    upload = SimpleUploadedFile("bentrok.html", page.encode(), "text/html")
    article, new = services.article_from_upload(
        actor=province_coordinator, upload=upload
    )
    assert new and article.title == "Bentrok di TPS Cipanas"
    assert (article.klass, article.category) == ("incident", "kekerasan")
    assert article.area_code == "3602042014"  # Desa Sipayung, Cipanas, Lebak
    assert "Beranda" not in article.text


def test_feed_from_a_local_file_fills_the_queue(
    tmp_path, province_coordinator, client_for
):
    feed = tmp_path / "feed.xml"
    _feed(
        feed,
        [
            (
                "Dua Kelompok Pendukung Caleg Bentrok di TPS Cipanas",
                "https://kabar.example/bentrok",
                _body("bentrok_tps_lebak.txt"),
            ),
            (
                "Bawaslu Pandeglang Tangani Dugaan Politik Uang",
                "https://kabar.example/politik-uang",
                _body("politik_uang_pandeglang.txt"),
            ),
        ],
    )
    source = services.source_add(
        actor=province_coordinator, name="Kabar Banten", feed_url=str(feed)
    )
    # The worker's schedule queues the poll; the burst runs it.
    call_command("worker", "--burst")
    attempt = FetchAttempt.objects.get(source=source)
    assert attempt.ok and (attempt.entries, attempt.stored) == (2, 2)
    assert Article.objects.filter(source=source).count() == 2

    # Polled again: nothing stored twice.
    services.source_poll(source)
    assert Article.objects.count() == 2

    client = client_for(province_coordinator)
    page = client.get(reverse("media:queue"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Bentrok di TPS Cipanas" in body and "Politik Uang" in body
    # Filters: class, category, region, source, date.
    only = client.get(reverse("media:queue"), {"category": "politik_uang"})
    assert "Bentrok" not in only.content.decode()
    assert "Politik Uang" in only.content.decode()
    lebak = client.get(reverse("media:queue"), {"region": "36.02"}).content.decode()
    assert "Bentrok" in lebak and "Politik Uang" not in lebak
    by_source = client.get(reverse("media:queue"), {"source": source.pk})
    assert "Bentrok" in by_source.content.decode()
    later = client.get(reverse("media:queue"), {"since": "2024-03-01"})
    assert "Bentrok" not in later.content.decode()
    stability = client.get(reverse("media:queue"), {"klass": "stability"})
    assert "Bentrok" not in stability.content.decode()


def test_fetch_error_recorded_and_retried_later(tmp_path, province_coordinator):
    missing = tmp_path / "nothing.xml"
    source = services.source_add(
        actor=province_coordinator, name="Situs Mati", feed_url=str(missing)
    )
    now = timezone.now()
    assert services.feeds_poll(now=now) == {"polled": 1, "failed": 1, "stored": 0}
    source.refresh_from_db()
    assert source.failures == 1 and "FileNotFoundError" in source.last_error
    assert source.next_poll_at > now
    # Not due again at once; due after its wait, and fine once the file is there.
    assert services.feeds_poll(now=now)["polled"] == 0
    _feed(
        missing,
        [("Judul", "https://x.example/1", _body("hoaks_surat_suara_tangerang.txt"))],
    )
    later = now + dt.timedelta(minutes=2)
    assert services.feeds_poll(now=later) == {"polled": 1, "failed": 0, "stored": 1}
    source.refresh_from_db()
    assert source.failures == 0 and source.last_error == ""
    assert FetchAttempt.objects.filter(source=source).count() == 2


def test_article_page_highlights_and_prefills(province_coordinator, client_for):
    article, _ = article_ingest(
        actor=province_coordinator, text=_read("politik_uang_pandeglang.txt")
    )
    client = client_for(province_coordinator)
    page = client.get(reverse("media:article", args=[article.pk]))
    assert page.status_code == 200
    body = page.content.decode()
    assert '<mark class="person">Febri Setiadi</mark>' in body
    assert '<mark class="place">Kecamatan Labuan</mark>' in body
    assert '<mark class="quote">' in body
    create_url = page.context["create_url"]
    query = parse_qs(urlsplit(create_url).query)
    assert query["category"] == ["politik_uang"]
    assert query["region"] == ["36.01.12.2010"]
    form_page = client.get(create_url)
    assert form_page.status_code == 200
    form = form_page.context["form"]
    assert form["category"].value() == "politik_uang"
    assert form["region"].value() == "36.01.12.2010"
    assert "Politik Uang" in form["title"].value()


def test_attach_to_incident(province_coordinator, leader, client_for):
    article, _ = article_ingest(
        actor=province_coordinator, text=_read("bentrok_tps_lebak.txt")
    )
    incident = incident_create(
        actor=province_coordinator,
        category="kekerasan",
        severity="berat",
        title="Bentrok di TPS 05 Sipayung",
        occurred_at=dt.datetime(2024, 2, 14, 13, 0, tzinfo=WIB),
        region=Region.objects.get(code="36.02.04.2014"),
    )
    url = reverse("media:article-attach", args=[article.pk])
    client_for(leader).post(url, {"incident": incident.pk})
    article.refresh_from_db()
    assert article.incident is None  # read-only
    client_for(province_coordinator).post(url, {"incident": incident.pk})
    article.refresh_from_db()
    assert article.incident == incident


def test_stories_and_the_hoax_clarified(province_coordinator, client_for):
    hoax_text = (
        "Beredar video surat suara sudah tercoblos di Kecamatan Cikupa, "
        "Kabupaten Tangerang, menjelang Pemilu 2024. Video itu viral, Kamis (8/2/2024)."
    )
    hoax, _ = article_ingest(
        actor=province_coordinator,
        title="Viral Video Surat Suara Sudah Tercoblos di Cikupa",
        text=hoax_text,
    )
    answer, _ = article_ingest(
        actor=province_coordinator, text=_read("hoaks_surat_suara_tangerang.txt")
    )
    hoax.refresh_from_db()
    # The claim (surat suara tercoblos) is known as a hoax once it is denied.
    assert hoax.hoax and not hoax.clarification
    assert answer.hoax and answer.clarification
    assert hoax.story_id == answer.story_id
    assert hoax.clarifies == answer
    page = client_for(province_coordinator).get(
        reverse("media:story", args=[hoax.story_id])
    )
    assert page.status_code == 200
    assert page.content.decode().count("/berita/artikel/") >= 3
    # An unrelated article starts its own story.
    other, _ = article_ingest(
        actor=province_coordinator, text=_read("rapat_koordinasi_cilegon.txt")
    )
    assert other.story_id != hoax.story_id


def test_statements_on_the_region_page(
    province_coordinator, kabkota_operator, client_for
):
    article_ingest(
        actor=province_coordinator, text=_read("seed_article_banten_20240320.txt")
    )
    article_ingest(actor=province_coordinator, text=_read("bentrok_tps_lebak.txt"))
    # The province's statement concerns Kota Serang's desk too.
    page = client_for(kabkota_operator).get(
        reverse("media:region-statements", args=["36.73"])
    )
    assert page.status_code == 200
    body = page.content.decode()
    assert "Penjabat (Pj) Gubernur Banten" in body and "Al Muktabar" in body
    assert "Bentrok" not in body
    # Outside the operator's scope: 404.
    outside = client_for(kabkota_operator).get(
        reverse("media:region-statements", args=["36.02"])
    )
    assert outside.status_code == 404


def test_queue_scope(province_coordinator, kabkota_operator, client_for):
    lebak, _ = article_ingest(
        actor=province_coordinator, text=_read("bentrok_tps_lebak.txt")
    )
    client = client_for(kabkota_operator)
    assert "Bentrok" not in client.get(reverse("media:queue")).content.decode()
    assert client.get(reverse("media:article", args=[lebak.pk])).status_code == 404


def test_paste_and_upload_pages(province_coordinator, leader, client_for):
    client = client_for(province_coordinator)
    assert client.get(reverse("media:add")).status_code == 200
    answer = client.post(
        reverse("media:add"), {"text": _read("politik_uang_pandeglang.txt")}
    )
    article = Article.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("media:article", args=[article.pk])
    empty = client.post(reverse("media:add"), {"text": "  "})
    assert empty.status_code == 422
    assert client_for(leader).get(reverse("media:add")).status_code == 403


def test_sources_page(province_coordinator, client_for):
    client = client_for(province_coordinator)
    answer = client.post(
        reverse("media:sources"), {"name": "Antara Banten", "feed_url": "/tmp/x.xml"}
    )
    assert answer.status_code == 302
    assert Source.objects.filter(name="Antara Banten").exists()
    page = client.get(reverse("media:sources"))
    assert "Antara Banten" in page.content.decode()


def test_schedule_polls_again_in_the_next_slot(tmp_path, province_coordinator):
    feed = tmp_path / "f.xml"
    _feed(feed, [])
    start = dt.datetime(2024, 2, 14, 8, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        services.source_add(
            actor=province_coordinator, name="Kosong", feed_url=str(feed)
        )
        call_command("worker", "--burst")
    with time_machine.travel(start + dt.timedelta(hours=1), tick=False):
        call_command("worker", "--burst")
    assert FetchAttempt.objects.count() == 2
