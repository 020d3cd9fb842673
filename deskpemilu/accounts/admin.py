from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from deskpemilu.accounts.models import Agency, Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("region",)
    autocomplete_fields = ("agency",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Desk", {"fields": ("phone",)}))


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind", "region", "parent", "desk_member")
    list_filter = ("kind", "desk_member", "region")
    search_fields = ("name", "short_name", "code")
    filter_horizontal = ("jurisdiction",)
    list_select_related = ("region", "parent")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "agency", "role", "region", "is_active")
    list_filter = ("role", "is_active", "agency__kind")
    raw_id_fields = ("user", "region")
    autocomplete_fields = ("agency",)
    list_select_related = ("user", "agency", "region")
