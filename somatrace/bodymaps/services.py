"""Body-map services: storing what a client painted and what a practitioner found, and
handing the painter to the client (the practice tablet in kiosk mode, or a secure link).
(Touch consent is the client record's: clients.services; work on a region is the session's:
therapy.services.)"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from somatrace.audit import services as audit
from somatrace.bodymaps import analysis, embody, raster
from somatrace.bodymaps.atlas import REGION_BY_CODE
from somatrace.bodymaps.models import (
    Handover,
    HandoverChannel,
    Moment,
    Painting,
    RegionFinding,
    hash_token,
)
from somatrace.bodymaps.payload import CleanPainting
from somatrace.clients.models import Client
from somatrace.core.actor import Actor
from somatrace.core.errors import RuleError
from somatrace.therapy.models import Session
from somatrace.therapy.queries import event_label, vocabulary_for

LINK_DAYS = 7  # a secure painting link works for a week
KIOSK_HOURS = 2  # a handed-over tablet locks itself back two hours after the hand-over
HANDOVER_REFUSAL = "The painter is handed to a client by their practitioner or an owner."


class HandoverClosed(RuleError):
    """The hand-over was used, revoked or expired meanwhile: the painting is refused."""


CLOSED = "This body map is no longer open: it was saved, or it has expired."


def painting_raster(painting: Painting) -> np.ndarray:
    """The painting's raster: the stored one if it was made with the current raster version,
    else recomputed from the canonical strokes (deterministic). CHOIR outlines: (2 views,
    2 layers, 580, 290), values 0-1; emBODY's: (1 view, 2 layers, 522, 171), emBODY units."""
    record = painting.strokes or {}
    if painting.body_shape == embody.EMBODY_SHAPE:
        if painting.raster and painting.raster_version == embody.RASTER_VERSION:
            return embody.unpack(bytes(painting.raster))
        points = record.get("embody", {}).get("points", [])
        return embody.rasterise(embody.Recording(tuple(tuple(p) for p in points)))
    if painting.raster and painting.raster_version == raster.RASTER_VERSION:
        return raster.unpack(bytes(painting.raster))
    return raster.rasterise(
        record.get("strokes", []), painting.body_shape, record.get("regions", [])
    )


def painting_levels(painting: Painting) -> np.ndarray:
    """The painting's raster as stored levels 0-255, uint8 (2, 2, 580, 290)."""
    if painting.raster and painting.raster_version == raster.RASTER_VERSION:
        return raster.unpack_levels(bytes(painting.raster))
    return np.round(np.clip(painting_raster(painting), 0, 1) * raster.PACK_LEVELS).astype(np.uint8)


def build_painting(
    client: Client,
    clean: CleanPainting,
    *,
    moment: str,
    session: Session | None = None,
    created_by: Any = None,
) -> Painting:
    """An unsaved painting with its raster and summary computed from the validated strokes."""
    grid = raster.rasterise(clean.strokes, clean.body_shape, clean.regions)
    return Painting(
        client=client,
        session=session,
        moment=moment,
        atlas_version=clean.atlas_version,
        body_shape=clean.body_shape,
        nothing_felt=clean.nothing_felt,
        strokes=clean.record,
        raster_version=raster.RASTER_VERSION,
        raster=raster.pack(grid),
        stats=analysis.summarise(grid, clean.body_shape),
        emotions=clean.emotions,
        words=clean.words,
        created_by=created_by,
    )


def save_painting(
    actor: Actor,
    client: Client,
    clean: CleanPainting,
    *,
    moment: str,
    session: Session | None = None,
) -> Painting:
    """Rasterise, summarise and store a validated painting; audited. The painting is made
    before the write transaction (it is the slow part)."""
    if actor.client_id is not None and actor.client_id != client.pk:
        raise PermissionDenied("A client paints only their own body maps.")
    if session is not None and session.client_id != client.pk:
        raise RuleError("This session belongs to another client.")
    painting = build_painting(client, clean, moment=moment, session=session, created_by=actor.user)
    with transaction.atomic():
        painting.save()
        audit.created(actor, painting, ["strokes", "emotions", "words", "nothing_felt", "moment"])
    return painting


