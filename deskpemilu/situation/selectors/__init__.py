"""Reads of the situation, always inside the user's scope (accounts.access): region
statuses and their history, the statement for the record, TPS classes, the
deployment plan, election-day coverage and the dashboard.

The caller has already checked that the region itself is visible
(`access.region_for_user_or_404`); everything below a visible region is visible.
"""

from deskpemilu.situation.selectors.coverage import (
    Contact,
    Coverage,
    CoverageRow,
    MissingTps,
    StageCoverage,
    coverage_missing,
    coverage_summary,
    missing_rows,
    period_coverage,
    voting_day,
)
from deskpemilu.situation.selectors.dashboard import (
    Period,
    PublicSituation,
    dashboard_changes,
    dashboard_new,
    dashboard_period,
    dashboard_points,
    dashboard_summary,
    public_situation,
    stage_choices,
)
from deskpemilu.situation.selectors.status import (
    Statement,
    override_for_user_or_404,
    public_statement,
    region_statement,
    region_status,
    region_status_history,
    region_status_map,
    region_statuses,
)
from deskpemilu.situation.selectors.tps import (
    Plan,
    PlanRow,
    TpsClassRow,
    TpsRisk,
    class_counts,
    deployment_plan,
    tps_classes,
    tps_for_user_or_404,
    tps_risk,
    tps_rules_now,
)

__all__ = [
    "Contact",
    "Coverage",
    "CoverageRow",
    "MissingTps",
    "Period",
    "Plan",
    "PlanRow",
    "PublicSituation",
    "StageCoverage",
    "Statement",
    "TpsClassRow",
    "TpsRisk",
    "class_counts",
    "coverage_missing",
    "coverage_summary",
    "dashboard_changes",
    "dashboard_new",
    "dashboard_period",
    "dashboard_points",
    "dashboard_summary",
    "deployment_plan",
    "missing_rows",
    "override_for_user_or_404",
    "public_situation",
    "region_statement",
    "public_statement",
    "period_coverage",
    "region_status",
    "region_status_history",
    "region_status_map",
    "region_statuses",
    "stage_choices",
    "tps_classes",
    "tps_for_user_or_404",
    "tps_risk",
    "tps_rules_now",
    "voting_day",
]
