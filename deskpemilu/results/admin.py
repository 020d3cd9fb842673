"""Admin for the results: sheets, flags and decisions are shown, not edited (their
numbers change only through the import and entry path, which checks them, keeps
the hash and the primary source, and records who decided what); the official
recap figures are edited by hand; the import log is read-only."""

from django.contrib import admin

from deskpemilu.results.models import (
    Decision,
    OfficialRecap,
    ResultImport,
    ResultSheet,
    SheetFlag,
)
from deskpemilu.results.spec import FIELDS


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResultSheet)
class ResultSheetAdmin(admin.ModelAdmin):
    """Read-mostly: only the uploaded photo of the form may be replaced (it is not
    part of the content hash); the numbers come through the import or entry."""

    list_display = (
        "tps_code",
        "contest",
        "source",
        "is_primary",
        "suara_sah",
        "suara_total",
        "imported_at",
    )
    list_filter = ("source", "is_primary", "contest")
    search_fields = ("^tps_code",)
    list_select_related = ("contest",)
    show_full_result_count = False
    fields = (
        "contest",
        "tps_code",
        "source",
        "is_primary",
        *FIELDS,
        "votes",
        "photo",
        "photo_url",
        "source_ts",
        "imported_at",
        "import_run",
        "entered_by",
        "content_hash",
    )
    readonly_fields = tuple(f for f in fields if f != "photo")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(SheetFlag)
class SheetFlagAdmin(ReadOnly):
    """Flags are closed in the desk's pages (with a note, who and when)."""

    list_display = ("tps_code", "check_name", "field", "status", "source", "created_at")
    list_filter = ("status", "check_name", "cross_source")
    search_fields = ("^tps_code",)
    raw_id_fields = ("tps", "sheet", "resolved_by")
    show_full_result_count = False


@admin.register(Decision)
class DecisionAdmin(ReadOnly):
    """Decisions are never edited: a newer one supersedes the current one."""

    list_display = (
        "tps_code",
        "field",
        "value",
        "decided_by",
        "decided_at",
        "superseded_at",
    )
    list_filter = ("field",)
    search_fields = ("^tps_code", "reason")
    raw_id_fields = ("tps", "decided_by", "superseded_by")


@admin.register(OfficialRecap)
class OfficialRecapAdmin(admin.ModelAdmin):
    list_display = ("area_code", "level", "contest", "source_ref", "updated_at")
    list_filter = ("level", "contest")
    search_fields = ("=area_code", "source_ref", "region__name")
    raw_id_fields = ("region",)
    readonly_fields = ("entered_by", "updated_at")
    list_select_related = ("contest",)

    def save_model(self, request, obj, form, change):
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ResultImport)
class ResultImportAdmin(ReadOnly):
    list_display = (
        "imported_at",
        "source",
        "file_name",
        "rows",
        "created",
        "updated",
        "unchanged",
        "empty",
        "flagged",
        "imported_by",
    )
    list_filter = ("source", "contest")
    search_fields = ("file_name", "sha256", "imported_by")
