"""Reading settings from the environment: every reader of deskpemilu/settings.py is
here (README.md, "Settings", and docs/situation.md list the variables).

Each reader takes the variable's name and its default. A value that cannot be read
stops the start-up with a message naming the variable: a wrong threshold must not
pass silently. The readers of named values (env_mapping, env_clock_times) refuse a
name the default does not have, so a typo is not ignored either.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from collections.abc import Callable, Mapping
from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured

T = TypeVar("T")
TRUE = {"1", "true", "yes", "on", "ya"}
FALSE = {"0", "false", "no", "off", "tidak", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(
            f"{name} must be a whole number, not {raw!r}"
        ) from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_networks(name: str, default: list[str]) -> list[str]:
    """A comma-separated list of IP networks ("127.0.0.0/8,::1"), checked now so a
    typo stops the start instead of silently trusting nobody."""
    networks = env_list(name, default)
    for text in networks:
        try:
            ipaddress.ip_network(text, strict=False)
        except ValueError as exc:
            raise ImproperlyConfigured(
                f"{name}: {text!r} is not an IP address or network"
            ) from exc
    return networks


# Numbers, named numbers, names and clock times --------------------------------------
# Unset or blank means the default. Messages: "NAME: cannot read 'value'; expected ...".


def _fail(name: str, raw: str, expected: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name}: cannot read {raw!r}; expected {expected}")


def env_number(name: str, default: float, *, minimum: float = 0.0) -> float:
    """A number >= minimum ("0.25", "48"; a decimal comma is read too)."""
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


def env_mapping(
    name: str, default: Mapping[str, float], *, whole: bool = False
) -> dict[str, float]:
    """Named numbers ("ringan=1,sedang=4"): each given name replaces its default;
    unknown names are refused (a typo would otherwise be ignored). With `whole`, the
    numbers are whole (int), as hours are."""
    kind = int if whole else float
    result = {key: kind(value) for key, value in default.items()}
    raw = env_str(name).strip()
    number = "whole number" if whole else "number"
    expected = f"name={number} pairs separated by commas, names among " + ", ".join(
        default
    )
    for part in filter(None, (p.strip() for p in raw.split(","))):
        key, sep, value = (s.strip() for s in part.partition("="))
        if not sep or key not in result or (whole and not value.isdigit()):
            raise _fail(name, part, expected)
        try:
            result[key] = kind(value)
        except ValueError as exc:
            raise _fail(name, part, expected) from exc
        if result[key] < 0:
            raise _fail(name, part, "numbers >= 0")
    return result


def env_names(
    name: str, default: tuple[str, ...], allowed: tuple[str, ...]
) -> tuple[str, ...]:
    """A comma-separated choice of names ("berat,kritis")."""
    raw = env_str(name).strip()
    if not raw:
        return default
    chosen = tuple(p.strip() for p in raw.split(",") if p.strip())
    unknown = [p for p in chosen if p not in allowed]
    if unknown or not chosen:
        raise _fail(name, raw, "names among " + ", ".join(allowed))
    return chosen


def env_clock_times(name: str, default: Mapping[str, dt.time]) -> dict[str, dt.time]:
    """Named wall-clock times ("buka=07:30,kirim=21.00"), each replacing its
    default."""
    result = dict(default)
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


def env_parsed(name: str, parse: Callable[[str], T]) -> T:
    """A value in a notation of its own, read by `parse` (given "" when unset, so it
    returns the default); its ValueError stops the start-up as "NAME: why"."""
    try:
        return parse(env_str(name).strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from exc
