from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from deskpemilu.regions.models import TPS, Boundary, DataImport, Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "name_alt", "level", "kind", "tps_count", "dpt")
    list_filter = ("level", "kind")
    search_fields = ("code", "code_nodot", "name", "name_alt")
    raw_id_fields = ("parent",)
    readonly_fields = (
        "kecamatan_count",
        "desa_count",
        "tps_count",
        "tps_special_count",
        "dpt_tps_sum",
        "tps_with_dpt",
    )
    list_per_page = 50


@admin.register(TPS)
class TPSAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "desa", "is_special", "dpt")
    list_filter = ("is_special",)
    search_fields = ("code", "desa__name")
    raw_id_fields = ("desa",)
    list_select_related = ("desa",)
    list_per_page = 50


@admin.register(Boundary)
class BoundaryAdmin(admin.ModelAdmin):
    list_display = ("region", "source")
    search_fields = ("region__code", "region__name")
    raw_id_fields = ("region",)
    list_select_related = ("region",)


@admin.register(DataImport)
class DataImportAdmin(admin.ModelAdmin):
    list_display = ("imported_at", "kind", "file_name", "rows", "created", "updated")
    list_filter = ("kind",)

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False
