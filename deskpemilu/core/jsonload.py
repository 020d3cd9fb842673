"""JSON from outside read without recursion: nested without end, it is refused with
a ValueError, never a RecursionError (which the standard library's ``json.loads``
raises past about a thousand levels: a 500, and the request lost).

orjson stops at 1,024 levels by itself (the API's parser, core.fastjson, relies on
it); :func:`loads` can hold a body to fewer, for payloads whose values are kept
(in a JSONField, which the database encoder would have to recurse into).
Pure: orjson only, no Django.
"""

from __future__ import annotations

from typing import Any

import orjson

ORJSON_MAX_DEPTH = 1024


class TooDeep(ValueError):
    """JSON nested deeper than allowed."""


def loads(data: bytes | str, *, max_depth: int = ORJSON_MAX_DEPTH) -> Any:
    """Parsed JSON; TooDeep when arrays and objects nest more than ``max_depth``
    levels (the outermost one is level 1), ValueError when it is not JSON (or not
    UTF-8)."""
    try:
        value = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if str(exc).startswith("depth limit exceeded"):
            raise TooDeep(f"JSON nested more than {ORJSON_MAX_DEPTH} levels") from None
        raise
    if (
        max_depth < ORJSON_MAX_DEPTH
        and isinstance(value, dict | list)
        and _deeper_than(value, max_depth)
    ):
        raise TooDeep(f"JSON nested more than {max_depth} levels")
    return value


def _deeper_than(value: dict[str, Any] | list[Any], limit: int) -> bool:
    # A loop with its own stack: the point is not to recurse.
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        stack.extend(
            (child, depth + 1) for child in children if isinstance(child, dict | list)
        )
    return False
