from django.apps import AppConfig
from django.db.models.signals import post_save


class MeasuresConfig(AppConfig):
    name = "somatrace.measures"
    label = "measures"
    verbose_name = "Outcome measures"

    def ready(self) -> None:
        from somatrace.core import panels
        from somatrace.measures import tasks  # noqa: F401  (registers the periodic jobs)
        from somatrace.measures.panels import PANELS
        from somatrace.measures.services import on_client_saved, on_session_saved

        post_save.connect(
            on_session_saved, sender="therapy.Session", dispatch_uid="measures.session_saved"
        )
        post_save.connect(
            on_client_saved, sender="clients.Client", dispatch_uid="measures.client_saved"
        )
        for panel in PANELS:
            panels.register(panel)
