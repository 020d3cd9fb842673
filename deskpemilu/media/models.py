"""Media monitoring: the sources and feeds the desk reads, what was fetched from
them, the articles (analysed) and the stories that group them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ArticleClass(models.TextChoices):
    INCIDENT = "incident", _("incident report")
    STABILITY = "stability", _("stability statement")
    OTHER = "other", _("other")


class Source(models.Model):
    """A news site or a feed. A feed (`feed_url`: an RSS/Atom URL or a local file)
    is polled by the periodic task `media_poll_feeds`; a failed fetch waits
    longer each time, and is recorded (FetchAttempt), never fatal."""

    name = models.CharField(_("name"), max_length=120, unique=True)
    feed_url = models.CharField(_("feed (URL or file)"), max_length=500, blank=True)
    active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(null=True, blank=True)
    next_poll_at = models.DateTimeField(null=True, blank=True, db_index=True)
    failures = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("media source")
        verbose_name_plural = _("media sources")

    def __str__(self) -> str:
        return self.name


class FetchAttempt(models.Model):
    """One fetch of a feed or a page: its outcome, kept for the desk to see."""

    source = models.ForeignKey(
        Source, on_delete=models.CASCADE, related_name="attempts"
    )
    url = models.CharField(max_length=500)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    ok = models.BooleanField(default=False)
    error = models.TextField(blank=True)
    entries = models.PositiveIntegerField(default=0)
    stored = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.url} {'ok' if self.ok else self.error[:60]}"


class Story(models.Model):
    """Articles about the same event: near-duplicates (a press release printed by
    several sites) and follow-ups (same place, same kind of event, days apart)."""

    title = models.CharField(max_length=300)
    area_code = models.CharField(max_length=10, blank=True, db_index=True)
    category = models.CharField(max_length=20, blank=True)
    first_at = models.DateTimeField()
    last_at = models.DateTimeField()

    class Meta:
        ordering = ["-last_at"]
        verbose_name = _("story")
        verbose_name_plural = _("stories")

    def __str__(self) -> str:
        return self.title


class Article(models.Model):
    """An article as read by the analysis (media/analysis.py). The same URL or a
    near-identical text (fingerprint, media/ingest.py) is stored once."""

    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles",
    )
    url = models.CharField(_("URL"), max_length=500, blank=True)
    title = models.CharField(_("title"), max_length=300)
    raw_text = models.TextField()
    text = models.TextField(_("text"))
    fingerprint = models.BigIntegerField(db_index=True)
    published_on = models.DateField(_("date"), null=True, blank=True, db_index=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    klass = models.CharField(
        _("class"), max_length=10, choices=ArticleClass.choices, db_index=True
    )
    category = models.CharField(_("category"), max_length=20, blank=True)
    severity = models.CharField(_("severity"), max_length=10, blank=True)
    hedged = models.BooleanField(default=False)
    hoax = models.BooleanField(default=False)
    clarification = models.BooleanField(default=False)
    # The most specific place resolved (undotted, like incidents' area_code).
    area_code = models.CharField(max_length=10, blank=True, db_index=True)
    # places, persons, organizations, quotes, dates, acronyms and the spans to
    # highlight, as the analysis gave them.
    analysis = models.JSONField(default=dict)
    story = models.ForeignKey(
        Story, null=True, blank=True, on_delete=models.SET_NULL, related_name="articles"
    )
    # A hoax's official clarification, and the incident the desk tied it to.
    clarifies = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="clarified_by",
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="media_articles",
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        constraints = [
            models.UniqueConstraint(
                fields=["url"], condition=~Q(url=""), name="media_article_url_once"
            )
        ]

    def __str__(self) -> str:
        return self.title
