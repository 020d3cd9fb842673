from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "deskpemilu.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from django.conf import settings

        from deskpemilu.core.events import announced

        if not settings.DESKPEMILU_NOTIFICATIONS:
            return  # nobody listens: events cost their on-commit callback only
        from deskpemilu.notifications.services import event_fan_out

        announced.connect(event_fan_out, dispatch_uid="notifications.fan_out")
