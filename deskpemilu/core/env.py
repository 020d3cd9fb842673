"""Reading settings from the environment (every setting is documented in README.md)."""

from __future__ import annotations

import ipaddress
import os

from django.core.exceptions import ImproperlyConfigured

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
