from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "somatrace.billing"
    label = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from somatrace.billing.panels import PANELS, PORTAL_LINKS
        from somatrace.core import panels

        for panel in PANELS:
            panels.register(panel)
        for link in PORTAL_LINKS:
            panels.register_portal_link(link)
