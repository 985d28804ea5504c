"""The owners' group body map: de-identified, from clients whose current consent includes
research use, refused below analysis.MIN_GROUP people. Either the latest map per person, or
(paired) the change within each person's latest session with a map before and after."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render

from somatrace.audit import services as audit
from somatrace.bodymaps import analysis, figures, summaries
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import BODY_SHAPES
from somatrace.bodymaps.models import BodyShape, Moment, Painting
from somatrace.bodymaps.services import painting_levels
from somatrace.bodymaps.views.common import image_response
from somatrace.clients.models import Client, ConsentForm
from somatrace.core.decorators import PracticeRequest, clinical_required, owner_required

RESEARCH_LIMIT = 2000  # most recent paintings in the research view
ROWS_SHOWN = 30  # regions in the table, the most shared first

PAIRED = "paired"  # research mode: change within a session (after - before), paired test
_RESEARCH_FIELDS = (
    "id", "client_id", "session_id", "moment", "body_shape", "raster", "raster_version",
    "strokes", "stats", "created_at",
)  # fmt: skip

Group = list[tuple[Painting | None, Painting]]  # per person: (before or None, map)


def _shape(value: str | None) -> str:
    return value if value in BODY_SHAPES else BodyShape.FEMALE


def _consenting_clients(request: PracticeRequest) -> QuerySet[Client]:
    """Clients of the owner's practice whose current consent includes research use."""
    form = ConsentForm.current_for(request.actor.practice_id)
    if form is None:
        return Client.objects.none()
    return Client.objects.visible_to(request.actor, clinical=True).filter(
        consents__form=form, consents__research_use=True, consents__withdrawn_at__isnull=True
    )


def _research_paintings(request: PracticeRequest, moment: str | None, shape: str) -> list[Painting]:
    """Paintings of consenting clients (see _consenting_clients), newest first."""
    paintings = Painting.objects.visible_to(request.actor).filter(
        client__in=_consenting_clients(request), nothing_felt=False, body_shape=shape
    )
    if moment:
        paintings = paintings.filter(moment=moment)
    return list(paintings.only(*_RESEARCH_FIELDS).order_by("-created_at")[:RESEARCH_LIMIT])


def _research_pairs(request: PracticeRequest, shape: str) -> list[tuple[Painting, Painting]]:
    """Per consenting client, the latest session with a map before and after."""
    paintings = (
        Painting.objects.visible_to(request.actor)
        .filter(
            client__in=_consenting_clients(request),
            session__isnull=False,
            moment__in=[Moment.PRE, Moment.POST],
            body_shape=shape,
        )
        .only(*_RESEARCH_FIELDS)
        .order_by("-created_at")[:RESEARCH_LIMIT]
    )
    by_session: dict[int, dict[str, Painting]] = {}
    for p in paintings:
        by_session.setdefault(p.session_id or 0, {}).setdefault(p.moment, p)
    pairs: dict[int, tuple[Painting, Painting]] = {}
    for found in by_session.values():  # insertion order: newest session first
        if Moment.PRE in found and Moment.POST in found:
            pairs.setdefault(found[Moment.POST].client_id, (found[Moment.PRE], found[Moment.POST]))
    return list(pairs.values())


def _one_per_client(paintings: list[Painting]) -> list[Painting]:
    """The latest painting per client (the t-test assumes independent maps)."""
    seen: dict[int, Painting] = {}
    for p in paintings:
        seen.setdefault(p.client_id, p)
    return list(seen.values())


def _research_group(request: PracticeRequest) -> tuple[str, str, Group]:
    """(mode, shape, [(before or None, map)]) for the research view and its image."""
    mode = request.GET.get("moment", "")
    if mode not in (*Moment.values, PAIRED):
        mode = ""
    shape = _shape(request.GET.get("shape"))
    if mode == PAIRED:
        pairs: Group = list(_research_pairs(request, shape))
        return mode, shape, pairs
    single = _one_per_client(_research_paintings(request, mode or None, shape))
    return mode, shape, [(None, p) for p in single]


@clinical_required
@owner_required
def research(request: PracticeRequest) -> HttpResponse:
    mode, shape, group = _research_group(request)
    n = len(group)
    paired = mode == PAIRED
    rows: list[dict[str, Any]] = []
    if n >= analysis.MIN_GROUP:
        stats = [(b.stats if b is not None else None, a.stats) for b, a in group]
        rows = summaries.research_rows(stats, paired=paired)
    audit.listed(request.actor, "bodymaps.research", [])
    return render(
        request,
        "bodymaps/research.html",
        {
            "n": n,
            "min_group": analysis.MIN_GROUP,
            "rows": rows[:ROWS_SHOWN],
            "moment": mode,
            "moments": [*Moment.choices, (PAIRED, "Change within a session (after − before)")],
            "paired": paired,
            "columns": ("Stronger after %", "Weaker after %")
            if paired
            else ("Stronger %", "Weaker %"),
            "shape": shape,
            "shapes": BodyShape.choices,
            "q": analysis.FDR_Q,
        },
    )


@clinical_required
@owner_required
def research_png(request: PracticeRequest) -> HttpResponse:
    mode, shape, group = _research_group(request)
    if len(group) < analysis.MIN_GROUP:
        raise Http404("Too few consenting clients for a group map.")
    # Stored levels, one person at a time: the group's maps are never all in memory.
    people = (
        (painting_levels(before) if before is not None else None, painting_levels(after))
        for before, after in group
    )
    overlays = figures.group_overlays(people, shape)
    audit.listed(request.actor, "bodymaps.research", [])
    what = "change after - before" if mode == PAIRED else "stronger - weaker"
    legend = (
        f"Mean {what} of {len(group)} people, FDR q < {analysis.FDR_Q}. "
        "Orange-red = stronger, blue = weaker."
    )
    return image_response(draw.png(shape, overlays, legend=legend), "image/png")
