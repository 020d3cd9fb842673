from django.apps import AppConfig


class SimulateConfig(AppConfig):
    """Installed for its command only (`deskpemilu simulate`); it has no models."""

    name = "deskpemilu.simulate"
    label = "simulate"
    verbose_name = "Simulator"
