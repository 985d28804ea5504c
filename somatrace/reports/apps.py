from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "somatrace.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.reports.panels import PANELS

        for panel in PANELS:
            panels.register(panel)