def import_embody(
    actor: Actor,
    client: Client,
    recording: embody.Recording,
    *,
    stimulus: str,
    source: str,
) -> Painting:
    """Store one emBODY recording on emBODY's own outline, as emBODY computes it: the painted
    points are the canonical record, the raster is emBODY's blurred map (embody.rasterise),
    the stimulus (e.g. the emotion word) is kept, and a recording of nothing is a valid map
    of nothing felt. Dated by its first painted point when it has one. Audited."""
    if actor.client_id is not None:
        raise PermissionDenied("Imports are made by the practice, not through a client link.")
    grid = embody.rasterise(recording)
    started = recording.started_ms
    when = timezone.now() if started is None else datetime.fromtimestamp(started / 1000, tz=UTC)
    painting = Painting(
        client=client,
        moment=Moment.CHECKIN,
        atlas_version=embody.EMBODY_ATLAS_VERSION,
        body_shape=embody.EMBODY_SHAPE,
        nothing_felt=recording.empty,
        strokes={"embody": {"canvas": list(embody.CANVAS), "points": recording.points}},
        raster_version=embody.RASTER_VERSION,
        raster=embody.pack(grid),
        stats=analysis.summarise(grid, embody.EMBODY_SHAPE),
        stimulus=stimulus[:60],
        words=f"Imported from emBODY file {source}"[:200],
        created_by=actor.user,
        created_at=when,
    )
    with transaction.atomic():
        painting.save()
        audit.created(actor, painting, ["strokes", "stimulus", "nothing_felt", "words"])
    return painting


@transaction.atomic
def add_finding(
    actor: Actor,
    session: Session,
    *,
    region: str,
    finding: str,
    intensity: int,
    note: str = "",
    event_id: int | None = None,
) -> RegionFinding:
    """A practitioner's finding on one atlas region in a session, optionally tied to the
    timeline moment it belongs to. Refused once the session's note is signed."""
    actor.require_clinical_staff("Findings are recorded by practitioners and owners.")
    if session.is_signed:
        raise RuleError("This session's note is signed, so its body chart is locked.")
    if region not in REGION_BY_CODE:
        raise RuleError("Choose a region from the atlas.")
    if event_id is not None and not session.events.filter(pk=event_id).exists():
        raise RuleError("Choose a moment from this session's timeline.")
    item = RegionFinding(
        client_id=session.client_id,
        session=session,
        region=region,
        finding=finding,
        intensity=intensity,
        note=note,
        event_id=event_id,
        created_by=actor.user,
    )
    item.full_clean(exclude=["client", "session", "event", "created_by"])
    item.save()
    audit.created(actor, item, ["region", "finding", "intensity", "note", "event"])
    return item


def timeline_choices(session: Session) -> list[tuple[int, str]]:
    """The session's cues, emotions and techniques as (event id, "mm:ss label") for linking a
    finding to the moment it was seen. Three queries."""
    events = list(session.events.filter(kind__in=["cue", "emotion", "technique"]))
    if not events:
        return []
    labels = vocabulary_for(session.practice_id).labels
    start = session.started_at or session.starts_at
    choices = []
    for event in events:
        seconds = max(0, int((event.at - start).total_seconds()))
        choices.append(
            (event.pk, f"{seconds // 60:02d}:{seconds % 60:02d} {event_label(event, labels)}")
        )
    return choices


# --- Handing the painter to the client -------------------------------------------------------


def _check_moment(client: Client, moment: str, session: Session | None) -> None:
    if moment not in Moment.values:
        raise RuleError("Unknown moment for a body map.")
    if (session is None) != (moment == Moment.CHECKIN):
        raise RuleError("Before and after maps belong to a session; a check-in does not.")
    if session is not None and session.client_id != client.pk:
        raise RuleError("This session belongs to another client.")


def _revoke_open(
    actor: Actor,
    client: Client,
    moment: str,
    session: Session | None,
    *,
    channel: str | None = None,
) -> None:
    """Stop the unused hand-overs of this map (of one channel, or all); each is audited."""
    query = Handover.objects.filter(
        client=client, session=session, moment=moment, used_at__isnull=True, revoked_at__isnull=True
    )
    if channel is not None:
        query = query.filter(channel=channel)
    now = timezone.now()
    for handover in query:
        handover.revoked_at = now
        handover.save(update_fields=["revoked_at"])
        audit.updated(actor, handover, ["revoked_at"])


