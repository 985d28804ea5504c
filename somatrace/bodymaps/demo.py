"""Demo data for body maps, added to the demo practice by somatrace.demo.seed.

For the last three past sessions of each client: a painting before and after with believable
patterns (shoulders, jaw and upper back "stronger" / held before, the chest warmer after, a
numb belly for some), practitioner findings, and one touch-consent map per client (pelvic area
or feet "not welcome" for some). Strokes are generated synthetically as scribbles around
region centres; everything is deterministic (random.Random(4)) and bulk-inserted.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.bodymaps import analysis, raster
from somatrace.bodymaps.atlas import ATLAS_VERSION, HEIGHT, WIDTH, polygons
from somatrace.bodymaps.models import Moment, Painting, RegionFinding
from somatrace.clients.models import ConsentRecord, TouchConsentMap, TouchStatus
from somatrace.clients.touch import status_in_marks
from somatrace.therapy.models import RegionWork, Session, TimelineEvent, TouchOverride

SESSIONS_PER_CLIENT = 3

# (region, view, layer, typical pressure) patterns; each painting draws a few of them.
BEFORE = [
    ("f_shoulder_r", "front", "stronger"),
    ("f_shoulder_l", "front", "stronger"),
    ("z_jaw", "front", "stronger"),
    ("b_upper_back_l", "back", "stronger"),
    ("b_upper_back_r", "back", "stronger"),
    ("b_shoulder_l", "back", "stronger"),
    ("b_shoulder_r", "back", "stronger"),
    ("z_throat", "front", "stronger"),
    ("b_lower_back_r", "back", "stronger"),
]
NUMB = [
    ("z_belly", "front", "weaker"),
    ("f_hand_l", "front", "weaker"),
    ("z_pelvic_floor", "front", "weaker"),
]
AFTER = [
    ("z_heart", "front", "stronger"),
    ("f_chest_l", "front", "stronger"),
    ("f_chest_r", "front", "stronger"),
    ("z_belly", "front", "stronger"),
    ("f_thigh_r", "front", "stronger"),
    ("f_thigh_l", "front", "stronger"),
]
FINDINGS = [
    ("f_shoulder_r", "held_tension"),
    ("b_upper_back_l", "held_tension"),
    ("z_jaw", "restriction"),
    ("z_diaphragm", "restriction"),
    ("b_lower_back_r", "tenderness"),
    ("z_heart", "heat"),
    ("f_abdomen_l", "pulsation_energy_cyst"),
]
WORDS_BEFORE = ["Shoulders up by my ears.", "Jaw tight all week.", "Heavy, tired.", ""]
WORDS_AFTER = ["Warmer in the chest.", "Lighter.", "Softer around the jaw.", ""]


def _centre(poly: list[tuple[float, float]]) -> tuple[float, float]:
    return sum(x for x, _ in poly) / len(poly), sum(y for _, y in poly) / len(poly)


def _scribble(
    rng: random.Random, shape: str, region: str, view: str, layer: str, pressure: float
) -> dict[str, Any]:
    """A short back-and-forth stroke around the region's centre."""
    cx, cy = _centre(polygons(shape, view)[region])
    xs = [p[0] for p in polygons(shape, view)[region]]
    span = max(4.0, (max(xs) - min(xs)) * 0.3)
    points = []
    for i in range(rng.randint(8, 16)):
        x = cx + rng.uniform(-span, span)
        y = cy + rng.uniform(-span, span) * 0.8
        p = min(1.0, max(0.0, pressure + rng.uniform(-0.15, 0.15)))
        points.append([round(x / WIDTH, 4), round(y / HEIGHT, 4), round(p, 2), i * 40])
    radius = float(rng.choice([5, 6, 8, 10]))
    return {"view": view, "layer": layer, "mode": "paint", "radius": radius, "points": points}


