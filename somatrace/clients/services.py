"""What happens when an intake is saved, a client is cleared, consent is given or withdrawn."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.db import transaction
from django.utils import timezone

from somatrace.alerts.models import Alert
from somatrace.alerts.services import raise_alert
from somatrace.clients.models import Clearance, Client, ConsentForm, ConsentRecord, Intake
from somatrace.clients.screening import ScreenResult


@transaction.atomic
def apply_screen(client: Client, intake: Intake) -> tuple[ScreenResult, list[Alert]]:
    """Hold the client on a positive absolute item; raise an alert per positive safety item.

    Clearing a hold takes a practitioner's clearance (record_clearance); changing the answers
    back to "no" lifts it too, since the hold then has no reason.
    """
    result = intake.screen_result
    if result.needs_clearance and not _cleared(client, result):
        if client.hold_since is None:
            client.hold_since = timezone.now()
            client.save(update_fields=["hold_since", "updated_at"])
    elif client.hold_since is not None:
        client.hold_since = None
        client.save(update_fields=["hold_since", "updated_at"])
    alerts = [
        raise_alert(client, f"intake.{item.code}", f"Intake safety screen: {item.question}")
        for item in result.safety
    ]
    return result, alerts


def _cleared(client: Client, result: ScreenResult) -> bool:
    """Whether a practitioner has already cleared every positive absolute item."""
    covered: set[str] = set()
    for clearance in client.clearances.all():
        covered.update(clearance.items)
    return {item.code for item in result.holds} <= covered


@transaction.atomic
def record_clearance(client: Client, user: Any, note: str) -> Clearance:
    intake = client.intake
    clearance = Clearance.objects.create(
        client=client,
        items=[item.code for item in intake.screen_result.holds],
        note=note,
        cleared_by=user,
    )
    client.hold_since = None
    client.save(update_fields=["hold_since", "updated_at"])
    return clearance


class ConsentState(StrEnum):
    CURRENT = "current"
    NONE = "none"
    WITHDRAWN = "withdrawn"
    OUTDATED = "outdated"
    NO_FORM = "no_form"


CONSENT_MESSAGES = {
    ConsentState.CURRENT: "Consent is current.",
    ConsentState.NONE: "The client has not given consent yet.",
    ConsentState.WITHDRAWN: "The client has withdrawn consent.",
    ConsentState.OUTDATED: "The consent text has changed since the client signed; "
    "they need to agree to the new version.",
    ConsentState.NO_FORM: "The practice has no consent text yet; the owner adds it "
    "under Practice settings.",
}


@dataclass(frozen=True)
class ConsentStatus:
    state: ConsentState
    record: ConsentRecord | None
    current_form: ConsentForm | None

    @property
    def is_current(self) -> bool:
        return self.state is ConsentState.CURRENT

    @property
    def message(self) -> str:
        return CONSENT_MESSAGES[self.state]


def consent_status(client: Client) -> ConsentStatus:
    """Current means: the client agreed to the practice's latest version and has not withdrawn."""
    current_form = ConsentForm.current_for(client.practice_id)
    record = client.consents.select_related("form").first()
    if current_form is None:
        state = ConsentState.NO_FORM
    elif record is None:
        state = ConsentState.NONE
    elif record.withdrawn_at is not None:
        state = ConsentState.WITHDRAWN
    elif record.form_id != current_form.pk:
        state = ConsentState.OUTDATED
    else:
        state = ConsentState.CURRENT
    return ConsentStatus(state=state, record=record, current_form=current_form)


def can_start_session(client: Client) -> tuple[bool, str]:
    """A session needs current consent and no open contraindication hold."""
    if client.on_hold:
        return False, (
            "This client is on hold for a contraindication found at intake. "
            "A practitioner must record a clearance before a session can be started."
        )
    status = consent_status(client)
    if not status.is_current:
        return False, f"A session cannot be started without current consent. {status.message}"
    return True, ""


def withdraw_consent(record: ConsentRecord, note: str) -> ConsentRecord:
    record.withdrawn_at = timezone.now()
    record.withdrawal_note = note
    record.save(update_fields=["withdrawn_at", "withdrawal_note"])
    return record
