from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TherapyConfig(AppConfig):
    name = "somatrace.therapy"
    label = "therapy"
    verbose_name = "Sessions"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.therapy.panels import PANELS
        from somatrace.therapy.services import install_builtin_vocabulary

        post_migrate.connect(install_builtin_vocabulary, sender=self)
        for panel in PANELS:
            panels.register(panel)
        panels.register_portal_link(panels.PortalLink("Aftercare", "portal_aftercare", 50))
