"""The owners' group body map: de-identified, from clients whose current consent includes
research use, refused below analysis.MIN_GROUP people. Either the latest map per person, or
(paired) the change within each person's latest session with a map before and after."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import numpy as np
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import render

from somatrace.audit import services as audit
from somatrace.bodymaps import analysis, figures, summaries
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import BODY_SHAPES, VIEW_LABELS
from somatrace.bodymaps.embody import DEMO_STIMULI, EMBODY_SHAPE
from somatrace.bodymaps.models import BodyShape, Moment, Painting
from somatrace.bodymaps.raster import views_of
from somatrace.bodymaps.services import painting_levels, painting_raster
from somatrace.bodymaps.views.common import image_response
from somatrace.clients.models import Client, ConsentForm
from somatrace.core.decorators import PracticeRequest, clinical_required, owner_required

RESEARCH_LIMIT = 2000  # most recent paintings in the research view
ROWS_SHOWN = 30  # regions in the table, the most shared first

PAIRED = "paired"  # research mode: change within a session (after - before), paired test
PAIRED_LABEL = "Change within a session (after − before)"
_RESEARCH_FIELDS = (
    "id", "client_id", "session_id", "moment", "body_shape", "raster", "raster_version",
    "strokes", "stats", "created_at",
)  # fmt: skip

Group = list[tuple[Painting | None, Painting]]  # per person: (before or None, map)


def _shape(value: str | None) -> str:
    return value if value in (*BODY_SHAPES, EMBODY_SHAPE) else BodyShape.FEMALE


def _consenting_clients(request: PracticeRequest) -> QuerySet[Client]:
    """Clients of the owner's practice whose current consent includes research use."""
    form = ConsentForm.current_for(request.actor.practice_id)
    if form is None:
        return Client.objects.none()
    # research_withdrawal: the research app's record that the client withdrew research use
    # (a reverse relation, named by string: bodymaps does not import research).
    return Client.objects.visible_to(request.actor, clinical=True).filter(
        consents__form=form,
        consents__research_use=True,
        consents__withdrawn_at__isnull=True,
        consents__research_withdrawal__isnull=True,
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


def _stimulus_order(name: str) -> tuple[int, str]:
    known = DEMO_STIMULI.index(name) if name in DEMO_STIMULI else len(DEMO_STIMULI)
    return known, name


def _embody_groups(request: PracticeRequest) -> dict[str, Group]:
    """Imported emBODY maps of consenting clients, the latest per client and stimulus, by
    stimulus in emBODY's demo order (then by name). Maps of nothing felt are kept: in emBODY
    they are valid all-zero maps."""
    paintings = (
        Painting.objects.visible_to(request.actor)
        .filter(client__in=_consenting_clients(request), body_shape=EMBODY_SHAPE)
        .only(*_RESEARCH_FIELDS, "stimulus", "nothing_felt")
        .order_by("-created_at")[:RESEARCH_LIMIT]
    )
    by_stimulus: dict[str, list[Painting]] = {}
    for p in paintings:
        by_stimulus.setdefault(p.stimulus, []).append(p)
    return {
        name: [(None, p) for p in _one_per_client(by_stimulus[name])]
        for name in sorted(by_stimulus, key=_stimulus_order)
    }


@dataclass
class Research:
    """What the research page and its image show: the chosen map (`shown`) of a set of group
    maps (by moment or stimulus); with the emBODY method one correction covers the set."""

    mode: str
    shape: str
    method: str
    shown: str  # key of the map shown: a moment, "paired", "" (any) or a stimulus
    groups: dict[str, Group]  # the set, by key; the shown one first if it is alone
    labels: dict[str, str]  # key -> words for the page

    @property
    def group(self) -> Group:
        return self.groups.get(self.shown, [])

    @property
    def tested(self) -> dict[str, Group]:
        """The maps tested together: with the emBODY method every map of the set with at
        least MIN_GROUP people; with the two-sided method the shown map alone."""
        if self.method == analysis.EMBODY:
            return {k: g for k, g in self.groups.items() if len(g) >= analysis.MIN_GROUP}
        return {self.shown: self.group} if len(self.group) >= analysis.MIN_GROUP else {}


def _research(request: PracticeRequest) -> Research:
    """The research set for the request's ?shape=, ?moment=, ?stimulus= and ?method=."""
    method = request.GET.get("method", analysis.TWO_SIDED)
    if method not in analysis.METHODS:
        method = analysis.TWO_SIDED
    shape = _shape(request.GET.get("shape"))
    if shape == EMBODY_SHAPE:
        by_stimulus = _embody_groups(request)
        stimulus = request.GET.get("stimulus", "")
        shown = stimulus if stimulus in by_stimulus else next(iter(by_stimulus), "")
        return Research("", shape, method, shown, by_stimulus, {k: k for k in by_stimulus})
    mode = request.GET.get("moment", "")
    if mode not in (*Moment.values, PAIRED):
        mode = ""
    labels = {**dict(Moment.choices), PAIRED: PAIRED_LABEL, "": "Any moment"}
    if mode == PAIRED:
        return Research(
            mode, shape, method, mode, {mode: list(_research_pairs(request, shape))}, labels
        )
    if mode and method == analysis.EMBODY:
        # The set: the latest map per person at each moment, one map per moment.
        groups: dict[str, Group] = {
            m: [(None, p) for p in _one_per_client(_research_paintings(request, m, shape))]
            for m in Moment.values
        }
        return Research(mode, shape, method, mode, groups, labels)
    single = _one_per_client(_research_paintings(request, mode or None, shape))
    return Research(mode, shape, method, mode, {mode: [(None, p) for p in single]}, labels)


def _maps(painting: Painting) -> np.ndarray:
    """What the group statistics read: stored levels on CHOIR, emBODY's map on its outline."""
    if painting.body_shape == EMBODY_SHAPE:
        return painting_raster(painting)
    return painting_levels(painting)


def _results(research: Research) -> list[analysis.GroupResult]:
    """The shown map's group results, one per view, by the research's method over its set."""
    keys = list(research.tested)
    stats = []
    for key in keys:
        people = (
            (_maps(before) if before is not None else None, _maps(after))
            for before, after in research.tested[key]
        )
        stats.append(figures.group_stats(people, research.shape))
    flat = [s for per_view in stats for s in per_view]
    results = analysis.group_tests(flat, research.method)
    views = len(stats[0])
    index = keys.index(research.shown)
    return results[index * views : (index + 1) * views]


def _set_words(research: Research) -> str:
    tested = research.tested
    views = len(views_of(research.shape))
    if research.method == analysis.EMBODY:
        names = ", ".join(research.labels.get(k, k) for k in tested)
        return (
            f"emBODY's method: one-sided t-tests, one Benjamini–Hochberg correction over "
            f"{len(tested) * views} maps ({names}; {views} view{'s' if views > 1 else ''} each)"
        )
    return "Two-sided t-tests, Benjamini–Hochberg over this map's pixels"


@clinical_required
@owner_required
def research(request: PracticeRequest) -> HttpResponse:
    found = _research(request)
    group = found.group
    n = len(group)
    paired = found.mode == PAIRED
    rows: list[dict[str, Any]] = []
    if n >= analysis.MIN_GROUP and found.shape != EMBODY_SHAPE:
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
            "moment": found.mode,
            "moments": [*Moment.choices, (PAIRED, PAIRED_LABEL)],
            "paired": paired,
            "columns": ("Stronger after %", "Weaker after %")
            if paired
            else ("Stronger %", "Weaker %"),
            "shape": found.shape,
            "shapes": BodyShape.choices,
            "on_embody": found.shape == EMBODY_SHAPE,
            "stimuli": list(found.groups) if found.shape == EMBODY_SHAPE else [],
            "stimulus": found.shown if found.shape == EMBODY_SHAPE else "",
            "method": found.method,
            "methods": analysis.METHODS.items(),
            "set_words": _set_words(found),
            "image_query": urlencode(
                {
                    "moment": found.mode,
                    "shape": found.shape,
                    "method": found.method,
                    "stimulus": found.shown if found.shape == EMBODY_SHAPE else "",
                }
            ),
            "q": analysis.FDR_Q,
        },
    )


