from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "somatrace.transfer"
    label = "transfer"
    verbose_name = "Moving a practice and subject access"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.transfer.panels import PANELS

        for panel in PANELS:
            panels.register(panel)
