"""Shapes of the situation API: what comes in and what goes out."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

from ninja import Field, Schema
from pydantic import AfterValidator

from deskpemilu.core.schemas import (
    MAX_COUNT,
    MAX_ID,
    AwareIsoDateTime,
    ErrorOut,
    Id,
    IsoDate,
)
from deskpemilu.core.timeutil import to_wib
from deskpemilu.situation.vulnerability import INDICATOR_KEYS, SHOWN_CLASSES

if TYPE_CHECKING:
    from deskpemilu.situation.models import StatusChange, StatusOverride
    from deskpemilu.situation.selectors import Plan

# Every moment leaves the API timezone-aware and in WIB, as the desk reads it.
Wib = Annotated[dt.datetime, AfterValidator(to_wib)]


# Region status -----------------------------------------------------------------


class StatusOut(Schema):
    """One region on the map (rows of selectors.region_status_map)."""

    code: str
    area_code: str
    name: str
    region_level: str
    level: str
    computed_level: str
    # None for a region seen at a past moment (?at=): its history keeps no counts.
    score: float | None
    incidents: int | None
    open: int | None
    significant: int | None
    overridden: bool


class OverrideOut(Schema):
    id: int
    region_code: str = Field(..., alias="region.code")
    level: str
    reason: str
    expires_at: Wib
    created_at: Wib
    created_by: str | None
    ended_at: Wib | None
    end_kind: str
    end_reason: str

    @staticmethod
    def resolve_created_by(obj: StatusOverride) -> str | None:
        user = obj.created_by
        return (user.get_full_name() or user.get_username()) if user else None


class StatusDetailOut(Schema):
    code: str = Field(..., alias="region.code")
    area_code: str
    name: str = Field(..., alias="region.name")
    region_level: str
    level: str
    computed_level: str
    score: float
    incidents: int = Field(..., alias="incident_count")
    open: int = Field(..., alias="open_count")
    significant: int = Field(..., alias="significant_count")
    rule: str
    reason: str
    own_score: float
    window_start: Wib
    computed_at: Wib
    override: OverrideOut | None


class ChangeOut(Schema):
    at: Wib
    from_level: str
    to_level: str
    source: str
    reason: str
    score: float | None
    override_id: int | None
    actor: str | None

    @staticmethod
    def resolve_actor(obj: StatusChange) -> str | None:
        user = obj.actor
        return (user.get_full_name() or user.get_username()) if user else None


class OverrideIn(Schema):
    level: str = Field(..., description="aman, waspada, siaga atau rawan")
    reason: str = Field(..., max_length=2000)
    expires_at: AwareIsoDateTime


class OverrideEndIn(Schema):
    reason: str = Field("", max_length=2000)


# Statement -----------------------------------------------------------------


class StatementQuery(Schema):
    date_from: IsoDate = Field(..., description="first day (WIB), inclusive")
    date_to: IsoDate = Field(..., description="last day (WIB), inclusive")


class IncidentBrief(Schema):
    id: int
    ref: str
    title: str
    category: str
    severity: str
    status: str
    occurred_at: Wib
    region_code: str = Field(..., alias="region.code")
    region_name: str = Field(..., alias="region.name")


class EvidenceOut(Schema):
    kind: str = Field(..., description="incident, region, override or figure")
    label: str
    detail: str
    url: str = Field(..., description="the page of the incident or region")


class PartOut(Schema):
    key: str = Field(..., description="cakupan, signifikan, aman, damai or kondusif")
    claim: str
    holds: bool
    rule: str = Field(..., description="the rule, in Indonesian")
    why: str
    evidence: list[EvidenceOut]


class StatementCoverageOut(Schema):
    required: bool = Field(..., description="the period meets voting day")
    tps_total: int
    tps_reported: int
    regions_total: int
    regions_reported: int
    share: float = Field(..., description="percent of the TPS that reported")


class StatementOut(Schema):
    region_code: str = Field(..., alias="region.code")
    start: Wib
    end: Wib
    text: str
    safe: bool
    can_state: bool = Field(..., description="enough TPS reported to state it")
    parts: list[PartOut]
    coverage: StatementCoverageOut
    total: int
    significant_count: int
    rejected: int
    by_severity: dict[str, int]
    by_status: dict[str, int]
    worst_level: str | None
    significant: list[IncidentBrief]


# TPS vulnerability -----------------------------------------------------------------


class TpsClassOut(Schema):
    code: str
    name: str
    is_special: bool
    has_data: bool
    tps_class: str
    score: float = Field(..., alias="classification.score")


class TpsClassQuery(Schema):
    tps_class: str = Field("", description=", ".join(SHOWN_CLASSES))


class ClassCountsOut(Schema):
    region_code: str
    total: int
    counts: dict[str, int]
    with_data: int


class TpsRiskOut(Schema):
    code: str = Field(..., alias="tps.code")
    name: str = Field(..., alias="tps.name")
    is_special: bool = Field(..., alias="tps.is_special")
    desa_code: str = Field(..., alias="tps.desa.code")
    has_data: bool
    indicators: dict[str, bool]
    note: str
    source: str
    updated_at: Wib | None
    tps_class: str = Field(..., alias="classification.tps_class")
    score: float = Field(..., alias="classification.score")
    indicator_score: float = Field(..., alias="classification.indicator_score")
    incident_score: float = Field(..., alias="classification.incident_score")
    reasons: list[str] = Field(..., alias="classification.reasons")
    incidents: list[IncidentBrief]


class TpsRiskIn(Schema):
    indicators: dict[str, bool] = Field(
        default_factory=dict,
        description="Only the indicators to change: " + ", ".join(INDICATOR_KEYS),
    )
    note: str | None = Field(None, max_length=1000)


class ImportOut(Schema):
    file: str
    rows: int
    created: int
    updated: int
    indicator_columns: list[str]
    ignored_columns: list[str]


class ImportErrorOut(ErrorOut):
    problems: list[str] = []


# Deployment -----------------------------------------------------------------


class PlanRowOut(Schema):
    code: str
    name: str
    counts: dict[str, int]
    police_min: int = Field(..., alias="need.police_min")
    police_max: int = Field(..., alias="need.police_max")
    linmas: int = Field(..., alias="need.linmas")
    agency: str
    police_available: int | None
    linmas_available: int | None
    police_shortfall: int | None
    linmas_shortfall: int | None


class PlanOut(Schema):
    region_code: str = Field(..., alias="region.code")
    region_level: str = Field(..., alias="region.level")
    pattern: dict[str, str]
    total: PlanRowOut
    rows: list[PlanRowOut]
    personnel_updated_at: Wib | None

    @staticmethod
    def resolve_personnel_updated_at(obj: Plan) -> dt.datetime | None:
        return obj.personnel.updated_at if obj.personnel else None


class PersonnelIn(Schema):
    police: int = Field(..., ge=0, le=MAX_COUNT)
    linmas: int = Field(..., ge=0, le=MAX_COUNT)
    note: str = Field("", max_length=1000)


class PersonnelOut(Schema):
    agency_code: str = Field(..., alias="agency.code")
    police: int
    linmas: int
    note: str
    updated_at: Wib


# Coverage -----------------------------------------------------------------


class CoverageQuery(Schema):
    day: IsoDate | None = Field(None, description="voting day; default: the election's")
    at: AwareIsoDateTime | None = Field(None, description="moment to judge deadlines")


class StageOut(Schema):
    stage: str
    deadline: Wib
    past_deadline: bool
    total: int
    checked_in: int
    missing: int
    silent: int


class CoverageRowOut(Schema):
    code: str
    name: str
    stages: list[StageOut]


class CoverageOut(Schema):
    region_code: str = Field(..., alias="region.code")
    vote_date: dt.date
    at: Wib
    stages: list[StageOut]
    rows: list[CoverageRowOut]


class MissingQuery(CoverageQuery):
    stage: str = Field("buka", description="buka, tutup, hitung atau kirim")


class ContactOut(Schema):
    name: str
    phone: str
    role: str
    why: str


class MissingOut(Schema):
    code: str
    name: str
    desa: str
    kecamatan: str
    kabkota: str
    reached: str
    silent: bool
    contacts: list[ContactOut]


class MissingPageOut(Schema):
    count: int
    items: list[MissingOut]


# Dashboard -----------------------------------------------------------------


class DashboardQuery(Schema):
    date_from: IsoDate | None = Field(
        None, description="first day (WIB); default: 6 days before date_to"
    )
    date_to: IsoDate | None = Field(None, description="last day (WIB); default: today")
    stage: Id | None = Field(None, description="a stage (tahapan) id; alone: its dates")


class ChangesQuery(Schema):
    event: int | None = Field(
        None, ge=0, le=MAX_ID, description="the `event` mark of the last answer"
    )
    incident: int | None = Field(
        None, ge=0, le=MAX_ID, description="the `incident` mark of the last answer"
    )