@clinical_required
@owner_required
def research_png(request: PracticeRequest) -> HttpResponse:
    found = _research(request)
    if len(found.group) < analysis.MIN_GROUP:
        raise Http404("Too few consenting clients for a group map.")
    # Maps are read one person at a time: a group's maps are never all in memory.
    results = _results(found)
    audit.listed(request.actor, "bodymaps.research", [])
    if found.shape == EMBODY_SHAPE:
        top = max((float(np.nanmax(np.abs(r.mean))) for r in results), default=0.0)
        vmax = top if top > 0 else 1.0
    else:
        vmax = figures.RESEARCH_VMAX
    overlays = figures.result_overlays(results, vmax)
    what = "change after - before" if found.mode == PAIRED else "stronger - weaker"
    critical = results[0].threshold_p
    test = "emBODY one-sided, FDR pooled" if found.method == analysis.EMBODY else "two-sided, FDR"
    cut = f", critical p {critical:.2g}" if critical is not None else ""
    legend = (
        f"Mean {what} of {len(found.group)} people where significant ({test} q < "
        f"{analysis.FDR_Q}{cut}). Orange-red = stronger, blue = weaker."
    )
    views = views_of(found.shape)
    body = draw.png(found.shape, overlays, [VIEW_LABELS[v] for v in views], views, legend=legend)
    return image_response(body, "image/png")
