from django.apps import AppConfig


class BodymapsConfig(AppConfig):
    name = "somatrace.bodymaps"
    label = "bodymaps"
    verbose_name = "Body maps"

    def ready(self) -> None:
        from somatrace.bodymaps.panels import PANELS
        from somatrace.core import panels

        for panel in PANELS:
            panels.register(panel)
