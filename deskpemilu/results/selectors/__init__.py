"""Reads of the results app, each taking the user and answering inside their scope
(a region or TPS they may not see is not found): the recap against the official
recap, the flag queue, the progress of sheets per source, one TPS's sources.

The same reads for an area whoever asks (services, commands) are in areas.py."""

from deskpemilu.results.selectors.common import (
    candidate_labels,
    contest_current,
    field_choices,
    field_labels,
    home_region,
)
from deskpemilu.results.selectors.compare import (
    BEHIND_LIMIT,
    AreaResult,
    Behind,
    recap_compare,
)
from deskpemilu.results.selectors.flags import (
    flag_check_counts,
    flag_for_user_or_404,
    flag_proposals,
    flag_queue,
    flags_visible,
    open_flag_counts,
)
from deskpemilu.results.selectors.progress import (
    AreaProgress,
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
    "FieldRow",
    "TpsResults",
    "candidate_labels",
    "contest_current",
    "desk_sheets",
    "field_choices",
    "field_labels",
    "flag_check_counts",
    "flag_for_user_or_404",
    "flag_proposals",
    "flag_queue",
    "flags_visible",
    "home_region",
    "open_flag_counts",
    "recap_compare",
    "region_progress",
    "sheet_progress",
    "tps_results",
]
