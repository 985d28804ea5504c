from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_save


def _session_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if created and not raw:
        from somatrace.measures.services import schedule_after_session

        schedule_after_session(instance.client_id)


def _client_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **_: Any) -> None:
    if not created and not raw and instance.status == "discharged":
        from somatrace.measures.services import schedule_at_discharge

        schedule_at_discharge(instance)


class MeasuresConfig(AppConfig):
    name = "somatrace.measures"
    label = "measures"
    verbose_name = "Outcome measures"

    def ready(self) -> None:
        # Schedules: a new session may make an every-N-sessions/weeks questionnaire due, and a
        # discharge makes the discharge questionnaires due.
        post_save.connect(
            _session_saved, sender="therapy.Session", dispatch_uid="measures.session_saved"
        )
        post_save.connect(
            _client_saved, sender="clients.Client", dispatch_uid="measures.client_saved"
        )
