"""The one NinjaAPI of the project, served at /api/v1/ (docs at /api/v1/docs)."""

from ninja import NinjaAPI

from deskpemilu import __version__
from deskpemilu.regions.api import router as regions_router

api = NinjaAPI(
    title="Desk Pemilu API",
    version=__version__,
    description="API Desk Pemilu. Semua data dibatasi oleh cakupan wilayah pengguna.",
    urls_namespace="api",
)
api.add_router("/regions", regions_router)
