"""Panels: what an app higher up puts on a page of an app below it.

A page of a lower app (the incident page, Tugas saya, the dashboard, the watchlist)
cannot import the apps above it (docs/architecture.md), yet the desk wants, say, the
contact directory of coordination on the incident page. The composition layer
(`deskpemilu/desk/panels.py`) registers a provider per page name at start-up; the
page's view asks `extras(page, **arguments)` for the context they add and renders the
templates listed under "panels" (`{% for panel in panels %}{% include panel %}`).
A page without providers gets an empty list and no extra query.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Provider = Callable[..., dict[str, Any]]

_providers: dict[str, list[Provider]] = {}


def register(page: str, provider: Provider) -> None:
    """Add a provider for a page (once: registering the same one again is a no-op)."""
    listed = _providers.setdefault(page, [])
    if provider not in listed:
        listed.append(provider)


def extras(page: str, **arguments: Any) -> dict[str, Any]:
    """The context every provider of the page adds, with "panels": the templates
    to include, in the order the providers were registered."""
    context: dict[str, Any] = {"panels": []}
    for provider in _providers.get(page, ()):
        added = dict(provider(**arguments))
        context["panels"] += added.pop("panels", [])
        context.update(added)
    return context
