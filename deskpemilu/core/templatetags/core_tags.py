"""Template tags every app's pages use."""

from __future__ import annotations

from django import template
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context, name: str, number: int) -> str:
    """Django's {% querystring %} with the page parameter's name given by a variable,
    so one include (_pages.html) serves every page, whatever its parameter."""
    return querystring(context, **{name: number})
