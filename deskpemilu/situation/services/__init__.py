"""Writes of the situation: recomputing every region's status, coordinators'
overrides, the TPS-rawan indicators (import and edit), Polres personnel, and the
dashboard's counts (tally).
"""

from deskpemilu.situation.errors import SituationError
from deskpemilu.situation.services.status import (
    RecomputeReport,
    status_override_create,
    status_override_end,
    status_recompute,
    status_rules_now,
)
from deskpemilu.situation.services.tally import (
    TallyReport,
    change_marks,
    figures_refresh,
    tally_refresh,
)
from deskpemilu.situation.services.tps import (
    TpsImportReport,
    polres_personnel_set,
    tps_rawan_import,
    tps_vulnerability_update,
)

__all__ = [
    "RecomputeReport",
    "SituationError",
    "TallyReport",
    "change_marks",
    "figures_refresh",
    "TpsImportReport",
    "polres_personnel_set",
    "status_override_create",
    "status_override_end",
    "status_recompute",
    "status_rules_now",
    "tally_refresh",
    "tps_rawan_import",
    "tps_vulnerability_update",
]
