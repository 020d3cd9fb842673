"""Reads of the results app: the recap from the desk values and its comparison with
the official recap, the flag queue, and the progress of sheets per source."""

from deskpemilu.results.selectors.common import (
    candidate_labels,
    contest_current,
    field_choices,
    field_labels,
    home_region,
    in_area,
    scope_prefixes,
)
from deskpemilu.results.selectors.compare import (
    BEHIND_LIMIT,
    AreaResult,
    Behind,
    decided_changes,
    desa_totals,
    recap_compare,
    recap_compare_area,
    recap_table,
)
from deskpemilu.results.selectors.flags import (
    flag_check_counts,
    flag_for_user_or_404,
    flag_queue,
    flags_visible,
    open_flag_counts,
)
from deskpemilu.results.selectors.progress import (
    AreaProgress,
    DeskSheets,
    desk_sheets,
    region_progress,
    sheet_progress,
)
from deskpemilu.results.selectors.tps import FieldRow, TpsResults, tps_results

__all__ = [
    "BEHIND_LIMIT",
    "AreaProgress",
    "AreaResult",
    "Behind",
    "DeskSheets",
    "FieldRow",
    "TpsResults",
    "candidate_labels",
    "contest_current",
    "decided_changes",
    "desa_totals",
    "desk_sheets",
    "field_choices",
    "field_labels",
    "flag_check_counts",
    "flag_for_user_or_404",
    "flag_queue",
    "flags_visible",
    "home_region",
    "in_area",
    "open_flag_counts",
    "recap_compare",
    "recap_compare_area",
    "recap_table",
    "region_progress",
    "scope_prefixes",
    "sheet_progress",
    "tps_results",
]
