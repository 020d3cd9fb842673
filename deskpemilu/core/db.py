"""Which database the desk runs on, for the few write and read paths that speak each
one's own SQL (COPY, JSON operators, string aggregation). Everything else goes through
the ORM and does not ask."""

from __future__ import annotations

from django.db import connection


def postgres() -> bool:
    """True on PostgreSQL, False on the embedded SQLite default."""
    return connection.vendor == "postgresql"
