from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "deskpemilu.core"
    label = "core"
    verbose_name = "Core"
