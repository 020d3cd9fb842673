"""The reports' background task, run by `deskpemilu worker` on its schedule
(desk/schedule.py): the daily draft of every period that has ended."""

from __future__ import annotations

import logging

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from deskpemilu.regions.models import Region
from deskpemilu.reports.services import report_daily_draft

log = logging.getLogger(__name__)


@task()
def reports_daily_draft() -> list[int]:
    """Draft the daily report of the period that ended last, for each region of
    DESKPEMILU_REPORT_DAILY_REGIONS that has none yet (safe to run again)."""
    now = timezone.now()
    drafted = []
    for region in Region.objects.filter(
        code__in=settings.DESKPEMILU_REPORT_DAILY_REGIONS
    ).order_by("code"):
        report = report_daily_draft(region=region, now=now)
        if report is not None:
            log.info("daily report drafted for %s: #%s", region.code, report.pk)
            drafted.append(report.pk)
    return drafted
