"""Admin for the situation's records that a desk administrator edits by hand: a TPS's
vulnerability indicators, the personnel a Polres reports; overrides and the status
history are shown, not edited (the history is append-only)."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from deskpemilu.situation.models import (
    PolresPersonnel,
    StatusChange,
    StatusOverride,
    TpsVulnerability,
)


@admin.register(TpsVulnerability)
class TpsVulnerabilityAdmin(admin.ModelAdmin):
    list_display = ("tps", "updated_at")
    search_fields = ("tps__code",)
    raw_id_fields = ("tps",)


@admin.register(PolresPersonnel)
class PolresPersonnelAdmin(admin.ModelAdmin):
    list_display = ("agency", "police", "linmas", "updated_at")


@admin.register(StatusOverride)
class StatusOverrideAdmin(admin.ModelAdmin):
    list_display = ("region", "level", "expires_at", "created_at")
    raw_id_fields = ("region",)

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False


@admin.register(StatusChange)
class StatusChangeAdmin(admin.ModelAdmin):
    list_display = ("region", "at")
    raw_id_fields = ("region",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False
