from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "somatrace.scheduling"
    label = "scheduling"
    verbose_name = "Calendar and booking"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.scheduling.panels import PANELS

        for panel in PANELS:
            panels.register(panel)
