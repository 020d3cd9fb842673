from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "deskpemilu.desk"
    label = "desk"
    verbose_name = "Desk"

    def ready(self) -> None:
        # The composition puts coordination's panels on the lower apps' pages.
        from deskpemilu.desk import panels

        panels.register()