def _painting(
    rng: random.Random, session: Session, shape: str, moment: str, strokes: list[dict[str, Any]]
) -> Painting:
    grid = raster.rasterise(strokes, shape)
    before = moment == Moment.PRE
    emotions = rng.sample(
        ["anxiety", "sadness", "frustration", "overwhelm"] if before else ["calm", "relief", "joy"],
        rng.randint(0, 2),
    )
    offset = timedelta(minutes=2) if before else timedelta(minutes=session.duration_minutes - 3)
    return Painting(
        client_id=session.client_id,
        session=session,
        moment=moment,
        atlas_version=ATLAS_VERSION,
        body_shape=shape,
        nothing_felt=False,
        strokes={"strokes": strokes, "regions": []},
        raster_version=raster.RASTER_VERSION,
        raster=raster.pack(grid),
        stats=analysis.summarise(grid, shape),
        emotions=[{"code": code, "intensity": rng.randint(2, 5)} for code in emotions],
        words=rng.choice(WORDS_BEFORE if before else WORDS_AFTER),
        created_by_id=session.practitioner_id,
        created_at=session.starts_at + offset,
    )


def seed(practice: Practice, today: date, log: Callable[[str], None]) -> None:
    """Add this app's demo records to the freshly created demo practice (deterministic)."""
    rng = random.Random(4)
    now = timezone.now()
    recent: dict[int, list[Session]] = {}
    for session in (
        Session.objects.filter(practice=practice, starts_at__lte=now)
        .only("id", "client_id", "practitioner_id", "starts_at", "duration_minutes")
        .order_by("client_id", "-starts_at")
    ):
        chosen = recent.setdefault(session.client_id, [])
        if len(chosen) < SESSIONS_PER_CLIENT:
            chosen.append(session)

    paintings: list[Painting] = []
    findings: list[RegionFinding] = []
    maps: list[TouchConsentMap] = []
    for client_id, sessions in sorted(recent.items()):
        shape = "female" if client_id % 2 else "male"
        numb = rng.random() < 0.35
        for session in sorted(sessions, key=lambda s: s.starts_at):
            before = [
                _scribble(rng, shape, *pattern, pressure=rng.uniform(0.6, 1.0))
                for pattern in rng.sample(BEFORE, rng.randint(2, 4))
            ]
            if numb:
                before.append(_scribble(rng, shape, *rng.choice(NUMB), pressure=0.7))
            after = [
                _scribble(rng, shape, *pattern, pressure=rng.uniform(0.5, 0.9))
                for pattern in rng.sample(AFTER, rng.randint(1, 3))
            ]
            # Some tension usually remains after, lighter.
            region, view, layer = rng.choice(BEFORE)
            after.append(_scribble(rng, shape, region, view, layer, pressure=0.35))
            paintings.append(_painting(rng, session, shape, Moment.PRE, before))
            paintings.append(_painting(rng, session, shape, Moment.POST, after))
            for region, finding in rng.sample(FINDINGS, rng.randint(1, 3)):
                findings.append(
                    RegionFinding(
                        client_id=client_id,
                        session=session,
                        region=region,
                        finding=finding,
                        intensity=rng.randint(2, 5),
                        note="",
                        created_by_id=session.practitioner_id,
                        created_at=session.starts_at + timedelta(minutes=20),
                    )
                )
            if rng.random() < 0.5:
                findings.append(
                    RegionFinding(
                        client_id=client_id,
                        session=session,
                        region=rng.choice(["z_heart", "z_diaphragm", "f_shoulder_r", "z_jaw"]),
                        finding="release_observed",
                        intensity=rng.randint(2, 4),
                        note=rng.choice(["Sigh and warmth", "Tears, then stillness", ""]),
                        created_by_id=session.practitioner_id,
                        created_at=session.starts_at + timedelta(minutes=35),
                    )
                )
        welcome = ("f_shoulder_r", "f_shoulder_l", "b_upper_back_l", "b_upper_back_r", "z_jaw")
        marks = {code: TouchStatus.WELCOME for code in welcome}
        marks["z_heart"] = TouchStatus.CHECK_IN
        if rng.random() < 0.4:
            for code in ("f_groin_l", "f_groin_r", "z_pelvic_floor", "b_buttock_l", "b_buttock_r"):
                marks[code] = TouchStatus.NOT_WELCOME
        if rng.random() < 0.15:
            for code in ("f_foot_l", "f_foot_r", "b_sole_l", "b_sole_r"):
                marks[code] = TouchStatus.NOT_WELCOME
        first = min(s.starts_at for s in sessions)
        maps.append(
            TouchConsentMap(
                client_id=client_id,
                version=1,
                regions=marks,
                created_at=first - timedelta(minutes=10),
                created_by_id=sessions[0].practitioner_id,
            )
        )
    Painting.objects.bulk_create(paintings, batch_size=200)
    RegionFinding.objects.bulk_create(findings, batch_size=500)
    TouchConsentMap.objects.bulk_create(maps, batch_size=500)
    linked, worked, overridden = _join_the_timeline(practice, findings, maps)
    # So that the research view has a group to show: most demo clients agree to research use.
    ids = [c for c in sorted(recent) if rng.random() < 0.7]
    ConsentRecord.objects.filter(client_id__in=ids, withdrawn_at__isnull=True).update(
        research_use=True
    )
    log(
        f"Body maps: {len(paintings)} paintings, {len(findings)} findings ({linked} tied to "
        f"the timeline), {len(maps)} touch-consent maps, {worked} regions worked on "
        f"({overridden} with an override)."
    )


