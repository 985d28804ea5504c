"""Every change to a client's record: details and who holds them, intake and its screen,
clearances, consent (versions, signatures, withdrawal) and touch consent.

Each function takes the Actor who acts, enforces the rule, writes and audits in one
transaction. Views, the portal, the API and commands all come through here.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from somatrace.accounts.models import Role, User
from somatrace.alerts.models import Alert
from somatrace.alerts.services import raise_alert
from somatrace.audit import services as audit
from somatrace.clients import touch
from somatrace.clients.documents import (
    MAX_DOCUMENT_BYTES,
    TOO_BIG,
    DocumentRefused,
    check_document,
)
from somatrace.clients.models import (
    Attachment,
    AttachmentKind,
    Clearance,
    Client,
    ConsentForm,
    ConsentRecord,
    Intake,
    ProgressSharing,
    Tag,
    TouchConsentMap,
)
from somatrace.clients.screening import SCREEN_ITEMS, ScreenResult, evaluate_screen
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError

# Client fields anyone who may edit the record may change. The assigned practitioner decides
# who sees the clinical record, so only an owner changes it (see assign_practitioner).
DETAIL_FIELDS = (
    "name",
    "preferred_name",
    "pronouns",
    "date_of_birth",
    "email",
    "phone",
    "address",
    "emergency_contact_name",
    "emergency_contact_relationship",
    "emergency_contact_phone",
    "status",
)
# The window of tolerance is clinical: assistants neither see nor set it.
CLINICAL_FIELDS = ("suds_window_low", "suds_window_high")


def practitioners_of(practice_id: int) -> Any:
    """Active people in the practice who may have clients assigned to them."""
    return User.objects.filter(
        membership__practice_id=practice_id,
        membership__role__in=[Role.OWNER, Role.PRACTITIONER],
        is_active=True,
    ).order_by("full_name")


# --- The client and who holds them ----------------------------------------------------------


def _require_editor(actor: Actor, fields: Iterable[str]) -> None:
    if not actor.is_staff_member:
        raise PermissionDenied("Only the practice's staff change a client's details.")
    if not actor.sees_clinical_data and set(fields) & set(CLINICAL_FIELDS):
        raise PermissionDenied("The window of tolerance is set by a practitioner.")


def _holder(actor: Actor, requested: User | None) -> User:
    """Who a new client is assigned to: the owner's choice; a practitioner's new client is
    their own; an assistant's goes to an owner, who then decides who holds it."""
    if actor.is_owner:
        if requested is None:
            return actor.user
        if not practitioners_of(actor.practice_id).filter(pk=requested.pk).exists():
            raise RuleError("Choose an active owner or practitioner of this practice.")
        return requested
    if actor.role == Role.PRACTITIONER:
        return actor.user
    owner = practitioners_of(actor.practice_id).filter(membership__role=Role.OWNER).first()
    if owner is None:
        raise RuleError("The practice has no active owner to hold a new client.")
    return owner


def _set_tags(client: Client, names: Iterable[str]) -> None:
    tags = [Tag.objects.get_or_create(practice_id=client.practice_id, name=n)[0] for n in names]
    client.tags.set(tags)


@transaction.atomic
def create_client(
    actor: Actor,
    details: Mapping[str, Any],
    *,
    tag_names: Iterable[str] = (),
    practitioner: User | None = None,
) -> Client:
    """A new client. details: DETAIL_FIELDS and (clinical staff) CLINICAL_FIELDS."""
    _require_editor(actor, details)
    client = Client(
        practice_id=actor.practice_id, assigned_practitioner=_holder(actor, practitioner)
    )
    for name, value in details.items():
        if name in DETAIL_FIELDS or name in CLINICAL_FIELDS:
            setattr(client, name, value)
    client.full_clean()
    client.save()
    _set_tags(client, tag_names)
    audit.created(actor, client, [*details, "assigned_practitioner", "tags"])
    return client


@transaction.atomic
def update_client(
    actor: Actor,
    client: Client,
    changes: Mapping[str, Any],
    *,
    tag_names: Iterable[str] | None = None,
) -> Client:
    """Change details (only the fields in `changes`) and, if given, the tags."""
    _require_editor(actor, changes)
    unknown = set(changes) - set(DETAIL_FIELDS) - set(CLINICAL_FIELDS)
    if unknown:
        raise RuleError("These details cannot be changed here: " + ", ".join(sorted(unknown)))
    for name, value in changes.items():
        setattr(client, name, value)
    client.full_clean()
    client.save()
    fields = list(changes)
    if tag_names is not None:
        before = set(client.tags.values_list("name", flat=True))
        if before != set(tag_names):
            _set_tags(client, tag_names)
            fields.append("tags")
    if fields:
        audit.updated(actor, client, fields)
    return client


