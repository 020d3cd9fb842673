"""How long a failed task waits before its next attempt (pure, without Django).

django-tasks runs a task once; the worker (desk/worker.py) queues a failed task
again after the delay of its attempt, growing: 30 s, 2 min, 10 min, 1 h by default
(DESKPEMILU_TASK_RETRY_DELAYS), then gives up. Long enough for a restarted database
or a provider's short outage to pass, short enough that a reply still matters. A
notification's delivery (an e-mail, a webhook) waits the same way between its own
attempts (notifications/sending.py).
"""

from __future__ import annotations

DEFAULT_DELAYS: tuple[int, ...] = (30, 120, 600, 3600)
_UNITS = {"s": 1, "m": 60, "h": 3600}


def parse_delays(text: str) -> tuple[int, ...]:
    """Seconds from "30s,2m,10m,1h" (a bare number is seconds); "" is the default,
    "none" no retry. Each wait at least as long as the one before."""
    text = text.strip().lower()
    if not text:
        return DEFAULT_DELAYS
    if text == "none":
        return ()
    delays = tuple(_seconds(part.strip()) for part in text.split(","))
    if any(later < earlier for earlier, later in zip(delays, delays[1:], strict=False)):
        raise ValueError(f"each wait must be at least the one before, not {text!r}")
    return delays


def _seconds(part: str) -> int:
    number, unit = (part[:-1], part[-1]) if part[-1:] in _UNITS else (part, "s")
    if not number.isascii() or not number.isdigit() or int(number) == 0:
        raise ValueError(f"expected waits like 30s,2m,10m,1h, not {part!r}")
    return int(number) * _UNITS[unit]


def delay_after(attempts: int, delays: tuple[int, ...]) -> int | None:
    """Seconds to wait after `attempts` failed attempts; None: give up."""
    if 1 <= attempts <= len(delays):
        return delays[attempts - 1]
    return None
