"""Pages of media monitoring, under /berita/: the queue with its filters, an
article with what the analysis found highlighted, adding articles and feeds, a
story, and the officials' statements about a region.

Views read the request, call access/selectors/services and render; a refusal
(MediaError) re-renders the form with its message, status 422.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskpemilu.accounts import access
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.errors import show_error
from deskpemilu.media import selectors, services
from deskpemilu.media.forms import (
    ArticleFilterForm,
    ArticlePasteForm,
    AttachForm,
    SourceForm,
)
from deskpemilu.media.highlight import highlighted
from deskpemilu.media.services import MediaError

PER_PAGE = 30
INVALID = 422


@login_required
def queue(request: AuthedRequest) -> HttpResponse:
    user = request.user
    sources = selectors.sources(user)
    form = ArticleFilterForm(request.GET or None, sources=sources)
    filters = selectors.ArticleFilters()
    if form.is_valid():
        data = form.cleaned_data
        filters = selectors.ArticleFilters(
            region=data["region"].strip(),
            klass=data["klass"],
            category=data["category"],
            source=data["source"],
            since=data["since"],
            until=data["until"],
        )
    page = Paginator(selectors.article_list(user, filters), PER_PAGE).get_page(
        request.GET.get("hal")
    )
    context = {"form": form, "page": page, "can_add": access.can_add_media(user)}
    return render(request, "media/queue.html", context)


@login_required
def article_detail(request: AuthedRequest, article_id: int) -> HttpResponse:
    user = request.user
    article = selectors.article_detail(user, article_id)
    prefill = urlencode(services.incident_prefill(article))
    context = {
        "article": article,
        "body": highlighted(article.text, article.analysis.get("highlights", [])),
        "data": article.analysis,
        "can_add": access.can_add_media(user),
        "create_url": f"{reverse('incidents:create')}?{prefill}",
        "attach_form": AttachForm(),
        "clarified_by": article.clarified_by.all(),
    }
    return render(request, "media/article.html", context)


@login_required
@require_POST
def article_attach(request: AuthedRequest, article_id: int) -> HttpResponse:
    article = selectors.article_detail(request.user, article_id)
    form = AttachForm(request.POST)
    if form.is_valid():
        try:
            services.article_attach(
                actor=request.user,
                article_id=article.pk,
                incident_id=form.cleaned_data["incident"],
            )
        except MediaError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Article attached to the incident."))
    else:
        messages.error(request, _("Write an incident number."))
    return redirect("media:article", article.pk)


@login_required
def article_add(request: AuthedRequest) -> HttpResponse:
    if not access.can_add_media(request.user):
        raise PermissionDenied("not desk staff")
    form = ArticlePasteForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["file"]:
                article, new = services.article_from_upload(
                    actor=request.user, upload=data["file"], url=data["url"]
                )
            else:
                article, new = services.article_ingest(
                    actor=request.user,
                    text=data["text"],
                    title=data["title"],
                    url=data["url"],
                )
        except MediaError as error:
            show_error(form, error)
        else:
            if not new:
                messages.info(request, _("This article was already stored."))
            return redirect("media:article", article.pk)
    status = INVALID if form.is_bound else 200
    return render(request, "media/add.html", {"form": form}, status=status)


@login_required
def source_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    can_add = access.can_add_media(user)
    form = SourceForm(request.POST or None)
    if request.method == "POST":
        if not can_add:
            raise PermissionDenied("not desk staff")
        if form.is_valid():
            try:
                services.source_add(actor=user, **form.cleaned_data)
            except MediaError as error:
                show_error(form, error)
            else:
                messages.success(request, _("Source added."))
                return redirect("media:sources")
    context = {
        "sources": selectors.sources(user).prefetch_related("attempts"),
        "form": form,
        "can_add": can_add,
    }
    status = INVALID if form.is_bound else 200
    return render(request, "media/sources.html", context, status=status)


@login_required
def story_detail(request: AuthedRequest, story_id: int) -> HttpResponse:
    story, articles = selectors.story_detail(request.user, story_id)
    return render(request, "media/story.html", {"story": story, "articles": articles})


@login_required
def region_statements(request: AuthedRequest, code: str) -> HttpResponse:
    region = access.region_for_user_or_404(request.user, code)
    context = {
        "region": region,
        "statements": selectors.statements_for_region(request.user, region.code),
    }
    return render(request, "media/region_statements.html", context)
