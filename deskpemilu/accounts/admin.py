from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from deskpemilu.accounts.models import Agency, Membership, User
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.accounts.services import contact_phone, login_unlock


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("region",)
    autocomplete_fields = ("agency",)


class DeskUserChangeForm(UserChangeForm):
    def clean_phone(self) -> str:
        # The number notifications go to, kept in the desk's one form.
        return contact_phone(self.cleaned_data["phone"])


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = DeskUserChangeForm
    inlines = [MembershipInline]
    # The stubs allow fieldsets to be None; Django's UserAdmin always sets them.
    fieldsets = (*BaseUserAdmin.fieldsets, ("Desk", {"fields": ("phone",)}))  # type: ignore[misc]
    actions = ["unlock_login"]

    @admin.action(description=_("Unlock login (forget failed attempts)"))
    def unlock_login(self, request: AuthedRequest, queryset: QuerySet[User]) -> None:
        removed = login_unlock(actor=request.user, users=queryset)
        count = queryset.count()
        self.message_user(
            request,
            ngettext(
                "%(count)d user unlocked (%(removed)d failed attempts forgotten).",
                "%(count)d users unlocked (%(removed)d failed attempts forgotten).",
                count,
            )
            % {"count": count, "removed": removed},
            messages.SUCCESS,
        )


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
