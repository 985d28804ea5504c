"""Exports that take client data out of Somatrace: the FHIR bundle and the outcomes CSVs.

Each reads through visible_to(actor) and writes one EXPORT audit row naming what left.
Nothing here changes a record.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from somatrace.accounts.models import User
from somatrace.audit import services as audit
from somatrace.bodymaps.models import RegionFinding
from somatrace.clients.models import Client, ConsentRecord
from somatrace.clients.models import Status as ClientStatus
from somatrace.core.actor import Actor
from somatrace.exports import fhir, outcomes
from somatrace.measures import queries, summary
from somatrace.measures.models import Administration
from somatrace.measures.models import Status as AdministrationStatus
from somatrace.physio.models import Recording
from somatrace.therapy.models import Session, TimelineEvent

RATING_COLUMNS = {  # Session field -> (kind, moment)
    "pre_suds": ("suds", "before"),
    "pre_calm": ("calm", "before"),
    "pre_tension": ("tension", "before"),
    "post_suds": ("suds", "after"),
    "post_calm": ("calm", "after"),
    "post_tension": ("tension", "after"),
}


def _require_clinical(actor: Actor) -> None:
    if not actor.sees_clinical_data:
        raise PermissionDenied("Exports of clinical records are for practitioners and owners.")


def visible_client(actor: Actor, client_id: int) -> Client:
    """The client, if this actor may see their clinical record; Client.DoesNotExist if not."""
    _require_clinical(actor)
    return (
        Client.objects.visible_to(actor)
        .select_related("practice", "assigned_practitioner")
        .get(pk=client_id)
    )


def _person(user: User) -> fhir.PractitionerData:
    return fhir.PractitionerData(id=user.pk, name=user.full_name or user.email, email=user.email)


def _encounter_status(session: Session, now: datetime) -> str:
    if session.started_at is not None and session.ended_at is None:
        return "in-progress"
    if session.started_at is None and session.starts_at > now:
        return "planned"
    return "finished"


def gather(actor: Actor, client: Client) -> fhir.ClientExport:
    """Everything the bundle holds about one client, read through visible_to (7 queries)."""
    now = timezone.now()
    # ConsentRecord has no visible_to of its own: the client was read through visible_to.
    consents = ConsentRecord.objects.filter(client=client).select_related("form").order_by("id")
    sessions = list(
        Session.objects.visible_to(actor)
        .filter(client=client)
        .select_related("practitioner")
        .order_by("starts_at", "id")
    )
    suds_events: dict[int, list[TimelineEvent]] = {}
    for event in (
        TimelineEvent.objects.visible_to(actor)
        .filter(session__client=client, suds__isnull=False)
        .order_by("at", "id")
    ):
        suds_events.setdefault(event.session_id, []).append(event)
    session_data = []
    for s in sessions:
        ratings = []
        for field, (kind, moment) in RATING_COLUMNS.items():
            value = getattr(s, field)
            if value is None:
                continue
            before = moment == "before"
            at = (s.started_at or s.starts_at) if before else (s.ended_at or s.ends_at)
            ratings.append(fhir.Rating(kind, moment, value, at, f"session-{s.pk}-{field}"))
        for event in suds_events.get(s.pk, []):
            assert event.suds is not None
            ratings.append(fhir.Rating("suds", "during", event.suds, event.at, f"event-{event.pk}"))
        session_data.append(
            fhir.SessionData(
                id=s.pk,
                practitioner_id=s.practitioner_id,
                starts_at=s.started_at or s.starts_at,
                ends_at=s.ended_at or s.ends_at,
                status=_encounter_status(s, now),
                ratings=ratings,
            )
        )
    administrations = [
        fhir.AdministrationData(
            id=a.pk,
            instrument=a.instrument,
            completed_at=a.completed_at,
            answers=list(a.answers),
            total=a.total if a.valid else None,
            session_id=a.session_id,
        )
        for a in Administration.objects.visible_to(actor)
        .filter(client=client, status=AdministrationStatus.COMPLETED, completed_at__isnull=False)
        .order_by("completed_at", "id")
        if a.completed_at is not None
    ]
    recordings = [
        fhir.RecordingData(
            id=r.pk,
            at=r.started_at or r.uploaded_at,
            metrics=dict((r.results or {}).get("time") or {}),
            session_id=r.session_id,
        )
        for r in Recording.objects.visible_to(actor)
        .filter(client=client, status=Recording.Status.DONE)
        .only("pk", "started_at", "uploaded_at", "results", "session_id", "client_id")
        .order_by("uploaded_at", "id")
    ]
    findings = [
        fhir.FindingData(
            id=f.pk,
            region=f.region,
            finding=f.finding,
            finding_label=f.get_finding_display(),
            intensity=f.intensity,
            at=f.created_at,
            session_id=f.session_id,
        )
        for f in RegionFinding.objects.visible_to(actor)
        .filter(client=client)
        .order_by("created_at", "id")
    ]
    assigned = client.assigned_practitioner
    return fhir.ClientExport(
        patient=fhir.PatientData(
            id=client.pk,
            name=client.name,
            preferred_name=client.preferred_name,
            birth_date=client.date_of_birth,
            email=client.email,
            phone=client.phone,
            active=client.status != ClientStatus.DISCHARGED,
        ),
        organization=fhir.OrganizationData(client.practice_id, client.practice.name),
        practitioner=_person(assigned) if assigned is not None else None,
        other_practitioners=[_person(s.practitioner) for s in sessions],
        generated_at=now,
        consents=[
            fhir.ConsentData(c.pk, c.form.version, c.form.title, c.signed_at, c.withdrawn_at)
            for c in consents
        ],
        sessions=session_data,
        administrations=administrations,
        recordings=recordings,
        findings=findings,
    )


def fhir_bundle(actor: Actor, client_id: int) -> dict[str, object]:
    """The client's FHIR R4 Bundle (JSON-ready dict); audited as one EXPORT row.

    Raises Client.DoesNotExist when the actor may not see the client, PermissionDenied for
    an actor who sees no clinical records."""
    client = visible_client(actor, client_id)
    data = gather(actor, client)
    audit.exported(
        actor,
        client,
        shown={
            "clients.consentrecord": [c.id for c in data.consents],
            "therapy.session": [s.id for s in data.sessions],
            "measures.administration": [a.id for a in data.administrations],
            "physio.recording": [r.id for r in data.recordings],
            "bodymaps.regionfinding": [f.id for f in data.findings],
        },
    )
    return fhir.bundle(data)


def client_outcomes_csv(actor: Actor, client_id: int) -> str:
    """The client's completed questionnaires as CSV (outcomes.CLIENT_COLUMNS); audited."""
    client = visible_client(actor, client_id)
    scores = [
        outcomes.Score(
            administration_id=a.pk,
            instrument=a.instrument,
            version=a.version,
            completed_on=a.completed_at.date(),
            channel=a.channel,
            valid=a.valid,
            total=a.total,
            band=a.band,
            session_id=a.session_id,
        )
        for a in Administration.objects.visible_to(actor)
        .filter(client=client, status=AdministrationStatus.COMPLETED, completed_at__isnull=False)
        .order_by("completed_at", "id")
        if a.completed_at is not None
    ]
    audit.exported(
        actor, client, shown={"measures.administration": [s.administration_id for s in scores]}
    )
    return outcomes.to_csv(outcomes.CLIENT_COLUMNS, outcomes.client_rows(client.pk, scores))


def caseload_csv(actor: Actor) -> str:
    """The caseload page's table as CSV, with the same small-group suppression; audited."""
    _require_clinical(actor)
    per_client = queries.caseload_points(actor)
    table = summary.caseload(per_client)
    audit.exported_list(actor, "measures.caseload", sorted({c for c, _ in per_client}))
    return outcomes.to_csv(outcomes.CASELOAD_COLUMNS, outcomes.caseload_rows(table))
