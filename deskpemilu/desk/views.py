"""The desk's home page. It puts two apps' pages together (the situation dashboard
and the regions' stage card), so it stands above both (docs/architecture.md)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse

from deskpemilu.accounts import access
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.incidents.views import my_tasks
from deskpemilu.regions.views import stage_context
from deskpemilu.situation.views import dashboard_page


@login_required
def home(request: AuthedRequest) -> HttpResponse:
    """The desk's home after login: the situation dashboard of the user's scope,
    under the card of the election's current stage; for a liaison (no desk role),
    Tugas saya, their agency's assignments. The region tree is at /wilayah/<code>/."""
    if access.home_is_tasks(request.user):
        return my_tasks(request)
    return dashboard_page(request, stage_context(request))
