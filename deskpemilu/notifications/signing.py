"""Signing a webhook's body and checking it, as an agency's receiver does (pure,
without Django; docs/notifications.md, "Webhooks").

The desk sends the JSON body with two headers: `X-Desk-Timestamp` (seconds since
the epoch when this attempt was sent) and `X-Desk-Signature-256: sha256=<hex>`,
the HMAC-SHA256 of the raw body bytes with the endpoint's secret. The body holds
the same `timestamp`, so it is signed too: a receiver checks the signature, that
the body's timestamp equals the header's, that it is recent (a few minutes), and
keeps the event `id` to drop a replay within that window.
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "X-Desk-Signature-256"
TIMESTAMP_HEADER = "X-Desk-Timestamp"
DEFAULT_TOLERANCE_SECONDS = 300


def signature(secret: str, body: bytes) -> str:
    """The header's value for `body`: "sha256=" and the hex digest."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def signature_ok(secret: str, body: bytes, header: str) -> bool:
    """Whether `header` is the signature of `body` (compared in constant time)."""
    return hmac.compare_digest(signature(secret, body), header or "")


def fresh(
    timestamp: int,
    now: float,
    tolerance: int = DEFAULT_TOLERANCE_SECONDS,
) -> bool:
    """Whether a body signed at `timestamp` is recent enough to accept at `now`."""
    return abs(now - timestamp) <= tolerance
