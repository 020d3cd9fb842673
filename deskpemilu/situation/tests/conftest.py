"""Helpers for the situation tests: incidents placed and timed exactly."""

from __future__ import annotations

import datetime as dt

import pytest

from deskpemilu.core.timeutil import WIB
from deskpemilu.incidents.models import Incident
from deskpemilu.regions.models import TPS, Region

# A fixed moment: noon on voting day 2024, so scores are the same on every run.
AT = dt.datetime(2024, 2, 14, 12, 0, tzinfo=WIB)
KEMANISAN = "36.73.04.1003"  # desa in Kec. Curug, Kota Serang (23 TPS)
CURUG = "36.73.04"
KOTA_SERANG = "36.73"


def place_incident(
    code: str,
    *,
    severity: str = "sedang",
    status: str = "baru",
    hours_ago: float = 1,
    tps: str | None = None,
    at: dt.datetime = AT,
) -> Incident:
    """An incident written straight to the table: the status rules read the table,
    not the incident workflow, so any status can be set up directly."""
    tps_obj = TPS.objects.get(code=tps) if tps else None
    region = Region.objects.get(code=code)
    return Incident.objects.create(
        title=f"uji {severity} {status}",
        category="lainnya",
        severity=severity,
        status=status,
        region=region,
        area_code=region.code_nodot,
        tps=tps_obj,
        occurred_at=at - dt.timedelta(hours=hours_ago),
    )


@pytest.fixture
def superuser(db):
    from deskpemilu.accounts.models import User

    return User.objects.create_superuser("akar", "akar@example.org", "x-akar-12345")
