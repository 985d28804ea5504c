"""Body-map services: saving paintings, touch consent and the work it allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import transaction
from django.http import HttpRequest

from somatrace.audit import log as audit
from somatrace.bodymaps import analysis, raster
from somatrace.bodymaps.atlas import REGION_BY_CODE, coarse_of
from somatrace.bodymaps.models import (
    Painting,
    RegionWork,
    TouchConsentMap,
    TouchOverride,
    TouchStatus,
)
from somatrace.bodymaps.payload import CleanPainting
from somatrace.bodyregions import COARSE_REGION_LABELS
from somatrace.clients.models import Client
from somatrace.therapy.models import Session

# Severity order: the most restrictive status of any fine region inside a coarse group wins.
_ORDER: dict[str, int] = {"welcome": 0, "check_in": 1, "not_welcome": 2}
DEFAULT_STATUS = TouchStatus.CHECK_IN  # a region the client did not mark: ask first


def painting_raster(painting: Painting) -> np.ndarray:
    """The painting's raster: the stored one if it was made with the current raster version,
    else recomputed from the canonical strokes (deterministic)."""
    if painting.raster and painting.raster_version == raster.RASTER_VERSION:
        return raster.unpack(bytes(painting.raster))
    record = painting.strokes or {}
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
    request: HttpRequest,
    client: Client,
    clean: CleanPainting,
    *,
    moment: str,
    session: Session | None = None,
) -> Painting:
    """Rasterise, summarise and store a validated painting; audited."""
    user = request.user if request.user.is_authenticated else None
    painting = build_painting(client, clean, moment=moment, session=session, created_by=user)
    with transaction.atomic():
        painting.save()
        audit.created(request, painting, ["strokes", "emotions", "words", "nothing_felt", "moment"])
    return painting


def current_touch_map(client: Client) -> TouchConsentMap | None:
    return TouchConsentMap.objects.filter(client=client).order_by("-version").first()


def touch_status(client: Client, region: str, touch_map: TouchConsentMap | None = None) -> str:
    """The client's current touch consent for a fine region code or a coarse group code.

    A fine region: its own mark, or DEFAULT_STATUS. A coarse code (as the session console
    logs): the most restrictive mark of any fine region in that group.
    """
    touch_map = touch_map if touch_map is not None else current_touch_map(client)
    return status_in_marks(touch_map.regions if touch_map else {}, region)


def status_in_marks(marks: dict[str, str], region: str) -> str:
    """touch_status for a map's marks ({fine region code: status}) already in hand."""
    if region not in REGION_BY_CODE and region not in COARSE_REGION_LABELS:
        raise ValueError("unknown region")
    if region in REGION_BY_CODE:
        return marks.get(region, DEFAULT_STATUS)
    statuses = [
        s for code, s in marks.items() if code in REGION_BY_CODE and coarse_of(code) == region
    ]
    if not statuses:
        return DEFAULT_STATUS
    return max(statuses, key=lambda s: _ORDER.get(s, 1))


def marked_touch_by_group(touch_map: TouchConsentMap | None) -> dict[str, str]:
    """Coarse group -> the most restrictive mark the client actually made in it, for groups
    with a "check in first" or "not welcome" mark. Unmarked regions are left out (they are
    "check in first" by default, which a screen says once rather than for every group)."""
    marks: dict[str, str] = touch_map.regions if touch_map else {}
    groups: dict[str, str] = {}
    for code, status in marks.items():
        if code not in REGION_BY_CODE or status == TouchStatus.WELCOME:
            continue
        group = coarse_of(code)
        if _ORDER.get(status, 1) > _ORDER.get(groups.get(group, ""), -1):
            groups[group] = status
    return groups


class TouchRefused(Exception):
    """Work on a "not welcome" region without an override reason."""


@dataclass
class WorkResult:
    work: RegionWork
    status: str
    override: TouchOverride | None


def record_work(
    request: HttpRequest,
    client: Client,
    session: Session,
    region: str,
    user: Any,
    override_reason: str | None = None,
) -> WorkResult:
    """Record that `region` was worked on in `session`.

    A region the client marked "not welcome" is refused (TouchRefused) unless an override
    reason is given; then a TouchOverride is written and audited with the work.
    """
    if session.client_id != client.pk:
        raise ValueError("session of another client")
    status = touch_status(client, region)
    reason = (override_reason or "").strip()
    with transaction.atomic():
        override = None
        if status == TouchStatus.NOT_WELCOME:
            if not reason:
                raise TouchRefused(
                    "The client marked this region \u201cnot welcome\u201d for touch. Work can "
                    "only be recorded with an override and its reason."
                )
            override = TouchOverride.objects.create(
                client=client, session=session, region=region, reason=reason[:2000], user=user
            )
            audit.created(request, override, ["region", "reason"])
        work = RegionWork.objects.create(
            client=client,
            session=session,
            region=region,
            touch_status=status,
            override=override,
            user=user,
        )
        audit.created(request, work, ["region"])
    return WorkResult(work=work, status=status, override=override)


def save_touch_map(request: HttpRequest, client: Client, marks: dict[str, str]) -> TouchConsentMap:
    """A new version of the client's touch-consent map (never edits an old one); audited."""
    clean = {
        code: status
        for code, status in marks.items()
        if code in REGION_BY_CODE and status in TouchStatus.values
    }
    with transaction.atomic():
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
            created_by=request.user if request.user.is_authenticated else None,
        )
        audit.created(request, touch_map, ["regions"])
    return touch_map


def timeline_choices(session: Session) -> list[tuple[int, str]]:
    """The session's cues, emotions and techniques as (event id, "mm:ss label") for linking a
    finding to the moment it was seen. Three queries."""
    from somatrace.therapy.console import event_label, vocabulary_for

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
