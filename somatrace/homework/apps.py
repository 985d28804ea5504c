from django.apps import AppConfig
from django.db.models.signals import post_migrate


class HomeworkConfig(AppConfig):
    name = "somatrace.homework"
    label = "homework"
    verbose_name = "Home practice"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.homework.panels import PANELS, PORTAL_LINKS
        from somatrace.homework.services import install_builtin_exercises

        post_migrate.connect(install_builtin_exercises, sender=self)
        for panel in PANELS:
            panels.register(panel)
        for link in PORTAL_LINKS:
            panels.register_portal_link(link)
