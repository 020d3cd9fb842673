"""Admin for intake: reporters (known senders), API clients, messages, the outbound
queue. Phone numbers are personal data: only administrators (access.can_see_personal_
data) may open these pages."""

from django import forms
from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest

from deskpemilu.accounts.access import can_see_personal_data
from deskpemilu.intake.models import (
    ApiClient,
    InboundMessage,
    OutboundMessage,
    Reporter,
    ReporterHandle,
    TpsCheckin,
)


class AdministratorsOnly(admin.ModelAdmin):
    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_see_personal_data(request.user)

    def has_view_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return can_see_personal_data(request.user)

    def has_change_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return can_see_personal_data(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return can_see_personal_data(request.user)

    def has_delete_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return can_see_personal_data(request.user)


class HandleForm(forms.ModelForm):
    def clean_handle(self) -> str:
        handle = self.cleaned_data["handle"]
        owner = Reporter.objects.filter(phone=handle).first()
        if owner is not None and owner.pk != self.instance.reporter_id:
            raise forms.ValidationError(
                f"{handle} adalah nomor pelapor lain ({owner.name})."
            )
        return handle


class HandleInline(admin.TabularInline):
    """Other ways the reporter sends: a second phone, tg:<id>, wa:<id>."""

    model = ReporterHandle
    form = HandleForm
    extra = 1
    fields = ("handle",)

    def has_view_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return can_see_personal_data(request.user)

    has_change_permission = has_add_permission = has_delete_permission = (
        has_view_permission
    )


@admin.register(Reporter)
class ReporterAdmin(AdministratorsOnly):
    list_display = ("name", "phone", "role", "agency", "region", "tps", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("name", "phone", "handles__handle", "tps__code", "region__name")
    inlines = [HandleInline]
    raw_id_fields = ("region", "tps")
    autocomplete_fields = ("agency",)


@admin.register(ApiClient)
class ApiClientAdmin(AdministratorsOnly):
    list_display = ("name", "agency", "token_prefix", "is_active", "created_at")
    readonly_fields = ("token_hash", "token_prefix")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens are made with `deskpemilu create_api_client`


class ReadOnly(AdministratorsOnly):
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


@admin.register(InboundMessage)
class InboundMessageAdmin(ReadOnly):
    list_display = ("received_at", "channel", "sender", "status", "kind", "body")
    list_filter = ("channel", "status", "kind")
    search_fields = ("sender", "body", "provider_id")
    date_hierarchy = "received_at"
    show_full_result_count = False


@admin.register(OutboundMessage)
class OutboundMessageAdmin(ReadOnly):
    list_display = ("created_at", "channel", "recipient", "status", "attempts")
    list_filter = ("channel", "status")


@admin.register(TpsCheckin)
class TpsCheckinAdmin(ReadOnly):
    list_display = ("reported_at", "tps", "stage")
    list_filter = ("stage",)
    raw_id_fields = ("tps", "message", "reporter")
