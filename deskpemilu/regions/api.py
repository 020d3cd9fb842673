"""Region endpoints of the API: the tree, its TPS and the map outlines."""

from __future__ import annotations

from django.http import HttpResponse
from django.views.decorators.gzip import gzip_page
from ninja import Query, Router
from ninja.decorators import decorate_view
from ninja.pagination import paginate
from ninja.security import django_auth

from deskpemilu.accounts.access import region_for_user_or_404
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.core.schemas import READ, Page, errors, file_response
from deskpemilu.regions import selectors
from deskpemilu.regions.schemas import BoundaryQuery, RegionOut, TpsOut

router = Router(tags=["wilayah / regions"], auth=django_auth)
ERRORS = errors(*READ)
FEATURES = {
    "type": "object",
    "properties": {
        "type": {"const": "FeatureCollection"},
        "features": {"type": "array"},
    },
    "required": ["type", "features"],
}


@router.get(
    "/{code}", response={200: RegionOut, **ERRORS}, summary="Satu wilayah / one region"
)
def region_get(request: AuthedRequest, code: str):
    return region_for_user_or_404(request.user, code)


@router.get(
    "/{code}/children",
    response={200: list[RegionOut], **ERRORS},
    summary="Anak wilayah / children",
)
def region_children(request: AuthedRequest, code: str):
    region = region_for_user_or_404(request.user, code)
    return selectors.region_children(request.user, region)


@router.get(
    "/{code}/tps",
    response={200: list[TpsOut], **ERRORS},
    summary="TPS di wilayah / TPS",
)
@paginate(Page)
def region_tps(request: AuthedRequest, code: str):
    region = region_for_user_or_404(request.user, code)
    return selectors.region_tps(request.user, region)


@router.get(
    "/{code}/boundaries",
    summary="Batas wilayah (GeoJSON ringan) / light outlines for maps",
    url_name="region_boundaries",
    description="depth=0: the region itself; 1: its children; 2: grandchildren.",
    response={200: None, **ERRORS},
    openapi_extra=file_response(
        "application/geo+json", "GeoJSON FeatureCollection", FEATURES
    ),
)
@decorate_view(gzip_page)
def region_boundaries(request: AuthedRequest, code: str, q: Query[BoundaryQuery]):
    region = region_for_user_or_404(request.user, code)
    body = selectors.boundary_features(request.user, region, depth=q.depth)
    response = HttpResponse(body, content_type="application/geo+json")
    response["Cache-Control"] = "private, max-age=3600"
    return response
