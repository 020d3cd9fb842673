"""Incidents are worked in the desk's own pages (/kejadian/); the admin only shows
them, and the history is never edited."""

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from deskpemilu.incidents.models import Assignment, Incident, IncidentEvent


class EventInline(admin.TabularInline):
    model = IncidentEvent
    extra = 0
    can_delete = False
    readonly_fields = (
        "at",
        "actor",
        "actor_label",
        "action",
        "from_status",
        "to_status",
        "changes",
        "note",
    )

    def has_add_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False


class AssignmentInline(admin.TabularInline):
    model = Assignment
    extra = 0
    can_delete = False
    readonly_fields = ("agency", "deadline", "acknowledged_at", "done_at")
    fields = readonly_fields

    def has_add_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "title",
        "category",
        "severity",
        "status",
        "region",
        "occurred_at",
    )
    list_filter = ("status", "severity", "category")
    search_fields = ("title", "description")
    raw_id_fields = ("region", "tps", "duplicate_of", "created_by")
    readonly_fields = ("version", "area_code")
    inlines = [AssignmentInline, EventInline]
    list_select_related = ("region",)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False
