"""`{% load media_tags %}{% media_statements user region.code %}`: the officials'
stability statements about a region as a timeline, for a page of an app below media
(situation's region page) to show without importing media."""

from __future__ import annotations

from typing import Any

from django import template

from deskpemilu.media.selectors import statements_for_region

register = template.Library()


@register.inclusion_tag("media/_statements.html")
def media_statements(user: Any, code: str) -> dict[str, Any]:
    return {"statements": statements_for_region(user, code)}