# Cues a practitioner reads as a release; a "release observed" finding points at one of them.
RELEASE_CUES = ("muscle-release", "tears", "vocal-release", "deep-sigh", "stillpoint")
DEMO_OVERRIDE_REASON = (
    "Client asked for work here today after checking in; agreed to stop at any sign of unease."
)


def _join_the_timeline(
    practice: Practice, findings: list[RegionFinding], maps: list[TouchConsentMap]
) -> tuple[int, int, int]:
    """Tie the chart to the console's timeline, as the live pages do: a release finding points
    at a release cue logged in its session, and every technique logged on a region is work
    there, checked against the client's touch-consent map (an override where they said no).
    Returns (findings linked, regions worked on, overrides)."""
    session_ids = {f.session_id for f in findings if f.session_id}
    first_release: dict[int, int] = {}
    for session_id, event_id in (
        TimelineEvent.objects.filter(session_id__in=session_ids, kind="cue", code__in=RELEASE_CUES)
        .order_by("at", "id")
        .values_list("session_id", "id")
    ):
        first_release.setdefault(session_id, event_id)
    linked = []
    for finding in findings:
        release = first_release.get(finding.session_id or 0)
        if finding.finding == "release_observed" and release is not None:
            finding.event_id = release
            linked.append(finding)
    RegionFinding.objects.bulk_update(linked, ["event"], batch_size=500)

    map_of = {m.client_id: m for m in maps}
    works: list[RegionWork] = []
    for event in (
        TimelineEvent.objects.filter(session__practice=practice, kind="technique")
        .exclude(region="")
        .select_related("session")
        .order_by("at", "id")
    ):
        touch_map = map_of.get(event.session.client_id)
        marks = touch_map.regions if touch_map and touch_map.created_at <= event.at else {}
        status = status_in_marks(marks, event.region)
        override = None
        if status == TouchStatus.NOT_WELCOME:
            override = TouchOverride.objects.create(
                client_id=event.session.client_id,
                session_id=event.session_id,
                region=event.region,
                reason=DEMO_OVERRIDE_REASON,
                user_id=event.created_by_id,
                at=event.at,
            )
        works.append(
            RegionWork(
                client_id=event.session.client_id,
                session_id=event.session_id,
                region=event.region,
                touch_status=status,
                override=override,
                event=event,
                user_id=event.created_by_id,
                at=event.at,
            )
        )
    RegionWork.objects.bulk_create(works, batch_size=500)
    return len(linked), len(works), sum(1 for w in works if w.override is not None)
