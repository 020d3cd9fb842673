"""Shapes of the incident API: what comes in, what goes out, and the error body."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator

from deskpemilu.accounts.access import can_see_personal_data
from deskpemilu.core.schemas import (
    AwareIsoDateTime,
    Count,
    Id,
    IsoDate,
    IsoDateTime,
)
from deskpemilu.core.timeutil import to_wib
from deskpemilu.incidents.selectors import IncidentFilters
from deskpemilu.incidents.taxonomy import Category, Severity, Status

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from deskpemilu.accounts.models import User
    from deskpemilu.incidents.models import (
        Assignment,
        FollowUp,
        Incident,
        IncidentEvent,
        IncidentSource,
    )

# Every moment leaves the API timezone-aware and in WIB, as the desk reads it.
Wib = Annotated[dt.datetime, AfterValidator(to_wib)]


def _person(user: User | None) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _masked(value: str) -> str:
    """`081234567890` -> `0812******90`: enough to tell numbers apart, not to call."""
    if len(value) <= 6:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 6) + value[-2:]


# Out ----------------------------------------------------------------------------


class RegionRef(Schema):
    code: str
    name: str


class AgencyRef(Schema):
    id: int
    code: str
    name: str
    short_name: str


class IncidentBrief(Schema):
    id: int
    ref: str
    title: str
    severity: str
    status: str
    region: RegionRef


class IncidentOut(IncidentBrief):
    category: str
    tps_code: str | None
    occurred_at: Wib
    stage_id: int | None
    stage: str | None = Field(None, description="Nama tahapan saat kejadian.")
    version: int = Field(..., description="Send it back with a change (PATCH).")

    @staticmethod
    def resolve_tps_code(obj: Incident) -> str | None:
        return obj.tps.code if obj.tps else None

    @staticmethod
    def resolve_stage(obj: Incident) -> str | None:
        return obj.stage.name if obj.stage else None


class SourceOut(Schema):
    id: int
    kind: str
    message_id: int | None
    message_ref: str | None
    person_name: str
    person_contact: str = Field(..., description="Masked unless administrator.")
    note: str
    created_at: Wib

    @staticmethod
    def resolve_message_ref(obj: IncidentSource) -> str | None:
        return obj.message.ref if obj.message else None

    @staticmethod
    def resolve_person_contact(obj: IncidentSource, context: dict[str, Any]) -> str:
        if can_see_personal_data(context["request"].user):
            return obj.person_contact
        return _masked(obj.person_contact)


class FollowUpOut(Schema):
    id: int
    at: Wib
    actor: str | None
    action: str
    done: bool

    @staticmethod
    def resolve_actor(obj: FollowUp) -> str | None:
        return _person(obj.actor)


class AssignmentOut(Schema):
    id: int
    incident_id: int
    agency: AgencyRef
    assigned_at: Wib
    deadline: Wib
    acknowledged: bool
    acknowledged_at: Wib | None
    acknowledged_by: str | None
    done_at: Wib | None
    escalated_from_id: int | None
    note: str
    case_number: str
    followups: list[FollowUpOut]

    @staticmethod
    def resolve_acknowledged(obj: Assignment) -> bool:
        return obj.acknowledged_at is not None

    @staticmethod
    def resolve_acknowledged_by(obj: Assignment) -> str | None:
        return _person(obj.acknowledged_by)


class EventOut(Schema):
    id: int
    at: Wib
    actor: str = Field(..., alias="actor_label")
    action: str
    from_status: str
    to_status: str
    changes: dict
    note: str


class IncidentDetailOut(IncidentOut):
    description: str
    reject_reason: str
    lat: float | None
    lng: float | None
    channel: str
    created_by: str | None
    duplicate_of_id: int | None
    created_at: Wib
    updated_at: Wib
    sources: list[SourceOut]
    assignments: list[AssignmentOut]
    history: list[EventOut]

    @staticmethod
    def resolve_created_by(obj: Incident) -> str | None:
        return _person(obj.created_by)

    @staticmethod
    def resolve_history(obj: Incident) -> QuerySet[IncidentEvent]:
        return obj.events.all()


class CountsOut(Schema):
    total: int
    status: dict[str, int]
    severity: dict[str, int]
    category: dict[str, int]


class OverdueOut(Schema):
    id: int
    agency: AgencyRef
    assigned_at: Wib
    deadline: Wib
    acknowledged_at: Wib | None
    incident: IncidentBrief


# In -----------------------------------------------------------------------------


class IncidentQuery(Schema):
    region: str = Field(
        "", description="Kode wilayah (bertitik atau KPU): wilayah itu dan di bawahnya."
    )
    category: Category | None = None
    severity: Severity | None = None
    status: Status | None = None
    stage: Id | None = Field(None, description="Stage (tahapan) id.")
    agency: str = Field("", description="Assigned agency: id or code.")
    date_from: IsoDate | None = Field(None, description="WIB date, inclusive.")
    date_to: IsoDate | None = Field(None, description="WIB date, inclusive.")
    q: str = Field("", description="Text in the title or description.")

    def to_filters(self, agency_id: int | None) -> IncidentFilters:
        return IncidentFilters(
            region=self.region,
            category=self.category or "",
            severity=self.severity or "",
            status=self.status or "",
            stage=self.stage,
            agency=agency_id,
            date_from=self.date_from,
            date_to=self.date_to,
            q=self.q.strip(),
        )


class IncidentIn(Schema):
    category: Category
    severity: Severity
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    region: str | None = Field(None, description="Region code; or give `tps`.")
    tps: str | None = Field(None, description="13-digit KPU TPS code.")
    occurred_at: IsoDateTime = Field(..., description="With a timezone offset.")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)
    person_name: str = Field("", max_length=120)
    person_contact: str = Field("", max_length=120)


class IncidentPatch(Schema):
    """Only the fields sent are changed. A field typed without null refuses null."""

    # The non-null types refuse a null sent; None is the default of a field not sent
    # (hence the ignores).
    version: Count = Field(..., description="The version you read; 409 if it moved on.")
    title: str = Field(None, min_length=1, max_length=200)  # type: ignore[assignment]
    description: str = None  # type: ignore[assignment]
    category: Category = None  # type: ignore[assignment]
    severity: Severity = None  # type: ignore[assignment]
    occurred_at: IsoDateTime = None  # type: ignore[assignment]
    region: str = Field(None, description="Region code.")  # type: ignore[assignment]
    tps: str | None = Field(None, description="TPS code; null removes the TPS.")
    lat: float | None = Field(None, ge=-90, le=90)
    lng: float | None = Field(None, ge=-180, le=180)


class TransitionIn(Schema):
    target: Status
    reason: str = Field("", description="Required to reject (hoaks, ...) or reopen.")
    note: str = ""
    version: Count | None = Field(None, description="The version you read, if known.")


class AssignIn(Schema):
    agency_ids: list[Id] = []
    agency_codes: list[str] = []
    deadline: AwareIsoDateTime | None = Field(None, description="Default: by severity.")
    note: str = ""
    version: Count | None = None


class FollowUpIn(Schema):
    action: str = Field(..., min_length=1)
    done: bool = False
    case_number: str = Field("", max_length=60)


class EscalateIn(Schema):
    note: str = ""


class MergeIn(Schema):
    duplicate_id: Id
