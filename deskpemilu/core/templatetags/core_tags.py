"""Template tags every app's pages use."""

from __future__ import annotations

from django import template
from django.template.context import Context
from django.template.defaulttags import querystring

register = template.Library()


@register.simple_tag(takes_context=True)
def page_query(context: Context, name: str, number: int) -> str:
    """Django's {% querystring %} with the page parameter's name given by a variable,
    so one include (_pages.html) serves every page, whatever its parameter."""
    # None is the tag's own default (the current request's query).
    return querystring(context, None, **{name: number})


@register.filter
def get(mapping: object, key: object) -> object:
    """{{ mapping|get:key }}: a dict's value for a key held in a variable, or None."""
    return mapping.get(key) if isinstance(mapping, dict) else None
