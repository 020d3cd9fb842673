"""API tokens for integrating agency systems and gateways.

A token is shown once when made and stored only as its SHA-256. Lookups are cached
in the process for a short time, so a revoked token stops working within
TOKEN_CACHE_SECONDS.
"""

from __future__ import annotations

import hashlib
import secrets
import time

from django.http import HttpRequest
from ninja.security import HttpBearer

from deskpemilu.accounts.models import Agency
from deskpemilu.intake.models import ApiClient

TOKEN_CACHE_SECONDS = 30
_cache: dict[str, tuple[float, int | None]] = {}


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def api_client_create(
    *, name: str, agency: Agency | None = None
) -> tuple[ApiClient, str]:
    """A new client and its token (returned once, never stored in clear)."""
    token = "dp_" + secrets.token_urlsafe(32)
    client = ApiClient.objects.create(
        name=name, agency=agency, token_hash=token_hash(token), token_prefix=token[:10]
    )
    return client, token


def client_id_for(token: str) -> int | None:
    digest = token_hash(token)
    now = time.monotonic()
    hit = _cache.get(digest)
    if hit and hit[0] > now:
        return hit[1]
    found = (
        ApiClient.objects.filter(token_hash=digest, is_active=True)
        .values_list("id", flat=True)
        .first()
    )
    if len(_cache) > 10_000:
        _cache.clear()
    _cache[digest] = (now + TOKEN_CACHE_SECONDS, found)
    return found


class ClientRequest(HttpRequest):
    """A request that passed `ApiToken`: ninja keeps the client's id in `auth`.
    Only an annotation: Django still builds plain `HttpRequest`s."""

    auth: int


class ApiToken(HttpBearer):
    """`Authorization: Bearer <token>` of an active API client."""

    def authenticate(self, request: HttpRequest, token: str) -> int | None:
        return client_id_for(token)