@transaction.atomic
def assign_practitioner(actor: Actor, client: Client, practitioner: User) -> Client:
    """Give the client to another practitioner: this decides who sees their clinical record,
    so only an owner may do it; audited as a change of access."""
    actor.require_owner("Only the practice owner assigns a client to a practitioner.")
    if not practitioners_of(actor.practice_id).filter(pk=practitioner.pk).exists():
        raise RuleError("Choose an active owner or practitioner of this practice.")
    if client.assigned_practitioner_id != practitioner.pk:
        client.assigned_practitioner = practitioner
        client.save(update_fields=["assigned_practitioner", "updated_at"])
        audit.access_changed(actor, client, ["assigned_practitioner"])
    return client


# --- Intake and the contraindication screen ---------------------------------------------------


@dataclass(frozen=True)
class IntakeOutcome:
    intake: Intake
    result: ScreenResult
    alerts: list[Alert]
    on_hold: bool


@transaction.atomic
def save_intake(
    actor: Actor, client: Client, answers: Mapping[str, str], screen: Mapping[str, bool]
) -> IntakeOutcome:
    """Store the intake and apply its screen: a positive absolute item holds the client until
    a practitioner records a clearance; each positive safety item raises an alert.

    answers: the intake's text fields; screen: {screen item code: yes?} for every item.
    Answering "no" again lifts a hold, since it then has no reason.
    """
    missing = {item.code for item in SCREEN_ITEMS} - set(screen)
    if missing:
        raise RuleError("Every screening question needs a yes or a no.")
    intake = Intake.objects.filter(client=client).first()
    creating = intake is None
    intake = intake or Intake(client=client)
    fields = [name for name, value in answers.items() if getattr(intake, name) != value]
    for name, value in answers.items():
        setattr(intake, name, value)
    screen_changed = intake.screen != dict(screen)
    intake.screen = {item.code: bool(screen[item.code]) for item in SCREEN_ITEMS}
    intake.full_clean(exclude=["client"])
    intake.save()
    if screen_changed:
        fields.append("screen")
    (audit.created if creating else audit.updated)(actor, intake, fields)

    result = evaluate_screen(intake.screen)
    hold = result.needs_clearance and not _cleared(client, result)
    if hold and client.hold_since is None:
        client.hold_since = timezone.now()
        client.save(update_fields=["hold_since", "updated_at"])
        audit.updated(actor, client, ["hold_since"])
    elif not hold and client.hold_since is not None:
        client.hold_since = None
        client.save(update_fields=["hold_since", "updated_at"])
        audit.updated(actor, client, ["hold_since"])
    alerts = [
        raise_alert(
            actor,
            client,
            f"intake.{item.code}",
            f"Intake safety screen: {item.question}",
            details={
                "source": "Intake safety screen",
                "items": [{"label": item.question, "value": "Yes"}],
            },
        )
        for item in result.safety
    ]
    return IntakeOutcome(intake=intake, result=result, alerts=alerts, on_hold=client.on_hold)


def _cleared(client: Client, result: ScreenResult) -> bool:
    """Whether a practitioner has already cleared every positive absolute item."""
    covered: set[str] = set()
    for clearance in client.clearances.all():
        covered.update(clearance.items)
    return {item.code for item in result.holds} <= covered


@transaction.atomic
def record_clearance(actor: Actor, client: Client, note: str) -> Clearance:
    """A practitioner's record that a client on hold may be worked with, and why."""
    actor.require_clinical_staff("Only a practitioner or owner can clear a client.")
    if not client.on_hold:
        raise RuleError("This client is not on hold.")
    if not note.strip():
        raise RuleError("A clearance needs a note saying who cleared the client and why.")
    clearance = Clearance.objects.create(
        client=client,
        items=[item.code for item in client.intake.screen_result.holds],
        note=note,
        cleared_by=actor.user,
    )
    client.hold_since = None
    client.save(update_fields=["hold_since", "updated_at"])
    audit.created(actor, clearance, ["note", "items"])
    audit.updated(actor, client, ["hold_since"])
    return clearance


