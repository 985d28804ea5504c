from django.apps import AppConfig


class JournalConfig(AppConfig):
    name = "somatrace.journal"
    label = "journal"
    verbose_name = "Journal and check-ins"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.journal.panels import OFFLINE_PAGES, OFFLINE_STATIC, PANELS, PORTAL_LINKS

        for panel in PANELS:
            panels.register(panel)
        for link in PORTAL_LINKS:
            panels.register_portal_link(link)
        # Static files of the journal page, kept by the portal's service worker (no client data).
        for path in OFFLINE_STATIC:
            panels.register_offline_static(path)
        for link in OFFLINE_PAGES:
            panels.register_offline_page(link)
        from somatrace.journal import tasks  # noqa: F401  (registers the periodic job)
