from django.apps import AppConfig


class DeskConfig(AppConfig):
    name = "deskpemilu.desk"
    label = "desk"
    verbose_name = "Desk"
