"""Admin for notifications: deliveries with their attempt log (and the action that
sends failed ones again), the bell's rows, the agencies' webhook endpoints. The
recipients are personal data and an endpoint holds a secret: administrators only."""

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from deskpemilu.accounts.access import can_see_personal_data
from deskpemilu.accounts.requests import AuthedRequest
from deskpemilu.intake.admin import AdministratorsOnly
from deskpemilu.notifications.models import (
    Delivery,
    DeliveryAttempt,
    Notification,
    WebhookEndpoint,
)
from deskpemilu.notifications.services import deliveries_retry


class ReadOnly(admin.ModelAdmin):
    """What the desk wrote itself: looked at here by administrators, changed by the
    services."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return can_see_personal_data(request.user)

    def has_view_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return can_see_personal_data(request.user)

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


class AttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    extra = 0
    can_delete = False
    fields = ("started_at", "duration_ms", "ok", "status", "error")
    readonly_fields = fields

    def has_add_permission(
        self, request: HttpRequest, obj: Model | None = None
    ) -> bool:
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = (
        "created_at",
        "kind",
        "channel",
        "recipient",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
    )
    list_filter = ("status", "channel", "kind")
    search_fields = ("recipient", "subject")
    date_hierarchy = "created_at"
    inlines = [AttemptInline]
    actions = ["retry"]

    @admin.action(description=_("Send the failed deliveries again"))
    def retry(self, request: AuthedRequest, queryset: QuerySet[Delivery]) -> None:
        count = deliveries_retry(actor=request.user, deliveries=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued again.",
                "%(count)d deliveries queued again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(DeliveryAttempt)
class DeliveryAttemptAdmin(ReadOnly):
    list_display = ("started_at", "delivery", "ok", "status", "duration_ms", "error")
    list_filter = ("ok",)
    list_select_related = ("delivery",)


@admin.register(Notification)
class NotificationAdmin(ReadOnly):
    list_display = ("created_at", "user", "kind", "title", "read_at")
    list_filter = ("kind",)
    search_fields = ("title", "user__username")
    list_select_related = ("user",)


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(AdministratorsOnly):
    list_display = ("agency", "url", "active", "created_at")
    list_filter = ("active",)
    autocomplete_fields = ("agency",)
