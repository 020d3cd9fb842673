"""Admin for the desk's own records: meetings with their action items, shifts with
their handover notes, and the contact directory."""

from django.contrib import admin

from deskpemilu.coordination.models import (
    ActionItem,
    Contact,
    Handover,
    Meeting,
    Shift,
)


class ActionItemInline(admin.TabularInline):
    model = ActionItem
    extra = 0
    fields = ("description", "owner", "due_on", "status")


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("title", "held_at", "region", "place")
    list_filter = ("region",)
    search_fields = ("title", "agenda", "decisions")
    raw_id_fields = ("region",)
    filter_horizontal = ("agencies",)
    inlines = [ActionItemInline]
    readonly_fields = ("created_by",)

    def save_model(self, request, obj, form, change):
        obj.area_code = obj.region.code_nodot
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("description", "owner", "due_on", "status", "meeting")
    list_filter = ("status",)
    raw_id_fields = ("meeting", "incidents", "regions", "closed_by")


@admin.register(Shift)
class ShiftAdmin(admin.ModelAdmin):
    list_display = ("region", "starts_at", "ends_at")
    raw_id_fields = ("region",)
    readonly_fields = ("created_by",)
    filter_horizontal = ("people",)

    def save_model(self, request, obj, form, change):
        obj.area_code = obj.region.code_nodot
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Handover)
class HandoverAdmin(admin.ModelAdmin):
    list_display = ("shift", "written_by", "written_at", "acknowledged_by")
    raw_id_fields = ("shift", "written_by", "acknowledged_by")


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ("name", "role", "place_code", "phone")
    list_filter = ("role",)
    search_fields = ("name", "place_code", "phone")
    raw_id_fields = ("region", "tps")

    def save_model(self, request, obj, form, change):
        obj.place_code = obj.tps.code if obj.tps else obj.region.code_nodot
        super().save_model(request, obj, form, change)
