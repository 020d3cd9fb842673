"""Reading the situation settings from the environment (docs/situation.md, "Settings").

Called from the "# Situation" block at the end of deskpemilu/settings.py. Every reader
takes the variable's name, reads it through deskpemilu.core.env and falls back to the
default when it is unset or blank; a value that cannot be read stops the start-up with
a message naming the variable (a wrong threshold must not pass silently).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

from deskpemilu.core.env import env_str


def _fail(name: str, raw: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}: cannot read {raw!r}; expected {expected}")


def number(name: str, default: float, *, minimum: float = 0.0) -> float:
    """A number >= minimum ("0.25", "48")."""
    raw = env_str(name).strip()
    if not raw:
        return float(default)
    try:
        value = float(raw.replace(",", "."))
    except ValueError as exc:
        raise _fail(name, raw, f"a number >= {minimum}") from exc
    if value < minimum:
        raise _fail(name, raw, f"a number >= {minimum}")
    return value


def mapping(name: str, default: Mapping[str, float]) -> dict[str, float]:
    """Named numbers ("ringan=1,sedang=4"): each given name replaces its default;
    unknown names are refused (a typo would otherwise be ignored)."""
    result = {key: float(value) for key, value in default.items()}
    raw = env_str(name).strip()
    expected = "name=number pairs separated by commas, names among " + ", ".join(
        default
    )
    for part in filter(None, (p.strip() for p in raw.split(","))):
        key, sep, value = (s.strip() for s in part.partition("="))
        if not sep or key not in result:
            raise _fail(name, part, expected)
        try:
            result[key] = float(value)
        except ValueError as exc:
            raise _fail(name, part, expected) from exc
        if result[key] < 0:
            raise _fail(name, part, "numbers >= 0")
    return result


def names(name: str, default: tuple[str, ...], allowed: tuple[str, ...]) -> tuple:
    """A comma-separated choice of names ("berat,kritis")."""
    raw = env_str(name).strip()
    if not raw:
        return default
    chosen = tuple(p.strip() for p in raw.split(",") if p.strip())
    unknown = [p for p in chosen if p not in allowed]
    if unknown or not chosen:
        raise _fail(name, raw, "names among " + ", ".join(allowed))
    return chosen


def clock_times(name: str, default: Mapping[str, str]) -> dict[str, dt.time]:
    """Named wall-clock times ("buka=07:30,kirim=21:00"), WIB."""
    result = {key: dt.time.fromisoformat(value) for key, value in default.items()}
    raw = env_str(name).strip()
    expected = "name=HH:MM pairs, names among " + ", ".join(default)
    for part in filter(None, (p.strip() for p in raw.split(","))):
        key, sep, value = (s.strip() for s in part.partition("="))
        if not sep or key not in result:
            raise _fail(name, part, expected)
        try:
            result[key] = dt.time.fromisoformat(value.replace(".", ":"))
        except ValueError as exc:
            raise _fail(name, part, expected) from exc
    return result


def deployment_pattern(name: str) -> dict:
    """Police:TPS:Linmas per class ("rawan=2:2:4;..."); classes left out keep the
    documented pattern (deskpemilu/situation/deployment.py)."""
    from deskpemilu.situation.deployment import parse_pattern

    raw = env_str(name).strip()
    try:
        return parse_pattern(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