# --- Consent ---------------------------------------------------------------------------------


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


def can_start_session(client: Client, status: ConsentStatus | None = None) -> tuple[bool, str]:
    """A session needs current consent and no open contraindication hold. `status`: the
    client's consent_status when the caller has it already (one read less)."""
    if client.on_hold:
        return False, (
            "This client is on hold for a contraindication found at intake. "
            "A practitioner must record a clearance before a session can be started."
        )
    status = status or consent_status(client)
    if not status.is_current:
        return False, f"A session cannot be started without current consent. {status.message}"
    return True, ""


@transaction.atomic
def publish_consent_version(actor: Actor, title: str, body: str) -> ConsentForm:
    """A new version of the practice's consent text (versions are never edited). Clients who
    agreed to an earlier version must agree again before their next session."""
    actor.require_owner("Only the practice owner publishes the consent text.")
    current = (
        ConsentForm.objects.select_for_update()
        .filter(practice_id=actor.practice_id)
        .order_by("-version")
        .first()
    )
    if current is not None and current.title == title and current.body == body:
        raise RuleError("The text is unchanged, so no new version was published.")
    version = ConsentForm(
        practice_id=actor.practice_id,
        version=(current.version if current else 0) + 1,
        title=title,
        body=body,
        created_by=actor.user,
    )
    version.full_clean()
    version.save()
    audit.created(actor, version, ["title", "body", "version"])
    return version


@transaction.atomic
def sign_consent(
    actor: Actor, client: Client, *, signed_name: str, research_use: bool
) -> ConsentRecord:
    """The client's agreement to the practice's current consent version, signed by typing
    their name (checked by the form against the record)."""
    form = ConsentForm.current_for(client.practice_id)
    if form is None:
        raise RuleError(CONSENT_MESSAGES[ConsentState.NO_FORM])
    record = ConsentRecord.objects.create(
        client=client,
        form=form,
        signed_name=signed_name,
        research_use=research_use,
        recorded_by=actor.user,
    )
    audit.created(actor, record, ["signed_name", "form", "research_use"])
    return record


@transaction.atomic
def withdraw_consent(actor: Actor, record: ConsentRecord, note: str) -> ConsentRecord:
    if record.withdrawn_at is not None:
        raise RuleError("This consent was already withdrawn.")
    record.withdrawn_at = timezone.now()
    record.withdrawal_note = note
    record.save(update_fields=["withdrawn_at", "withdrawal_note"])
    audit.updated(actor, record, ["withdrawn_at", "withdrawal_note"])
    return record


RESEARCH_REMOVED = "removed_from_research_analyses_and_exports"


@transaction.atomic
def withdraw_research_use(actor: Actor, client: Client) -> list[ConsentRecord]:
    """The client withdraws research use: every consent of theirs that allowed it is marked,
    so they leave every later analysis and export (treatment consent is unchanged). The owner
    records it; the audit row says what it does."""
    if not actor.is_owner:
        raise RuleError("Only the practice owner records a research withdrawal.")
    if client.practice_id != actor.practice_id:
        raise RuleError("Not a client of this practice.")
    records = list(
        ConsentRecord.objects.select_for_update().filter(
            client=client,
            research_use=True,
            withdrawn_at__isnull=True,
            research_withdrawn_at__isnull=True,
        )
    )
    if not records:
        raise RuleError("This client has no research consent to withdraw.")
    for record in records:
        record.research_withdrawn_at = timezone.now()
        record.save(update_fields=["research_withdrawn_at"])
        audit.updated(actor, record, ["research_withdrawn_at", RESEARCH_REMOVED])
    return records


# --- Touch consent ---------------------------------------------------------------------------


def current_touch_map(client: Client) -> TouchConsentMap | None:
    return TouchConsentMap.objects.filter(client=client).order_by("-version").first()


def touch_status(client: Client, region: str) -> str:
    """The client's current touch consent for an atlas region or a coarse group."""
    touch_map = current_touch_map(client)
    return touch.status_in_marks(touch_map.regions if touch_map else {}, region)


