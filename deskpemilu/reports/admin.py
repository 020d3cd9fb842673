"""The desk's letterhead (kop, numbering, signer) is edited in the admin; reports are
shown read-only there (their workflow is on the /laporan/ pages)."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from deskpemilu.reports.models import Letterhead, Report


@admin.register(Letterhead)
class LetterheadAdmin(admin.ModelAdmin[Letterhead]):
    list_display = ("unit", "region", "number_format", "signer_name")
    autocomplete_fields = ("region",)


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin[Report]):
    list_display = ("__str__", "kind", "region", "period_start", "status", "revision")
    list_filter = ("status", "kind")
    exclude = ("content",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Report | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Report | None = None
    ) -> bool:
        return False
