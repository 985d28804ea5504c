from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "somatrace.alerts"
    label = "alerts"
    verbose_name = "Safety alerts"

    def ready(self) -> None:
        from somatrace.alerts.panels import PANELS
        from somatrace.core import panels

        for panel in PANELS:
            panels.register(panel)
