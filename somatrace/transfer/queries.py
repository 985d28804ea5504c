"""Which records make up a practice, and which make up one client: the registry every export
walks, in dependency order (a row's foreign keys point to rows of models listed before it).

Every concrete model of a somatrace app is listed here or in EXCLUDED with its reason;
test_registry.py fails when a new model is in neither, so none is forgotten silently.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Q


@dataclass(frozen=True)
class Part:
    """One model in an export: how its rows hang off the practice and off one client.

    practice: the lookup from the model to the practice's id; client: to the client's id
    (empty: the model holds no row about one client)."""

    label: str
    practice: str
    client: str = ""
    # Fields left out of the files (permissions of Django's own tables, whose ids differ
    # between instances).
    leave_out: tuple[str, ...] = ()

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.label)


PARTS: tuple[Part, ...] = (
    Part("accounts.practice", "id"),
    Part("accounts.user", "membership__practice", leave_out=("groups", "user_permissions")),
    Part("accounts.membership", "practice"),
    Part("otp_totp.totpdevice", "user__membership__practice"),
    Part("otp_static.staticdevice", "user__membership__practice"),
    Part("otp_static.statictoken", "device__user__membership__practice"),
    Part("measures.practicemeasures", "practice"),
    Part("clients.tag", "practice"),
    Part("clients.consentform", "practice"),
    Part("therapy.technique", "practice"),
    Part("therapy.word", "practice"),
    Part("therapy.aftercaretemplate", "practice"),
    Part("homework.exercise", "practice"),
    Part("clients.client", "practice", "id"),
    Part("portal.deletionrequest", "practice", "client"),
    Part("clients.intake", "client__practice", "client"),
    Part("clients.clearance", "client__practice", "client"),
    Part("clients.consentrecord", "client__practice", "client"),
    Part("clients.touchconsentmap", "client__practice", "client"),
    Part("clients.attachment", "client__practice", "client"),
    Part("clients.progresssharing", "client__practice", "client"),
    Part("therapy.session", "practice", "client"),
    Part("therapy.note", "session__practice", "session__client"),
    Part("therapy.noteamendment", "note__session__practice", "note__session__client"),
    Part("therapy.timelineevent", "session__practice", "session__client"),
    Part("therapy.touchoverride", "client__practice", "client"),
    Part("therapy.regionwork", "client__practice", "client"),
    Part("alerts.alert", "practice", "client"),
    Part("measures.assignment", "client__practice", "client"),
    Part("measures.administration", "client__practice", "client"),
    Part("measures.accesslink", "administration__client__practice", "administration__client"),
    Part("bodymaps.painting", "client__practice", "client"),
    Part("bodymaps.regionfinding", "client__practice", "client"),
    Part("bodymaps.handover", "client__practice", "client"),
    Part("physio.recording", "client__practice", "client"),
    Part("physio.livebatch", "recording__client__practice", "recording__client"),
    Part("journal.journalsettings", "practice"),
    Part("journal.journalentry", "client__practice", "client"),
    Part("journal.checkin", "client__practice", "client"),
    Part("research.researchproject", "practice"),
    Part("research.analysisplan", "project__practice"),
    Part("homework.exerciseassignment", "client__practice", "client"),
    Part("homework.completion", "client__practice", "client"),
    Part("scheduling.room", "practice"),
    Part("scheduling.appointmenttype", "practice"),
    Part("scheduling.workinghours", "practice"),
    Part("scheduling.timeoff", "practice"),
    Part("scheduling.series", "practice"),
    Part("scheduling.appointment", "practice", "client"),
    Part("scheduling.bookingrules", "practice"),
    Part("scheduling.bookingrequest", "practice", "client"),
    Part("billing.billingsettings", "practice"),
    Part("billing.package", "practice", "client"),
    Part("billing.invoice", "practice", "client"),
    Part("billing.invoiceline", "invoice__practice", "invoice__client"),
    Part("billing.payment", "practice", "client"),
    Part("billing.packageuse", "package__practice", "client"),
    Part("audit.auditevent", "practice_id", "client_id"),
)

EXCLUDED: dict[str, str] = {
    # Credentials for one installation, like passkeys: after a move, members make new ones,
    # and a token copied out of a practice archive must not open the new instance.
    "api.accesstoken": "API tokens belong to one installation; members create new ones",
    # Transient: a PDF being prepared, deleted 24 hours after it was asked for.
    "reports.reportjob": "a progress report's PDF prepared in the background, kept 24 hours",
    "accounts.portaltoken": "single-use invitation and sign-in links, hashed, expiring in days",
    # Transient too: the outbox of one installation; a moved practice sends its own email.
    "mail.outgoingemail": "email queued, retried or sent by this installation's worker",
    # The workers' own bookkeeping, of no practice.
    "core.periodicrun": "which worker ran a periodic job for which period, kept 7 days",
    "core.workerheartbeat": "when each worker of this installation was last seen",
    # A client's sign-in to their portal: a credential for one installation, like a staff
    # passkey. After a move the practice invites its clients again.
    "accounts.clientaccount": "a client's portal sign-in; clients are invited again after a move",
    # Derived: where the pacing guard stands, rebuilt from the timeline at the next event.
    # A secret address for a practitioner's phone: after a move they make a new one.
    "scheduling.calendarfeed": "a practitioner's private calendar address, hashed",
    "therapy.guardstate": "the pacing guard's working state, rebuilt from the timeline",
}


def somatrace_models() -> Iterator[type[models.Model]]:
    """Every concrete model of the somatrace apps (not Django's or a library's)."""
    for model in apps.get_models():
        if model.__module__.startswith("somatrace.") and not model._meta.proxy:
            yield model


def practice_rows(part: Part, practice_id: int) -> models.QuerySet[models.Model]:
    return part.model._base_manager.filter(Q(**{part.practice: practice_id})).order_by("pk")


def client_rows(part: Part, client_id: int) -> models.QuerySet[models.Model]:
    return part.model._base_manager.filter(Q(**{part.client: client_id})).order_by("pk")


def builtin_techniques() -> dict[str, str]:
    """The built-in techniques (no practice), id -> code: sessions of every practice point to
    them, so the instance an export is loaded into must number them the same way."""
    rows = apps.get_model("therapy.technique")._base_manager.filter(practice=None)
    return {str(pk): code for pk, code in rows.order_by("pk").values_list("pk", "code")}
