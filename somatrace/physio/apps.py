from django.apps import AppConfig


class PhysioConfig(AppConfig):
    name = "somatrace.physio"
    label = "physio"
    verbose_name = "Physiology"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.physio.panels import PANELS

        for panel in PANELS:
            panels.register(panel)
