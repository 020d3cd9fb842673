"""Reads of media monitoring, each for a user (their scope through
access.articles_visible)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from deskpemilu.accounts import access
from deskpemilu.accounts.models import User
from deskpemilu.media.models import Article, ArticleClass, Source, Story
from deskpemilu.regions.codes import nodot, nodot_ancestors
from deskpemilu.regions.models import Region, region_subtree_q


@dataclass(frozen=True)
class ArticleFilters:
    region: str = ""  # dotted code: the region and everything under it
    klass: str = ""
    category: str = ""
    source: int | None = None
    since: dt.date | None = None
    until: dt.date | None = None


def article_list(user: User, filters: ArticleFilters) -> QuerySet[Article]:
    qs = access.articles_visible(user).select_related("source", "story")
    if filters.region:
        qs = qs.filter(region_subtree_q(filters.region, field="area_code"))
    if filters.klass:
        qs = qs.filter(klass=filters.klass)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.source is not None:
        qs = qs.filter(source_id=filters.source)
    if filters.since is not None:
        qs = qs.filter(
            Q(published_on__gte=filters.since)
            | Q(published_on__isnull=True, received_at__date__gte=filters.since)
        )
    if filters.until is not None:
        qs = qs.filter(
            Q(published_on__lte=filters.until)
            | Q(published_on__isnull=True, received_at__date__lte=filters.until)
        )
    return qs.order_by("-received_at", "-id")


def article_detail(user: User, article_id: int) -> Article:
    article = (
        access.articles_visible(user)
        .select_related("source", "story", "incident", "clarifies")
        .filter(pk=article_id)
        .first()
    )
    if article is None:
        raise Http404("no such article")
    return article


def story_detail(user: User, story_id: int) -> tuple[Story, QuerySet[Article]]:
    story = Story.objects.filter(pk=story_id).first()
    articles = (
        access.articles_visible(user)
        .filter(story_id=story_id)
        .select_related("source", "clarifies")
        .order_by("received_at")
    )
    if story is None or not articles.exists():
        raise Http404("no such story")
    return story, articles


def statements_for_region(
    user: User, code: str, *, limit: int = 20
) -> QuerySet[Article]:
    """Officials' stability statements about a region (dotted code): about it,
    about a region under it, or about a region holding it (the province)."""
    region = access.region_for_user_or_404(user, code)
    undotted = nodot(region.code)
    return (
        access.articles_visible(user)
        .filter(klass=ArticleClass.STABILITY)
        .filter(
            region_subtree_q(region.code, field="area_code")
            | Q(area_code__in=nodot_ancestors(undotted))
        )
        .order_by("-published_on", "-received_at")[:limit]
    )


def highlights_for_region(
    user: User, region: Region, first: dt.date, last: dt.date, *, limit: int = 15
) -> QuerySet[Article]:
    """The news of a period about a region (or a region under or holding it) that a
    situation report highlights: incident reports and officials' stability statements
    published (or, undated, received) between two WIB dates, both included; newest
    first."""
    undotted = nodot(region.code)
    dated = Q(published_on__gte=first, published_on__lte=last)
    undated = Q(published_on__isnull=True, received_at__date__gte=first) & Q(
        received_at__date__lte=last
    )
    return (
        access.articles_visible(user)
        .filter(klass__in=[ArticleClass.STABILITY, ArticleClass.INCIDENT])
        .filter(
            region_subtree_q(region.code, field="area_code")
            | Q(area_code__in=nodot_ancestors(undotted))
        )
        .filter(dated | undated)
        .order_by("-published_on", "-received_at")[:limit]
    )


def sources(user: User) -> QuerySet[Source]:
    """Every source (the feed list is the desk's, not a region's)."""
    return Source.objects.order_by("name")
