"""Writes of the results app: imports of sheets and official recaps, sheets typed
at the desk or posted to the API, the desk's decisions, the comparison of sources,
and the flags the checks and screens leave."""

from deskpemilu.results.services.common import (
    ImportReport,
    Progress,
    ResultsError,
    contest_for,
    field_in_contest,
)
from deskpemilu.results.services.decisions import (
    decision_record,
    decisions_record,
    flag_close,
)
from deskpemilu.results.services.entry import sheets_submit
from deskpemilu.results.services.imports import SheetImporter, results_import
from deskpemilu.results.services.official import (
    LEVEL_BY_LENGTH,
    OFFICIAL_METRICS,
    official_recap_import,
)
from deskpemilu.results.services.screening import ScreensReport, screens_run
from deskpemilu.results.services.sources import flag_row, sheets_of, sources_refresh
from deskpemilu.results.services.sums import desa_sums_rebuild

__all__ = [
    "LEVEL_BY_LENGTH",
    "OFFICIAL_METRICS",
    "ImportReport",
    "Progress",
    "ResultsError",
    "ScreensReport",
    "SheetImporter",
    "contest_for",
    "decision_record",
    "decisions_record",
    "desa_sums_rebuild",
    "field_in_contest",
    "flag_close",
    "flag_row",
    "official_recap_import",
    "results_import",
    "screens_run",
    "sheets_of",
    "sheets_submit",
    "sources_refresh",
]
