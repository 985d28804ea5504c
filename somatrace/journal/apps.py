from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "somatrace.journal"
    label = "journal"
    verbose_name = "Journal and check-ins"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.journal.panels import PANELS, PORTAL_LINKS

        for panel in PANELS:
            panels.register(panel)
        for link in PORTAL_LINKS:
            panels.register_portal_link(link)
