"""The header's bell: the signed-in person's unread notifications, counted only when
the header asks (one query)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from deskpemilu.notifications import selectors


def bell(request: HttpRequest) -> dict[str, Callable[[], object]]:
    user = getattr(request, "user", None)

    @cache
    def unread() -> int | None:
        if user is None or not user.is_authenticated:
            return None
        return selectors.unread_count(user)

    return {"unread_notifications": unread}
