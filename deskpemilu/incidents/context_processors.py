"""The header's Tugas saya count and the coordinators' "siap ditutup" link.

Both are computed only when the header asks for them, and the count only for a
liaison: one query (incidents.selectors.my_task_count). Other users' pages pay
nothing beyond the access already worked out for the request.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from django.http import HttpRequest

from deskpemilu.accounts import access
from deskpemilu.incidents import selectors


def desk_tasks(request: HttpRequest) -> dict[str, Callable[[], object]]:
    user = getattr(request, "user", None)

    @cache
    def task_count() -> int | None:
        if user is None or not user.is_authenticated or not access.has_tasks(user):
            return None
        return selectors.my_task_count(user)

    @cache
    def closes() -> bool:
        return bool(
            user is not None
            and user.is_authenticated
            and access.can_see_ready_to_close(user)
        )

    return {"my_task_count": task_count, "closes_incidents": closes}
