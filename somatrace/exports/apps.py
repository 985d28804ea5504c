from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "somatrace.exports"
    label = "exports"
    verbose_name = "Exports"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.exports.panels import PANELS

        for panel in PANELS:
            panels.register(panel)
