"""Body-map views: thin wrappers that check access, call the pure core, render and audit."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somatrace.audit import services as audit
from somatrace.bodymaps import analysis, raster
from somatrace.bodymaps import render as draw
from somatrace.bodymaps.atlas import (
    ATLAS_VERSION,
    BODY_SHAPES,
    CHOIR_CODES,
    REGION_BY_CODE,
    VIEWS,
    ZONE_CODES,
    polygons,
    region_label,
    regions_in,
    svg_points,
)
from somatrace.bodymaps.forms import FindingForm, WorkForm
from somatrace.bodymaps.models import BodyShape, Finding, Moment, Painting, RegionFinding
from somatrace.bodymaps.payload import MAX_BODY_BYTES, PayloadError, validate
from somatrace.bodymaps.services import (
    add_finding,
    painting_levels,
    painting_raster,
    save_painting,
    timeline_choices,
)
from somatrace.bodymaps.vocabulary import EMOTION_LABELS, EMOTIONS
from somatrace.clients.models import Client, ConsentForm, TouchConsentMap, TouchStatus
from somatrace.clients.services import current_touch_map, save_touch_map
from somatrace.core.decorators import PracticeRequest, clinical_required, owner_required
from somatrace.core.errors import RuleError
from somatrace.therapy.models import RegionWork, Session
from somatrace.therapy.services import record_work

VIEW_LABELS = {"front": "Front", "back": "Back"}
LAYER_LABELS = {"stronger": "Stronger / more active", "weaker": "Weaker / less"}


# --- helpers --------------------------------------------------------------------------------


def _client(request: PracticeRequest, client_id: int) -> Client:
    return get_object_or_404(
        Client.objects.visible_to(request.actor, clinical=True).select_related("practice"),
        pk=client_id,
    )


def _session(request: PracticeRequest, session_id: int) -> Session:
    return get_object_or_404(
        Session.objects.visible_to(request.actor).select_related("client", "client__practice"),
        pk=session_id,
    )


def _painting(request: PracticeRequest, painting_id: int) -> Painting:
    return get_object_or_404(
        Painting.objects.visible_to(request.actor).select_related("client", "session"),
        pk=painting_id,
    )


def _shape(value: str | None) -> str:
    return value if value in BODY_SHAPES else BodyShape.FEMALE


def _client_shape(request: PracticeRequest, client: Client) -> str:
    """?shape= if given, else the outline of the client's latest painting, else outline A."""
    if request.GET.get("shape") in BODY_SHAPES:
        return str(request.GET["shape"])
    latest = (
        Painting.objects.visible_to(request.actor)
        .filter(client=client)
        .order_by("-created_at")
        .values_list("body_shape", flat=True)
        .first()
    )
    return latest or BodyShape.FEMALE


def atlas_views(body_shape: str) -> list[dict[str, Any]]:
    """Per view: its label and the region polygons (CHOIR then zones) for the inline SVG."""
    result = []
    for view in VIEWS:
        shapes = polygons(body_shape, view)
        result.append(
            {
                "view": view,
                "label": VIEW_LABELS[view],
                "regions": [
                    {
                        "code": code,
                        "name": REGION_BY_CODE[code].name,
                        "points": svg_points(shapes[code]),
                    }
                    for code in CHOIR_CODES[view]
                ],
                "zones": [
                    {
                        "code": code,
                        "name": REGION_BY_CODE[code].name,
                        "points": svg_points(shapes[code]),
                    }
                    for code in ZONE_CODES[view]
                ],
            }
        )
    return result


def finding_marks(
    views: list[dict[str, Any]], findings: list[RegionFinding]
) -> list[dict[str, Any]]:
    """Add to each atlas view a numbered marker at the centre of every region with a finding
    (numbered as the findings are listed), so the chart reads on the body."""
    centres: dict[str, tuple[int, float, float]] = {}
    for index, view in enumerate(views):
        for region in [*view["regions"], *view["zones"]]:
            xy = [tuple(map(float, pair.split(","))) for pair in region["points"].split()]
            centres[region["code"]] = (
                index,
                sum(x for x, _ in xy) / len(xy),
                sum(y for _, y in xy) / len(xy),
            )
    for view in views:
        view["marks"] = []
    seen: dict[str, int] = {}
    for number, finding in enumerate(findings, start=1):
        if finding.region in centres:
            index, x, y = centres[finding.region]
            # Several findings on one region sit side by side rather than on top of each other.
            x += 17 * seen.get(finding.region, 0)
            seen[finding.region] = seen.get(finding.region, 0) + 1
            views[index]["marks"].append(
                {
                    "n": number,
                    "x": round(x, 1),
                    "y": round(y, 1),
                    "title": f"{number}. {finding.get_finding_display()}: {finding.region_name}",
                }
            )
    return views


