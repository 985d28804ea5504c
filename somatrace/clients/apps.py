from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "somatrace.clients"
    label = "clients"
    verbose_name = "Clients"

    def ready(self) -> None:
        from somatrace.clients.panels import PANELS
        from somatrace.core import panels

        for panel in PANELS:
            panels.register(panel)
