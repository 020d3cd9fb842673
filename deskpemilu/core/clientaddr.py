"""The client's address, the one place that reads it (rate limits, login throttle).

Behind reverse proxies every request arrives from the nearest proxy, and each proxy
appends the address it was reached from to ``X-Forwarded-For``. With
``DESKPEMILU_TRUSTED_PROXIES = n`` the client is the n-th entry from the right: the
one our outermost proxy wrote. Entries further left are whatever the client sent and
can be forged, and so can the whole header when a client reaches the app directly:
the header counts only when the request comes from an address of
``DESKPEMILU_PROXY_ADDRESSES`` (the nearest proxy), as in werkzeug's ProxyFix.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def proxy_networks(texts: tuple[str, ...]) -> tuple[Network, ...]:
    """The networks of ``DESKPEMILU_PROXY_ADDRESSES`` ("127.0.0.0/8,::1")."""
    return tuple(ipaddress.ip_network(text, strict=False) for text in texts)


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def forwarded_client(
    remote_addr: str | None,
    forwarded_for: str,
    *,
    hops: int,
    proxies: Iterable[Network],
) -> str | None:
    """The client's address from the socket's peer and ``X-Forwarded-For``.

    ``hops`` proxies stand in front of the app; 0 means none, and the peer is the
    client. A request that does not come from a proxy address, or whose header holds
    fewer entries than there are proxies (it skipped one), or whose entry is not an
    address, counts as coming from its peer."""
    if hops <= 0:
        return remote_addr
    peer = _address(remote_addr)
    if peer is None or not any(peer in network for network in proxies):
        return remote_addr
    entries = [entry.strip() for entry in forwarded_for.split(",") if entry.strip()]
    if len(entries) < hops:
        return remote_addr
    client = _address(entries[-hops])
    return str(client) if client is not None else remote_addr


def client_address(request: HttpRequest) -> str | None:
    """The address a request comes from, as far as the proxy settings let us know."""
    return forwarded_client(
        request.META.get("REMOTE_ADDR"),
        request.META.get("HTTP_X_FORWARDED_FOR", ""),
        hops=settings.DESKPEMILU_TRUSTED_PROXIES,
        proxies=proxy_networks(tuple(settings.DESKPEMILU_PROXY_ADDRESSES)),
    )
