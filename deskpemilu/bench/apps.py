from django.apps import AppConfig


class BenchConfig(AppConfig):
    """Installed for its command only (`deskpemilu bench ...`); it has no models."""

    name = "deskpemilu.bench"
    label = "bench"
    verbose_name = "Benchmarks"
