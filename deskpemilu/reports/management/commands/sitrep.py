"""`deskpemilu sitrep`: a situation report for any period and region, to a file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from deskpemilu.accounts.access import desk_reader
from deskpemilu.core.timeutil import WIB, wib_date
from deskpemilu.regions.codes import normalise_region_code
from deskpemilu.regions.models import Region
from deskpemilu.reports import render, selectors
from deskpemilu.reports.content import date_long
from deskpemilu.reports.models import ReportKind


def _moment(raw: str) -> dt.datetime:
    """2024-02-14T06:00 (WIB unless an offset is given)."""
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError as exc:
        raise CommandError(f"waktu tidak dikenal: {raw!r} (2024-02-14T06:00)") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=WIB)


class Command(BaseCommand):
    help = (
        "Laporan situasi untuk periode dan wilayah mana pun, ke berkas (PDF, DOCX "
        "atau HTML). A situation report of any period and region, written to a "
        "file; read as the desk (the whole province), unnumbered, nothing stored."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--from", dest="start", required=True, help="2024-02-14T06:00 (WIB)"
        )
        parser.add_argument(
            "--to", dest="end", required=True, help="2024-02-15T06:00 (WIB)"
        )
        parser.add_argument("--region", default="36", help="region code (default: 36)")
        parser.add_argument(
            "--kind", choices=ReportKind.values, default=ReportKind.ON_DEMAND.value
        )
        parser.add_argument("--format", choices=["pdf", "docx", "html"], default="pdf")
        parser.add_argument("--out", required=True, help="file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _moment(options["start"]), _moment(options["end"])
        if end <= start:
            raise CommandError("--to harus setelah --from")
        code = normalise_region_code(options["region"])
        region = Region.objects.filter(code=code).first() if code else None
        if region is None:
            raise CommandError(f"wilayah tidak dikenal: {options['region']}")
        content = selectors.report_content(
            desk_reader(),
            region,
            start,
            end,
            kind=options["kind"],
            previous=selectors.previous_report(region, start),
        )
        content.date_text = date_long(wib_date(end))
        data = render.render(content, options["format"])
        out = Path(options["out"])
        out.write_bytes(data)
        self.stdout.write(f"{out}: {len(data)} bytes; {content.statement.text}")
