from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "deskpemilu.reports"
    label = "reports"
    verbose_name = _("Situation reports")

    def ready(self) -> None:
        # An e-mail about an issued report carries its PDF (core/events.py).
        from deskpemilu.core import events
        from deskpemilu.reports.services import report_pdf

        events.provide_attachments("report_issued", report_pdf)
