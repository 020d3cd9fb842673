"""The bell's pages, under /notifikasi/: the list, marking read, and "Notifikasi
saya" (which event on which channel, the daily digest)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from deskpemilu.accounts import access
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.notifications import kinds, selectors, services
from deskpemilu.notifications.models import Channel


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    notes = selectors.notifications_of(request.user)
    page = Paginator(notes, selectors.PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page_obj": page})


@require_POST
@login_required
def notification_read(request: AuthedRequest) -> HttpResponse:
    """Mark one notification read and open what it is about, or mark them all."""
    note_id = request.POST.get("id", "")
    if not note_id.isdigit():
        services.notifications_mark_read(actor=request.user)
        return redirect("notifications:list")
    note = get_object_or_404(access.notifications_visible(request.user), pk=note_id)
    services.notifications_mark_read(actor=request.user, ids=[note.pk])
    safe = url_has_allowed_host_and_scheme(note.url, allowed_hosts=None)
    return HttpResponseRedirect(note.url if note.url and safe else "/notifikasi/")


@login_required
def my_preferences(request: AuthedRequest) -> HttpResponse:
    """Notifikasi saya: a grid of checkboxes, event by channel."""
    channels = selectors.offered_channels()
    if request.method == "POST":
        cells = {
            (kind, channel)
            for kind in kinds.KINDS
            for channel in channels
            if request.POST.get(f"{kind}:{channel}")
        }
        services.preferences_save(
            actor=request.user,
            cells=cells,
            daily_digest=bool(request.POST.get("daily_digest")),
            channels=channels,
        )
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    context = {
        "choices": selectors.preferences_of(request.user),
        "channels": [(c, Channel(c).label) for c in channels],
    }
    return render(request, "notifications/preferences.html", context)
