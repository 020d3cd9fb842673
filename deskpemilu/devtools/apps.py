from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Installed for its command only (`deskpemilu fuzz`); it has no models."""

    name = "deskpemilu.devtools"
    label = "devtools"
    verbose_name = "Developer tools"
