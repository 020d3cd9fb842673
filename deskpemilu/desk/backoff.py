"""Moved to deskpemilu/core/backoff.py (the notifications' deliveries wait the same
way, and sit below the composition); kept importable from here."""

from deskpemilu.core.backoff import DEFAULT_DELAYS, delay_after, parse_delays

__all__ = ["DEFAULT_DELAYS", "delay_after", "parse_delays"]
