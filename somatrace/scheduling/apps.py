from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    name = "somatrace.scheduling"
    label = "scheduling"
    verbose_name = "Calendar and booking"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.scheduling.panels import PANELS
        from somatrace.scheduling.views.booking import PORTAL_LINK, PORTAL_PANEL

        for panel in [*PANELS, PORTAL_PANEL]:
            panels.register(panel)
        panels.register_portal_link(PORTAL_LINK)
        from somatrace.scheduling import tasks  # noqa: F401  (registers the periodic job)
