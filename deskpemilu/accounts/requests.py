"""The request of a signed-in user, for type checking the views behind a login."""

from __future__ import annotations

from django.http import HttpRequest

from deskpemilu.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request that passed a login check (`login_required`, the admin site, ninja's
    `django_auth`): its user is a `User`, never the anonymous one. Only an
    annotation: Django still builds plain `HttpRequest`s."""

    user: User
