"""Shapes of the results API: sheets in and out, flags, decisions, the recap, the
progress, the screens, and the error body."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

from ninja import Field, Schema
from pydantic import AfterValidator, create_model

from deskpemilu.core.schemas import AwareIsoDateTime, ErrorOut
from deskpemilu.core.timeutil import to_wib
from deskpemilu.results.spec import FIELDS, SOURCES

Wib = Annotated[dt.datetime, AfterValidator(to_wib)]
Count = Annotated[int | None, Field(ge=-2_000_000_000, le=2_000_000_000)]


class ProblemOut(Schema):
    line: int | None = Field(None, description="Item of the list (1 = first).")
    message: str
    value: str = ""


class RefusedOut(ErrorOut):
    """A refused submission: the error body with every problem found."""

    problems: list[ProblemOut] = Field(
        default_factory=list, description="Every problem of a refused submission."
    )


# The C.Hasil fields as optional integers (null = unknown), in one base schema. A
# class made at run time is no type to mypy: it sees the base (the fields are read
# by name, through dict()).
if TYPE_CHECKING:
    _CHasil = Schema
else:
    _CHasil = create_model(
        "CHasil",
        __base__=Schema,
        **{name: (Count, None) for name in FIELDS},
    )


class SheetIn(_CHasil):
    kode_tps: str = Field(..., description="13 digits, e.g. 3601012001001.")
    votes: list[Count] = Field(
        default_factory=list,
        description="Votes by ballot number: item n-1 is candidate n; null = unknown.",
    )
    waktu_sumber: AwareIsoDateTime | None = Field(
        None, description="Time of the reading at the source (with an offset)."
    )
    foto: str = Field("", max_length=500, description="URL of the form's photo.")

    def row(self) -> dict[str, Any]:
        return self.dict()


class SubmitOut(Schema):
    source: str
    rows: int
    created: int
    updated: int
    unchanged: int
    flagged: int


class SheetOut(_CHasil):
    kode_tps: str = Field(..., alias="tps_code")
    source: str
    is_primary: bool
    votes: list[int | None]
    photo_url: str
    source_ts: Wib | None
    imported_at: Wib


class FlagOut(Schema):
    id: int
    kode_tps: str = Field(..., alias="tps_code")
    check: str = Field(..., alias="check_name")
    field: str
    value: int | None
    expected: int | None
    source: str
    cross_source: bool
    detail: str
    status: str
    created_at: Wib
    resolved_at: Wib | None
    note: str


class FlagQuery(Schema):
    check: str = Field("", description="A check name, e.g. sum_mismatch.")
    region: str = Field("", description="Region code (dotted or KPU form).")
    status: str = Field("open", description="open, resolved, dismissed or all.")
    contest: str = Field("", description="Contest kind (default ppwp).")


class FlagCloseIn(Schema):
    status: str = Field(..., pattern="^(resolved|dismissed)$")
    note: str = Field(..., min_length=1, max_length=2000)


class DecisionIn(Schema):
    kode_tps: str
    field: str = Field(..., description="A C.Hasil field or suara_<n>.")
    value: Count = Field(None, description="null: the value cannot be known.")
    reason: str = Field(..., min_length=1, max_length=2000)
    chosen_source: str = Field("", description="One of: " + ", ".join(SOURCES))


class DecisionOut(Schema):
    id: int
    kode_tps: str = Field(..., alias="tps_code")
    field: str
    value: int | None
    chosen_source: str
    reason: str
    decided_at: Wib


class DifferenceOut(Schema):
    field: str
    desk: int
    official: int
    difference: int
    tps_known: int


class BehindOut(Schema):
    missing_count: int
    missing_sample: list[str]
    flagged: dict[str, list[str]]
    decided: list[str]
    areas: list[str]


class AreaCompareOut(Schema):
    code: str
    name: str
    level: str
    tps_total: int
    tps_with_sheet: int
    complete: bool
    compared: int
    differences: list[DifferenceOut]
    behind: BehindOut


class AreaProgressOut(Schema):
    code: str
    name: str
    tps_total: int
    with_sheet: int
    share: float
    by_source: dict[str, int]
    votes: list[int]
    winner: int | None
    margin: float | None


class ProgressOut(Schema):
    region: AreaProgressOut
    areas: list[AreaProgressOut]


class ScreenOut(Schema):
    screen: str
    sample: int
    min_sample: int
    verdict: str
    statistic: float | None
    df: int | None
    critical_5: float | None
    p_value: float | None
    detail: str
    caveat: str
    is_proof: bool
    observed: list[int] | None = None
    expected: list[float] | None = None
    histogram: list[list[int]] | None = None
    winner: int | None = None
    turnout_above_100: int | None = None
    corner_observed: int | None = None
    corner_expected: float | None = None
    # integer percentages: per quantity (turnout, winner share), values tested
    quantities: list[str] | None = None
    tested: list[int] | None = None
    excess: float | None = None
