from __future__ import annotations

from ninja import Field, Schema


class RegionOut(Schema):
    code: str
    code_nodot: str
    level: str
    kind: str
    name: str
    name_alt: str
    parent_code: str | None = Field(None, alias="parent.code")
    kecamatan_count: int
    desa_count: int
    tps_count: int
    tps_special_count: int
    voters: int | None
    tps_with_dpt: int
    centroid_lat: float | None
    centroid_lng: float | None


class TpsOut(Schema):
    code: str
    number: int
    name: str
    is_special: bool
    dpt: int | None
    desa_code: str = Field(..., alias="desa.code")


class BoundaryQuery(Schema):
    depth: int = Field(1, ge=0, le=3)