def region_choices() -> list[dict[str, Any]]:
    """Regions grouped by view for <select> lists."""
    return [{"label": VIEW_LABELS[view], "regions": regions_in(view)} for view in VIEWS]


def _region_rows(stats: dict[str, Any], *, only_painted: bool = True) -> list[dict[str, Any]]:
    rows = []
    for code, values in stats.get("regions", {}).items():
        region = REGION_BY_CODE.get(code)
        if region is None:
            continue
        if only_painted and not (values["stronger_cov"] or values["weaker_cov"]):
            continue
        rows.append(
            {
                "code": code,
                "name": region.name,
                "view": VIEW_LABELS[region.view],
                "zone": region.zone,
                "stronger": round(values["stronger"] * 100),
                "stronger_cov": round(values["stronger_cov"] * 100),
                "weaker": round(values["weaker"] * 100),
                "weaker_cov": round(values["weaker_cov"] * 100),
            }
        )
    return rows


def _coverage_rows(stats: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for view, layers in stats.get("views", {}).items():
        for layer, values in layers.items():
            rows.append(
                {
                    "view": VIEW_LABELS.get(view, view),
                    "layer": LAYER_LABELS.get(layer, layer),
                    "coverage": round(values["coverage"] * 100, 1),
                    "mean": round(values["mean"] * 100, 1),
                    "total": round(values["total"]),
                }
            )
    return rows


def _emotion_rows(painting: Painting) -> list[dict[str, Any]]:
    return [
        {"label": EMOTION_LABELS.get(e["code"], e["code"]), "intensity": e["intensity"]}
        for e in painting.emotions
    ]


def _error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


# --- painting -------------------------------------------------------------------------------


def _paint(
    request: PracticeRequest, client: Client, moment: str, session: Session | None
) -> HttpResponse:
    if request.method == "POST":
        if int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES:
            return _error("This painting is too large to store.", 413)
        try:
            data = json.loads(request.body or b"null")
        except RequestDataTooBig:
            return _error("This painting is too large to store.", 413)
        except (ValueError, UnicodeDecodeError, RecursionError):
            return _error("The painting could not be read (not valid JSON).")
        try:
            clean = validate(data)
        except PayloadError as error:
            return _error(str(error))
        try:
            painting = save_painting(request.actor, client, clean, moment=moment, session=session)
        except RuleError as refusal:
            return _error(str(refusal), 409)
        url = reverse("bodymaps_painting", args=[painting.pk])
        return JsonResponse({"id": painting.pk, "url": url}, status=201)
    shape = _client_shape(request, client)
    audit.read(request.actor, client)
    return render(
        request,
        "bodymaps/paint.html",
        {
            "client": client,
            "session": session,
            "moment": moment,
            "moment_label": Moment(moment).label,
            "body_shape": shape,
            "shapes": BodyShape.choices,
            "atlas_version": ATLAS_VERSION,
            "atlas_views": atlas_views(shape),
            "region_groups": region_choices(),
            "emotions": EMOTIONS,
            "radius": {"min": raster.MIN_RADIUS, "max": raster.MAX_RADIUS, "value": 10},
        },
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def paint_checkin(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    return _paint(request, client, Moment.CHECKIN, None)


@clinical_required
@require_http_methods(["GET", "POST"])
def paint_pre(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return _paint(request, session.client, Moment.PRE, session)


@clinical_required
@require_http_methods(["GET", "POST"])
def paint_post(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    return _paint(request, session.client, Moment.POST, session)


@clinical_required
def painting_detail(request: PracticeRequest, painting_id: int) -> HttpResponse:
    painting = _painting(request, painting_id)
    audit.read(request.actor, painting)
    return render(
        request,
        "bodymaps/painting_detail.html",
        {
            "painting": painting,
            "client": painting.client,
            "coverage_rows": _coverage_rows(painting.stats),
            "region_rows": _region_rows(painting.stats),
            "emotions": _emotion_rows(painting),
            "legend": draw.LEGEND,
        },
    )


def _painting_overlays(painting: Painting) -> list[np.ndarray]:
    grid = painting_raster(painting)
    return [draw.painting_rgba(grid[v, 0], grid[v, 1]) for v in range(len(VIEWS))]


@clinical_required
def painting_png(request: PracticeRequest, painting_id: int) -> HttpResponse:
    painting = _painting(request, painting_id)
    audit.read(request.actor, painting)
    body = draw.png(painting.body_shape, _painting_overlays(painting))
    return _image(body, "image/png")


@clinical_required
def painting_svg(request: PracticeRequest, painting_id: int) -> HttpResponse:
    painting = _painting(request, painting_id)
    audit.read(request.actor, painting)
    body = draw.svg(painting.body_shape, _painting_overlays(painting), title="Body map")
    return _image(body.encode(), "image/svg+xml")


def _image(body: bytes, content_type: str) -> HttpResponse:
    response = HttpResponse(body, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


# --- pre vs post ----------------------------------------------------------------------------


def _pre_post(
    request: PracticeRequest, session: Session
) -> tuple[Painting | None, Painting | None]:
    """The session's latest map before and after (either may be missing)."""
    paintings = Painting.objects.visible_to(request.actor).filter(session=session)
    found = {p.moment: p for p in paintings.order_by("created_at", "id")}
    return found.get(Moment.PRE), found.get(Moment.POST)


def _signed(painting: Painting) -> np.ndarray:
    grid = painting_raster(painting)
    return analysis.signed_map(grid[:, 0], grid[:, 1])  # (2 views, H, W)


@clinical_required
def compare(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    pre, post = _pre_post(request, session)
    audit.read(request.actor, session)
    context: dict[str, Any] = {
        "session": session,
        "client": session.client,
        "pre": pre,
        "post": post,
    }
    if pre and post:
        rows = []
        for code, after in post.stats.get("regions", {}).items():
            before = pre.stats.get("regions", {}).get(code)
            region = REGION_BY_CODE.get(code)
            if before is None or region is None:
                continue
            signed_before = before["stronger"] - before["weaker"]
            signed_after = after["stronger"] - after["weaker"]
            if signed_before == 0 and signed_after == 0:
                continue
            rows.append(
                {
                    "name": region.name,
                    "view": VIEW_LABELS[region.view],
                    "before": round(signed_before * 100),
                    "after": round(signed_after * 100),
                    "change": round((signed_after - signed_before) * 100),
                }
            )
        rows.sort(key=lambda r: -abs(r["change"]))
        a, b = painting_raster(pre), painting_raster(post)
        overlap = {}
        for k, layer in enumerate(raster.LAYERS):
            overlap[layer] = round(
                analysis.jaccard(analysis.painted(a[:, k]), analysis.painted(b[:, k])) * 100
            )
        context.update(
            {
                "rows": rows,
                "overlap": overlap,
                "coverage": [
                    {
                        "layer": LAYER_LABELS[layer],
                        "before": round(pre.coverage(layer) * 100, 1),
                        "after": round(post.coverage(layer) * 100, 1),
                    }
                    for layer in raster.LAYERS
                ],
            }
        )
    return render(request, "bodymaps/compare.html", context)


@clinical_required
def difference_png(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    pre, post = _pre_post(request, session)
    if pre is None or post is None:
        raise Http404("This session has no before and after body maps.")
    audit.read(request.actor, session)
    diff = analysis.difference_map(_signed(pre), _signed(post))
    overlays = [draw.signed_rgba(diff[v]) for v in range(len(VIEWS))]
    legend = "Change after - before. Orange-red = more / stronger after. Blue = less after."
    return _image(draw.png(post.body_shape, overlays, legend=legend), "image/png")


# --- history --------------------------------------------------------------------------------

HISTORY_LIMIT = 60  # paintings in the frequency map and the series


def _history(request: PracticeRequest, client: Client) -> list[Painting]:
    return list(
        Painting.objects.visible_to(request.actor)
        .filter(client=client)
        .select_related("session")
        .order_by("-created_at", "-id")[:HISTORY_LIMIT]
    )


@clinical_required
def history(request: PracticeRequest, client_id: int) -> HttpResponse:
    from somatrace.charts import base_spec

    client = _client(request, client_id)
    paintings = _history(request, client)
    audit.listed(request.actor, "bodymaps.painting", [p.pk for p in paintings], client_id=client.pk)
    findings = list(
        RegionFinding.objects.visible_to(request.actor)
        .filter(client=client)
        .order_by("-created_at")[:HISTORY_LIMIT]
    )
    # Per-region series: the regions painted most often, signed intensity per painting.
    counts: dict[str, int] = {}
    for p in paintings:
        for code, v in p.stats.get("regions", {}).items():
            if v["stronger_cov"] or v["weaker_cov"]:
                counts[code] = counts.get(code, 0) + 1
    top = sorted(counts, key=lambda c: -counts[c])[:6]
    rows = [
        {
            "date": p.created_at.date().isoformat(),
            "region": REGION_BY_CODE[code].name,
            "signed": round(
                (p.stats["regions"][code]["stronger"] - p.stats["regions"][code]["weaker"]) * 100
            ),
        }
        for p in reversed(paintings)
        for code in top
        if code in p.stats.get("regions", {})
    ]
    spec = base_spec(
        "Per-region signed intensity (stronger minus weaker, percent) in each body map."
    )
    spec.update(
        {
            "data": {"values": rows},
            "width": "container",
            "height": 220,
            "mark": {"type": "line", "point": True},
            "encoding": {
                "x": {"field": "date", "type": "temporal", "title": None},
                "y": {
                    "field": "signed",
                    "type": "quantitative",
                    "title": "Stronger − weaker (%)",
                    "scale": {"domain": [-100, 100]},
                },
                "color": {"field": "region", "type": "nominal", "title": None},
                "strokeDash": {"field": "region", "type": "nominal", "title": None},
            },
        }
    )
    finding_counts: dict[tuple[str, str], int] = {}
    held: dict[str, int] = {}  # held tension and restriction per region, for the body summary
    for f in findings:
        key = (f.region_name, f.get_finding_display())
        finding_counts[key] = finding_counts.get(key, 0) + 1
        if f.finding in (Finding.HELD_TENSION, Finding.RESTRICTION):
            held[f.region] = held.get(f.region, 0) + 1
    most = max(held.values(), default=0)
    held_views = atlas_views(paintings[0].body_shape if paintings else BodyShape.FEMALE)
    for v in held_views:
        for r in v["regions"] + v["zones"]:
            count = held.get(r["code"], 0)
            r["count"] = count
            r["opacity"] = round(0.15 + 0.85 * count / most, 2) if count else 0
    audit.listed(
        request.actor, "bodymaps.regionfinding", [f.pk for f in findings], client_id=client.pk
    )
    return render(
        request,
        "bodymaps/history.html",
        {
            "client": client,
            "paintings": paintings,
            "spec": spec,
            "rows": rows,
            "findings": sorted(finding_counts.items(), key=lambda kv: -kv[1])[:15],
            "held_views": held_views if held else [],
            "held_total": sum(held.values()),
        },
    )


@clinical_required
def frequency_png(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    paintings = [p for p in _history(request, client) if not p.nothing_felt]
    audit.listed(request.actor, "bodymaps.painting", [p.pk for p in paintings], client_id=client.pk)
    shape = paintings[0].body_shape if paintings else BodyShape.FEMALE
    overlays = []
    if paintings:
        grids = np.stack([painting_raster(p) for p in paintings])  # (n, 2, 2, H, W)
        for v in range(len(VIEWS)):
            stronger = analysis.frequency_map(grids[:, v, 0])
            weaker = analysis.frequency_map(grids[:, v, 1])
            overlays.append(draw.painting_rgba(stronger, weaker))
    else:
        overlays = [draw.painting_rgba(np.zeros(raster.GRID), np.zeros(raster.GRID))] * 2
    legend = f"Share of {len(paintings)} maps painted. Orange-red = stronger, blue = weaker."
    return _image(draw.png(shape, overlays, legend=legend), "image/png")


# --- practitioner chart and touch consent ---------------------------------------------------


@clinical_required
@require_http_methods(["GET", "POST"])
def session_chart(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = _session(request, session_id)
    client = session.client
    finding_form = FindingForm(
        request.POST if request.POST.get("action") == "finding" else None,
        events=timeline_choices(session),
    )
    work_form = WorkForm(request.POST if request.POST.get("action") == "work" else None)
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "finding" and finding_form.is_valid():
            try:
                finding = add_finding(
                    request.actor,
                    session,
                    region=finding_form.cleaned_data["region"],
                    finding=finding_form.cleaned_data["finding"],
                    intensity=finding_form.cleaned_data["intensity"],
                    note=finding_form.cleaned_data["note"],
                    event_id=finding_form.cleaned_data["event"],
                )
            except RuleError as refusal:
                finding_form.add_error(None, str(refusal))
                status = 409
            else:
                messages.success(request, f"Finding recorded: {finding.region_name}.")
                return redirect("bodymaps_session_chart", session_id=session.pk)
        elif action == "work" and work_form.is_valid():
            try:
                result = record_work(
                    request.actor,
                    session,
                    work_form.cleaned_data["region"],
                    work_form.cleaned_data["override_reason"],
                )
            except RuleError as refusal:
                work_form.add_error("override_reason", str(refusal))
                status = 409
            else:
                name = region_label(result.work.region)
                note = " with an override" if result.override else ""
                messages.success(request, f"Recorded work on {name}{note}.")
                return redirect("bodymaps_session_chart", session_id=session.pk)
        else:  # an unknown action or a form with errors (shown on the page)
            status = 400
    touch_map = current_touch_map(client)
    marks = touch_map.regions if touch_map else {}
    findings = list(
        RegionFinding.objects.visible_to(request.actor)
        .filter(session=session)
        .select_related("created_by", "event")
    )
    work = list(
        RegionWork.objects.visible_to(request.actor)
        .filter(session=session)
        .select_related("override")
    )
    audit.read(request.actor, session)
    return render(
        request,
        "bodymaps/chart.html",
        {
            "session": session,
            "client": client,
            "finding_form": finding_form,
            "work_form": work_form,
            "findings": findings,
            "work": [{"name": region_label(w.region), "item": w} for w in work],
            "atlas_views": finding_marks(atlas_views(_client_shape(request, client)), findings),
            "marks": marks,
            "not_welcome": [
                REGION_BY_CODE[c].name
                for c, s in marks.items()
                if s == TouchStatus.NOT_WELCOME and c in REGION_BY_CODE
            ],
        },
        status=status,
    )


@clinical_required
@require_http_methods(["GET", "POST"])
def touch_consent(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client(request, client_id)
    if request.method == "POST":
        marks = {}
        for region in REGION_BY_CODE:
            value = request.POST.get(f"touch_{region}")
            if value is None:
                continue
            if value not in TouchStatus.values:
                return HttpResponse(
                    "Unknown touch-consent value.", status=400, content_type="text/plain"
                )
            marks[region] = value
        try:
            touch_map = save_touch_map(request.actor, client, marks)
        except RuleError as refusal:
            return HttpResponse(str(refusal), status=400, content_type="text/plain")
        messages.success(request, f"Touch consent saved as version {touch_map.version}.")
        return redirect("bodymaps_touch_consent", client_id=client.pk)
    maps = list(
        TouchConsentMap.objects.visible_to(request.actor)
        .filter(client=client)
        .order_by("-version")[:20]
    )
    current = maps[0] if maps else None
    marks = current.regions if current else {}
    audit.read(request.actor, client)
    groups = []
    for view in VIEWS:
        groups.append(
            {
                "label": VIEW_LABELS[view],
                "regions": [
                    {"region": r, "status": marks.get(r.code, TouchStatus.CHECK_IN)}
                    for r in regions_in(view)
                ],
            }
        )
    history_rows = []
    for m in maps:
        counts = {s: 0 for s in TouchStatus.values}
        for s in m.regions.values():
            counts[s] = counts.get(s, 0) + 1
        history_rows.append({"map": m, "not_welcome": counts[TouchStatus.NOT_WELCOME]})
    return render(
        request,
        "bodymaps/touch_consent.html",
        {
            "client": client,
            "current": current,
            "groups": groups,
            "statuses": TouchStatus.choices,
            "atlas_views": atlas_views(_client_shape(request, client)),
            "marks_json": {code: marks.get(code, TouchStatus.CHECK_IN) for code in REGION_BY_CODE},
            "history": history_rows,
        },
    )


# --- research (owners) ----------------------------------------------------------------------

RESEARCH_LIMIT = 2000  # most recent paintings in the research view


PAIRED = "paired"  # research mode: change within a session (after - before), paired test
_RESEARCH_FIELDS = (
    "id", "client_id", "session_id", "moment", "body_shape", "raster", "raster_version",
    "strokes", "stats", "created_at",
)  # fmt: skip


def _consenting_clients(request: PracticeRequest) -> Any:
    """Clients of the owner's practice whose current consent includes research use."""
    form = ConsentForm.current_for(request.actor.practice_id)
    if form is None:
        return Client.objects.none()
    return Client.objects.visible_to(request.actor, clinical=True).filter(
        consents__form=form, consents__research_use=True, consents__withdrawn_at__isnull=True
    )


def _research_paintings(request: PracticeRequest, moment: str | None, shape: str) -> list[Painting]:
    """Paintings of consenting clients (see _consenting_clients), newest first."""
    paintings = Painting.objects.filter(
        client__in=_consenting_clients(request), nothing_felt=False, body_shape=shape
    )
    if moment:
        paintings = paintings.filter(moment=moment)
    return list(paintings.only(*_RESEARCH_FIELDS).order_by("-created_at")[:RESEARCH_LIMIT])


def _research_pairs(request: PracticeRequest, shape: str) -> list[tuple[Painting, Painting]]:
    """Per consenting client, the latest session with a map before and after."""
    paintings = (
        Painting.objects.filter(
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


def _research_group(
    request: PracticeRequest,
) -> tuple[str, str, list[tuple[Painting | None, Painting]]]:
    """(mode, shape, [(before or None, map)]) for the research view and its image."""
    mode = request.GET.get("moment", "")
    if mode not in (*Moment.values, PAIRED):
        mode = ""
    shape = _shape(request.GET.get("shape"))
    if mode == PAIRED:
        pairs: list[tuple[Painting | None, Painting]] = list(_research_pairs(request, shape))
        return mode, shape, pairs
    single = _one_per_client(_research_paintings(request, mode or None, shape))
    return mode, shape, [(None, p) for p in single]


def _signed_levels(painting: Painting) -> np.ndarray:
    """stronger - weaker in stored levels (units of 1/255), int16, shape (2 views, H, W)."""
    levels = painting_levels(painting)
    return levels[:, 0].astype(np.int16) - levels[:, 1]


def _region_signed(painting: Painting, code: str) -> float:
    values = painting.stats.get("regions", {}).get(code, {})
    return float(values.get("stronger", 0.0)) - float(values.get("weaker", 0.0))


@clinical_required
@owner_required
def research(request: PracticeRequest) -> HttpResponse:
    mode, shape, group = _research_group(request)
    n = len(group)
    rows: list[dict[str, Any]] = []
    if n >= analysis.MIN_GROUP:
        for view in VIEWS:
            for region in regions_in(view):
                if mode == PAIRED:
                    # Share of people whose region got stronger / weaker by > 5 points.
                    deltas = [
                        _region_signed(after, region.code) - _region_signed(before, region.code)
                        for before, after in group
                        if before is not None
                    ]
                    up = sum(d > 0.05 for d in deltas)
                    down = sum(d < -0.05 for d in deltas)
                else:
                    regions = [
                        after.stats.get("regions", {}).get(region.code, {}) for _, after in group
                    ]
                    up = sum(r.get("stronger_cov", 0) > 0 for r in regions)
                    down = sum(r.get("weaker_cov", 0) > 0 for r in regions)
                rows.append(
                    {
                        "name": region.name,
                        "view": VIEW_LABELS[view],
                        "stronger": round(100 * up / n),
                        "weaker": round(100 * down / n),
                    }
                )
        rows.sort(key=lambda r: -(r["stronger"] + r["weaker"]))
    audit.listed(request.actor, "bodymaps.research", [])
    paired = mode == PAIRED
    return render(
        request,
        "bodymaps/research.html",
        {
            "n": n,
            "min_group": analysis.MIN_GROUP,
            "rows": rows[:30],
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
    # Exact integer sums of stored levels (units of 1/255): one-sample test of the signed
    # map, or (paired) of after - before within a session.
    moments = [analysis.Moments(raster.GRID, integer=True, scale=raster.PACK_LEVELS) for _ in VIEWS]
    for before, after in group:
        signed = _signed_levels(after)
        if before is not None:
            signed = signed - _signed_levels(before)
        for v in range(len(VIEWS)):
            moments[v].add(signed[v])
    overlays = []
    for v, view in enumerate(VIEWS):
        result = moments[v].t_test(raster.body_mask(shape, view))
        overlays.append(draw.signed_rgba(result.mean, vmax=0.5, keep=result.significant))
    audit.listed(request.actor, "bodymaps.research", [])
    what = "change after - before" if mode == PAIRED else "stronger - weaker"
    legend = (
        f"Mean {what} of {len(group)} people, FDR q < {analysis.FDR_Q}. "
        "Orange-red = stronger, blue = weaker."
    )
    return _image(draw.png(shape, overlays, legend=legend), "image/png")