@transaction.atomic
def save_touch_map(actor: Actor, client: Client, marks: Mapping[str, str]) -> TouchConsentMap:
    """A new version of the client's touch-consent map (an old one is never edited)."""
    clean = touch.clean_marks(marks)
    if not clean:
        raise RuleError("No regions were marked.")
    latest = (
        TouchConsentMap.objects.select_for_update()
        .filter(client=client)
        .order_by("-version")
        .first()
    )
    touch_map = TouchConsentMap.objects.create(
        client=client,
        version=(latest.version + 1) if latest else 1,
        regions=clean,
        created_by=actor.user,
    )
    audit.created(actor, touch_map, ["regions"])
    return touch_map


# --- Attachments ----------------------------------------------------------------------------


class Upload(Protocol):
    """What an uploaded file gives (Django's UploadedFile, or any file opened for reading)."""

    @property
    def size(self) -> int | None: ...

    def read(self, size: int = ..., /) -> bytes: ...


@transaction.atomic
def add_attachment(
    actor: Actor, client: Client, upload: Upload, title: str, kind: str
) -> Attachment:
    """A document on a client's record. Clinical, like the notes: owners and practitioners
    only. The file's type is told by its content; it is stored under a random name."""
    actor.require_clinical_staff("Only a practitioner or owner adds documents to a record.")
    if client.practice_id != actor.practice_id:
        raise PermissionDenied("This client belongs to another practice.")
    title = title.strip()
    if not title:
        raise RuleError("A document needs a title saying what it is.")
    if len(title) > 200:
        raise RuleError("The title is longer than 200 characters.")
    if kind not in AttachmentKind.values:
        raise RuleError("Choose what kind of document this is.")
    if upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        raise RuleError(TOO_BIG)
    data = upload.read(MAX_DOCUMENT_BYTES + 1)
    try:
        document = check_document(data)
    except DocumentRefused as refusal:
        raise RuleError(str(refusal)) from None
    attachment = Attachment(
        client=client,
        title=title,
        kind=kind,
        content_type=document.content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=actor.user,
    )
    attachment.file.save(secrets.token_hex(16) + document.extension, ContentFile(data), save=False)
    stored = str(attachment.file.name)
    try:
        attachment.save()
        audit.created(actor, attachment, ["title", "kind", "file"])
    except BaseException:
        default_storage.delete(stored)
        raise
    return attachment


def read_attachment(actor: Actor, attachment: Attachment) -> bytes:
    """The document's bytes, checked against the checksum taken when it was stored; audited."""
    actor.require_clinical_staff("Documents on a record are open to practitioners and owners.")
    with default_storage.open(str(attachment.file.name), "rb") as stored:
        data = stored.read()
    if hashlib.sha256(data).hexdigest() != attachment.sha256:
        raise RuleError("This document's file has changed since it was stored.")
    audit.read(actor, attachment)
    return data


@transaction.atomic
def remove_attachment(actor: Actor, attachment: Attachment) -> None:
    """Delete a document and its file; the audit row keeps who removed which document."""
    actor.require_clinical_staff("Only a practitioner or owner removes documents.")
    if attachment.client.practice_id != actor.practice_id:
        raise PermissionDenied("This document belongs to another practice.")
    stored = str(attachment.file.name)
    audit.deleted(actor, attachment)
    attachment.delete()
    transaction.on_commit(lambda: default_storage.delete(stored))


# --- Sharing progress with the client --------------------------------------------------------


@transaction.atomic
def set_progress_sharing(
    actor: Actor, client: Client, *, ratings: bool, scores: bool, bodymaps: bool
) -> ProgressSharing:
    """Which of their own progress the client sees in the portal: session ratings,
    questionnaire scores, body maps over time. The practitioner's choice, audited as a change
    of who may see what; each kind is off until turned on."""
    actor.require_clinical_staff("Only a practitioner or owner chooses what a client sees.")
    if not Client.objects.visible_to(actor).filter(pk=client.pk).exists():
        raise PermissionDenied("This client is not one of yours.")
    sharing = ProgressSharing.objects.select_for_update().filter(
        client=client
    ).first() or ProgressSharing(client=client)
    wanted = {"ratings": ratings, "scores": scores, "bodymaps": bodymaps}
    changed = [kind for kind, on in wanted.items() if getattr(sharing, kind) != on]
    if sharing._state.adding or changed:
        for kind, on in wanted.items():
            setattr(sharing, kind, on)
        sharing.client = client
        sharing.updated_at = timezone.now()
        sharing.updated_by = actor.user
        sharing.save()
        audit.access_changed(actor, sharing, changed or ["created"])
    return sharing
