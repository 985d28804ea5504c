from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "somatrace.portal"
    label = "portal"
    verbose_name = "The client portal"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.portal.panels import LINKS, OFFLINE_STATIC, PANELS

        for link in LINKS:
            panels.register_portal_link(link)
        for panel in PANELS:
            panels.register(panel)
        for path in OFFLINE_STATIC:
            panels.register_offline_static(path)
