"""The header's desk mode: the demo banner, the LATIHAN banner and the chosen "as
of" moment (deskpemilu/core/deskmode.py). Template pages only; the API and the
webhooks render no template and pay nothing."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from deskpemilu.core import deskmode


def desk_mode(request: HttpRequest) -> dict[str, Any]:
    chosen = deskmode.chosen_now(request)
    demo = deskmode.demo_info()
    clock = deskmode.desk_clock()
    return {
        "desk_demo": demo,
        "desk_drill": deskmode.drill_name(),
        # Shown when the desk is not seen at the real now: chosen, or its clock's.
        "desk_as_of": chosen or clock,
        "desk_as_of_chosen": chosen is not None,
        "desk_real_now": timezone.now(),
    }
