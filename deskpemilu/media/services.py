"""Writes of media monitoring: an article in (pasted, uploaded, from a feed), the
feeds polled, an article tied to an incident."""

from __future__ import annotations

import datetime as dt
import urllib.request
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.core.errors import DeskError
from deskpemilu.media.analysis import Analysis, analyze
from deskpemilu.media.ingest import fingerprint, html_text, near, parse_feed
from deskpemilu.media.models import (
    Article,
    ArticleClass,
    FetchAttempt,
    Source,
    Story,
)
from deskpemilu.media.stories import FOLLOW_UP_DAYS, same_story
from deskpemilu.regions.codes import dotted, nodot, nodot_ancestors, widen

MAX_UPLOAD = 2 * 1024 * 1024
FETCH_TIMEOUT = 20
# A near-identical text is looked for among the articles of these last days.
DEDUPE_DAYS = 30
# A failed feed waits this long, doubled at each failure, at most a day.
RETRY_FIRST_SECONDS = 60
RETRY_MAX_SECONDS = 86_400


class MediaError(DeskError):
    pass


def _refuse_readonly(actor: User) -> None:
    if not access.can_add_media(actor):
        raise MediaError("forbidden", _("Your role may not add to the media desk."))


def _area(result: Analysis) -> str:
    """The region an article is about (undotted): for an incident report the most
    specific place it names (where it happened); for a statement the smallest
    region holding every place named (a governor at a police headquarters in Kota
    Serang speaks about the province)."""
    codes = [nodot(m.region.code) for m in result.places if m.region is not None]
    if not codes:
        return ""
    if result.klass == "incident":
        return max(codes, key=len)
    common = codes[0]
    for code in codes[1:]:
        while common and not code.startswith(common):
            common = next((a for a in reversed(nodot_ancestors(common))), "")
    return common


def _highlights(result: Analysis) -> list[tuple[int, int, str]]:
    spans = [(m.start, m.end, "place") for m in result.places]
    spans += [(s, e, "person") for s, e, _name in result.person_spans]
    spans += [(q.start, q.end, "quote") for q in result.quotes]
    return sorted(spans)


def _stored(result: Analysis) -> dict[str, Any]:
    data = result.as_json()
    del data["text"], data["title"]
    data["acronyms"] = result.acronyms
    data["highlights"] = _highlights(result)
    return data


def _story_for(article: Article) -> Story:
    since = article.received_at - dt.timedelta(days=FOLLOW_UP_DAYS)
    kabkota = widen(article.area_code, "kabkota") if article.area_code else ""
    recent = (
        Article.objects.filter(received_at__gte=since, story__isnull=False)
        .exclude(pk=article.pk)
        .select_related("story")
        .order_by("-received_at")[:500]
    )
    for other in recent:
        other_kab = widen(other.area_code, "kabkota") if other.area_code else ""
        if same_story(
            fingerprints=(article.fingerprint, other.fingerprint),
            titles=(article.title, other.title),
            kabkota=(kabkota, other_kab),
            categories=(article.category, other.category),
        ):
            story = other.story
            assert story is not None
            story.last_at = max(story.last_at, article.received_at)
            story.save(update_fields=["last_at"])
            return story
    return Story.objects.create(
        title=article.title[:300],
        area_code=article.area_code,
        category=article.category,
        first_at=article.received_at,
        last_at=article.received_at,
    )


def _link_clarification(article: Article) -> None:
    """An official clarification (a claim denied as a hoax) is tied to the claims
    it answers in the same story, which are then known to be hoaxes; a claim
    arriving after its clarification is tied to it too."""
    if article.story_id is None:
        return
    story = Article.objects.filter(story_id=article.story_id).exclude(pk=article.pk)
    if article.hoax and article.clarification:
        story.filter(clarification=False, klass=ArticleClass.INCIDENT).update(
            clarifies=article, hoax=True
        )
    elif article.klass == ArticleClass.INCIDENT:
        answer = story.filter(clarification=True, hoax=True).order_by("pk").first()
        if answer is not None:
            Article.objects.filter(pk=article.pk).update(clarifies=answer, hoax=True)


def _existing(url: str, print_: int) -> Article | None:
    if url:
        found = Article.objects.filter(url=url).first()
        if found is not None:
            return found
    since = timezone.now() - dt.timedelta(days=DEDUPE_DAYS)
    for pk, other in Article.objects.filter(received_at__gte=since).values_list(
        "pk", "fingerprint"
    ):
        if near(print_, other):
            return Article.objects.get(pk=pk)
    return None


def article_ingest(
    *,
    actor: User | None,
    text: str,
    title: str = "",
    url: str = "",
    source: Source | None = None,
    published: dt.date | None = None,
) -> tuple[Article, bool]:
    """Analyse and store an article; (the stored article, whether it is new). The
    same URL or a near-identical text gives back the article stored before."""
    if actor is not None:
        _refuse_readonly(actor)
    if not text.strip():
        raise MediaError("empty", _("The article has no text."), field="text")
    result = analyze(text, title=title)
    print_ = fingerprint(result.text)
    url = url.strip()[:500]
    found = _existing(url, print_)
    if found is not None:
        return found, False
    dates = [dt.date.fromisoformat(d) for d in result.dates]
    with transaction.atomic():
        try:
            article = Article.objects.create(
                source=source,
                url=url,
                title=(result.title or title or text.strip()[:80])[:300],
                raw_text=text,
                text=result.text,
                fingerprint=print_,
                published_on=published or (dates[0] if dates else None),
                klass=result.klass,
                category=result.category or "",
                severity=result.severity or "",
                hedged=result.hedged,
                hoax=result.hoax,
                clarification=result.clarification,
                area_code=_area(result),
                analysis=_stored(result),
                added_by=actor,
            )
        except IntegrityError:
            # The same URL stored by another worker a moment ago.
            return Article.objects.get(url=url), False
        article.story = _story_for(article)
        article.save(update_fields=["story"])
        _link_clarification(article)
    return article, True