@transaction.atomic
def start_kiosk(
    actor: Actor, client: Client, moment: str, session: Session | None = None
) -> Handover:
    """The practitioner hands the practice tablet to the client to paint this one map. The
    door then logs the practitioner out and keeps the hand-over's id in the browser session."""
    actor.require_clinical_staff(HANDOVER_REFUSAL)
    _check_moment(client, moment, session)
    _revoke_open(actor, client, moment, session, channel=HandoverChannel.KIOSK)
    now = timezone.now()
    handover = Handover.objects.create(
        client=client,
        session=session,
        moment=moment,
        channel=HandoverChannel.KIOSK,
        created_by=actor.user,
        created_at=now,
        expires_at=now + timedelta(hours=KIOSK_HOURS),
    )
    audit.created(actor, handover, ["channel", "moment", "session", "expires_at"])
    return handover


@transaction.atomic
def create_link(
    actor: Actor,
    client: Client,
    moment: str,
    session: Session | None = None,
    days: int = LINK_DAYS,
) -> tuple[Handover, str]:
    """A new single-use link to paint this one map; earlier unused links for it stop working.

    Returns the hand-over and the token (shown once; only its SHA-256 is stored, and the audit
    row names the hand-over, never the token)."""
    actor.require_clinical_staff(HANDOVER_REFUSAL)
    _check_moment(client, moment, session)
    _revoke_open(actor, client, moment, session, channel=HandoverChannel.LINK)
    now = timezone.now()
    token = secrets.token_urlsafe(32)
    handover = Handover.objects.create(
        client=client,
        session=session,
        moment=moment,
        channel=HandoverChannel.LINK,
        token_hash=hash_token(token),
        created_by=actor.user,
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    audit.created(actor, handover, ["channel", "moment", "session", "expires_at", "token_hash"])
    return handover, token


@transaction.atomic
def revoke_handover(actor: Actor, handover: Handover) -> Handover:
    """Stop a link (or a kiosk hand-over) that has not been used yet."""
    actor.require_clinical_staff(HANDOVER_REFUSAL)
    if not handover.usable:
        raise RuleError("This link no longer works: it was used, revoked or has expired.")
    handover.revoked_at = timezone.now()
    handover.save(update_fields=["revoked_at"])
    audit.updated(actor, handover, ["revoked_at"])
    return handover


def link_for_token(token: str) -> Handover | None:
    """The usable link for this token, or None (unknown, used, expired or revoked)."""
    if not token or len(token) > 100:
        return None
    handover = (
        Handover.objects.select_related("client__practice", "session")
        .filter(token_hash=hash_token(token), channel=HandoverChannel.LINK)
        .first()
    )
    if handover is None or not handover.usable:
        return None
    return handover


def open_kiosk(handover_id: object) -> Handover | None:
    """The usable kiosk hand-over with this id (from the browser session), or None."""
    if not isinstance(handover_id, int):
        return None
    handover = (
        Handover.objects.select_related("client__practice", "session")
        .filter(pk=handover_id, channel=HandoverChannel.KIOSK)
        .first()
    )
    if handover is None or not handover.usable:
        return None
    return handover


def paint_through(actor: Actor, handover: Handover, clean: CleanPainting) -> Painting:
    """Store what the client painted through a hand-over (the link or the tablet), once.

    actor: the holder of the link or the tablet (Actor.link_holder for the hand-over's
    client). The painting is stored by save_painting; the hand-over is claimed in the same
    transaction, so a second submission (a double tap, two tabs, a link used twice at the same
    moment) is refused with HandoverClosed and stores nothing. Other open hand-overs for the
    same map stop working: it has been painted."""
    if actor.client_id != handover.client_id:
        raise PermissionDenied("A client paints only their own body maps.")
    if not handover.usable:
        raise HandoverClosed(CLOSED)
    with transaction.atomic():
        painting = save_painting(
            actor, handover.client, clean, moment=handover.moment, session=handover.session
        )
        now = timezone.now()
        claimed = Handover.objects.filter(
            pk=handover.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
        ).update(used_at=now, painting=painting)
        if not claimed:
            raise HandoverClosed(CLOSED)
        handover.used_at, handover.painting = now, painting
        audit.updated(actor, handover, ["used_at", "painting"])
        _revoke_open(actor, handover.client, handover.moment, handover.session)
    return painting