def _decode(data: bytes) -> str:
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def article_from_upload(
    *, actor: User, upload: UploadedFile, url: str = ""
) -> tuple[Article, bool]:
    """An uploaded .html/.htm or .txt file: the main text of a page (trafilatura),
    a text file as it is."""
    _refuse_readonly(actor)
    if upload.size is not None and upload.size > MAX_UPLOAD:
        raise MediaError("too_big", _("The file is larger than 2 MB."), field="file")
    raw = _decode(upload.read())
    name = (upload.name or "").lower()
    title = ""
    if name.endswith((".html", ".htm")) or raw.lstrip()[:1] == "<":
        title, raw = html_text(raw)
    return article_ingest(actor=actor, text=raw, title=title, url=url)


def source_add(*, actor: User, name: str, feed_url: str = "") -> Source:
    _refuse_readonly(actor)
    name = name.strip()
    if not name:
        raise MediaError("name", _("A source needs a name."), field="name")
    if Source.objects.filter(name=name).exists():
        raise MediaError("name", _("A source of that name exists."), field="name")
    return Source.objects.create(
        name=name, feed_url=feed_url.strip(), next_poll_at=timezone.now()
    )


def _fetch_feed(feed_url: str) -> bytes:
    """The feed's bytes: a local file, or a URL fetched with a timeout (feedparser
    alone would wait forever on a silent server)."""
    if "://" not in feed_url or feed_url.startswith("file://"):
        return Path(feed_url.removeprefix("file://")).read_bytes()
    request = urllib.request.Request(feed_url, headers={"User-Agent": "deskpemilu"})
    with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT) as response:
        data: bytes = response.read(MAX_UPLOAD * 5)
        return data


def source_poll(source: Source, *, now: dt.datetime | None = None) -> FetchAttempt:
    """Fetch one feed and store its new entries. A failure is recorded and the
    feed waits longer before its next attempt; nothing is raised."""
    now = now or timezone.now()
    attempt = FetchAttempt(source=source, url=source.feed_url)
    try:
        entries, problem = parse_feed(_fetch_feed(source.feed_url))
        if problem:
            raise ValueError(problem)
        attempt.entries = len(entries)
        for entry in entries:
            if not entry.text:
                continue
            _article, new = article_ingest(
                actor=None,
                text=entry.text,
                title=entry.title,
                url=entry.url,
                source=source,
                published=(
                    timezone.localtime(entry.published).date()
                    if entry.published
                    else None
                ),
            )
            attempt.stored += new
        attempt.ok = True
    except Exception as error:  # noqa: BLE001 - every failure is recorded, none fatal
        attempt.error = f"{type(error).__name__}: {error}"[:2000]
    attempt.save()
    source.last_polled_at = now
    if attempt.ok:
        source.failures = 0
        source.last_error = ""
        source.next_poll_at = now
    else:
        source.failures += 1
        source.last_error = attempt.error
        wait = min(RETRY_FIRST_SECONDS * 2 ** (source.failures - 1), RETRY_MAX_SECONDS)
        source.next_poll_at = now + dt.timedelta(seconds=wait)
    source.save(
        update_fields=["last_polled_at", "failures", "last_error", "next_poll_at"]
    )
    return attempt


def feeds_poll(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Every active feed that is due (a failed one after its wait)."""
    now = now or timezone.now()
    due = Source.objects.filter(active=True).exclude(feed_url="")
    due = due.filter(next_poll_at__isnull=True) | due.filter(next_poll_at__lte=now)
    polled = failed = stored = 0
    for source in due.order_by("pk"):
        attempt = source_poll(source, now=now)
        polled += 1
        failed += not attempt.ok
        stored += attempt.stored
    return {"polled": polled, "failed": failed, "stored": stored}


def article_attach(*, actor: User, article_id: int, incident_id: int) -> Article:
    """Tie an article to an incident the actor may edit."""
    _refuse_readonly(actor)
    article = access.articles_visible(actor).filter(pk=article_id).first()
    if article is None:
        raise MediaError("article", _("No such article."))
    incident = access.incidents_visible(actor).filter(pk=incident_id).first()
    if incident is None:
        raise MediaError("incident", _("No such incident."), field="incident")
    if not access.can_edit_incident(actor, incident):
        raise MediaError("forbidden", _("You may not edit this incident."))
    article.incident = incident
    article.save(update_fields=["incident"])
    return article


def incident_prefill(article: Article) -> dict[str, str]:
    """The fields of the desk's incident form filled from an article (query
    parameters of /kejadian/baru/)."""
    region = dotted(article.area_code) if article.area_code else None
    return {
        "title": article.title[:200],
        "description": f"{article.text[:1500]}\n\nSumber: {article.url or 'media'}",
        "category": article.category or "lainnya",
        "severity": article.severity or "ringan",
        "region": region or "",
    }
