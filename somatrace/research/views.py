"""Research pages: projects, research consent, cohort results, the analysis plan, the
de-identified export and the report. Owners only (researchers act as the owner for now).

No page shows a client's name except the research-consent list, which is where the owner
records a withdrawal; results and exports show counts and research ids only."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from somatrace.audit import services as audit
from somatrace.clients.models import Client, Tag
from somatrace.core.decorators import PracticeRequest, clinical_required, owner_required
from somatrace.core.errors import RuleError
from somatrace.reports import pdf
from somatrace.research import analysis, charts, deid, queries, regions, services, stats
from somatrace.research.forms import CohortForm, ExportForm, PlanForm, ProjectForm
from somatrace.research.limits import LIMITS
from somatrace.research.models import AnalysisPlan, ResearchProject

MAX_CONSENT_ROWS = 500  # clients listed on the research-consent page
ROWS_SHOWN = 20  # body regions and region pairs shown, the strongest first


def _project(request: PracticeRequest, project_id: int) -> ResearchProject:
    return get_object_or_404(ResearchProject, pk=project_id, practice_id=request.actor.practice_id)


def _viewable_project(request: PracticeRequest, project_id: int) -> ResearchProject:
    """Results and report: the owner, or a practitioner when the owner allowed it for this
    project (their cohort is then the clients they may see: visible_to)."""
    project = _project(request, project_id)
    if not request.actor.is_owner and not project.practitioners_may_view:
        raise PermissionDenied("Only the practice owner can open this research project.")
    return project


def _tags(request: PracticeRequest) -> list[str]:
    return list(
        Tag.objects.filter(practice_id=request.actor.practice_id).values_list("name", flat=True)
    )


def _locked_plan(project: ResearchProject) -> AnalysisPlan | None:
    return project.plans.filter(locked_at__isnull=False).order_by("-version").first()


@dataclass
class Results:
    filters: queries.Filters
    cohort: queries.Cohort
    per_instrument: list[analysis.InstrumentResult]
    suds: stats.MixedResult
    hrv: stats.MixedResult
    body_n: int  # people with a map before and after a session
    body: list[regions.RegionTest]  # [] when suppressed
    body_together: list[tuple[str, str, float]]
    plan: AnalysisPlan | None  # the locked plan the results follow, or None: exploratory

    @property
    def follows(self) -> str:
        if self.plan is None or self.plan.locked_at is None:
            return "Exploratory: these results do not follow a locked analysis plan."
        return (
            f"Follows locked plan v{self.plan.version} (locked at "
            f"{timezone.localtime(self.plan.locked_at):%Y-%m-%d %H:%M})."
        )


def _results(
    request: PracticeRequest, project: ResearchProject, filters: queries.Filters
) -> Results:
    cohort = queries.cohort(request.actor, filters)
    per_instrument = analysis.per_instrument(cohort.scores, cohort.sessions, project.minimum)
    suds = stats.mixed_shift(queries.suds_shifts(request.actor, cohort.client_ids), project.minimum)
    hrv = stats.mixed_shift(queries.hrv_shifts(request.actor, cohort.client_ids), project.minimum)
    pairs = queries.body_pairs(request.actor, cohort.client_ids)
    body = regions.region_tests(pairs) if len(pairs) >= project.minimum else []
    together = regions.together(pairs, body) if body else []
    plan = _locked_plan(project)
    follows = (
        plan is not None
        and queries.Filters.from_json({**plan.cohort, "instruments": plan.outcomes}) == filters
    )
    audit.listed(request.actor, "research.cohort", cohort.client_ids)
    return Results(
        filters,
        cohort,
        per_instrument,
        suds,
        hrv,
        len(pairs),
        body[:ROWS_SHOWN],
        together[:ROWS_SHOWN],
        plan if follows else None,
    )


def _filters_from(
    request: PracticeRequest, project: ResearchProject
) -> tuple[CohortForm, queries.Filters]:
    tags = _tags(request)
    if not request.GET:
        plan = _locked_plan(project)
        if plan is not None:
            filters = queries.Filters.from_json({**plan.cohort, "instruments": plan.outcomes})
            return CohortForm(initial=_initial(filters), tags=tags), filters
        return CohortForm(tags=tags), queries.Filters()
    form = CohortForm(request.GET, tags=tags)
    return form, form.filters() if form.is_valid() else queries.Filters()


def _initial(filters: queries.Filters) -> dict[str, Any]:
    return {
        "start": filters.start,
        "end": filters.end,
        "tag": filters.tag,
        "min_sessions": filters.min_sessions or None,
        "instruments": list(filters.instruments),
    }


def _context(project: ResearchProject, found: Results) -> dict[str, Any]:
    rows = charts.effect_rows(found.per_instrument)
    return {
        "project": project,
        "results": found,
        "limits": LIMITS,
        "chart_rows": rows,
        "chart": charts.effect_chart(rows) if rows else None,
        "minimum": project.minimum,
    }


@owner_required
def home(request: PracticeRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        project = services.create_project(request.actor, **form.cleaned_data)
        return redirect("research_results", project_id=project.pk)
    projects = ResearchProject.objects.filter(practice_id=request.actor.practice_id)
    return render(request, "research/home.html", {"projects": projects, "form": form})


@owner_required
@require_GET
def consents(request: PracticeRequest) -> HttpResponse:
    clients = list(
        queries.consenting(request.actor).only("pk", "name", "preferred_name")[:MAX_CONSENT_ROWS]
    )
    audit.listed(request.actor, "clients.client", [c.pk for c in clients])
    return render(request, "research/consents.html", {"clients": clients})


@owner_required
@require_POST
def consent_withdraw(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = get_object_or_404(Client.objects.visible_to(request.actor), pk=client_id)
    try:
        services.withdraw_research_use(request.actor, client)
    except RuleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(
            request, "Research use withdrawn: the client is left out of every later analysis "
            "and export."
        )  # fmt: skip
    return redirect("research_consents")


@clinical_required
@require_GET
def results(request: PracticeRequest, project_id: int) -> HttpResponse:
    project = _viewable_project(request, project_id)
    form, filters = _filters_from(request, project)
    found = _results(request, project, filters)
    return render(request, "research/results.html", {**_context(project, found), "form": form})


@owner_required
def plan(request: PracticeRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    plans = list(project.plans.select_related("locked_by", "created_by"))
    latest = plans[0] if plans else None
    tags = _tags(request)
    if request.method == "POST":
        form = PlanForm(request.POST, tags=tags)
        if form.is_valid():
            filters = form.filters()
            cohort = filters.as_json()
            outcomes = cohort.pop("instruments")
            try:
                saved = services.save_plan(
                    request.actor,
                    project,
                    cohort=cohort,
                    outcomes=outcomes,
                    time_points=form.cleaned_data["time_points"],
                )
            except RuleError as refusal:
                messages.error(request, str(refusal))
            else:
                messages.success(request, f"Plan version {saved.version} saved (not locked).")
                return redirect("research_plan", project_id=project.pk)
    else:
        initial: dict[str, Any] = {}
        if latest is not None:
            initial = _initial(
                queries.Filters.from_json({**latest.cohort, "instruments": latest.outcomes})
            )
            initial["time_points"] = latest.time_points
        form = PlanForm(initial=initial or None, tags=tags)
    described = [
        (
            p,
            queries.Filters.from_json({**p.cohort, "instruments": p.outcomes}).describe(),
        )
        for p in plans
    ]
    return render(
        request,
        "research/plan.html",
        {"project": project, "plans": described, "latest": latest, "form": form},
    )


@owner_required
@require_POST
def plan_lock(request: PracticeRequest, project_id: int, plan_id: int) -> HttpResponse:
    project = _project(request, project_id)
    found = get_object_or_404(AnalysisPlan, pk=plan_id, project=project)
    try:
        locked = services.lock_plan(request.actor, found)
    except RuleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, f"Plan version {locked.version} locked.")
    return redirect("research_plan", project_id=project.pk)


def _people(cohort: queries.Cohort) -> list[deid.Person]:
    scores: dict[int, list[tuple[str, Any, float]]] = {pk: [] for pk in cohort.client_ids}
    for code, rows in cohort.scores.items():
        for client_id, day, total in rows:
            scores[client_id].append((code, day, total))
    return [
        deid.Person(
            client_id=pk,
            birth=cohort.birth.get(pk),
            tags=cohort.tags.get(pk, ()),
            session_days=tuple(s.date() for s in cohort.sessions.get(pk, [])),
            scores=tuple(scores[pk]),
        )
        for pk in cohort.client_ids
        if scores[pk]
    ]


@dataclass
class ExportCheck:
    people: list[deid.Person]
    rare: list[deid.RareCombination]
    too_few: bool
    band_width: int
    with_tags: bool

    @property
    def blocked(self) -> bool:
        return self.too_few or bool(self.rare)


def _check(
    request: PracticeRequest, project: ResearchProject
) -> tuple[ExportForm, queries.Filters, ExportCheck]:
    _, filters = _filters_from(request, project)
    form = ExportForm(request.GET or None)
    band_width, with_tags = 10, True
    if request.GET and form.is_valid():
        band_width = form.cleaned_data["band_width"]
        with_tags = form.cleaned_data["with_tags"]
    cohort = queries.cohort(request.actor, filters)
    people = _people(cohort)
    quasi = [deid.quasi_identifiers(p, band_width=band_width, with_tags=with_tags) for p in people]
    rare = deid.rare_combinations(quasi, project.minimum)
    return (
        form,
        filters,
        ExportCheck(people, rare, len(people) < project.minimum, band_width, with_tags),
    )


@owner_required
@require_GET
def export(request: PracticeRequest, project_id: int) -> HttpResponse:
    project = _project(request, project_id)
    form, filters, check = _check(request, project)
    audit.listed(request.actor, "research.cohort", [p.client_id for p in check.people])
    return render(
        request,
        "research/export.html",
        {
            "project": project,
            "form": form,
            "check": check,
            "filters": filters,
            "query": request.GET.urlencode(),
            "limits": LIMITS,
            "dictionary": deid.DICTIONARY,
        },
    )


def _dictionary_csv(project: ResearchProject, filters: queries.Filters) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["column", "type", "meaning"])
    writer.writerows(deid.DICTIONARY)
    writer.writerow([])
    writer.writerow(["cohort", "", filters.describe()])
    writer.writerow(["smallest group", "", str(project.minimum)])
    writer.writerow(["limits", "", LIMITS])
    return out.getvalue()


@owner_required
@require_GET
def export_download(request: PracticeRequest, project_id: int, fmt: str) -> HttpResponse:
    project = _project(request, project_id)
    if fmt not in ("csv", "parquet"):
        raise Http404("Unknown format.")
    _, filters, check = _check(request, project)
    if check.blocked:
        messages.error(request, "The re-identification check blocks this export; see below.")
        query = request.GET.urlencode()
        target = reverse("research_export", args=[project.pk])
        return redirect(target + (f"?{query}" if query else ""))
    data = deid.rows(
        check.people, project.secret, band_width=check.band_width, with_tags=check.with_tags
    )
    dictionary = _dictionary_csv(project, filters)
    if fmt == "csv":
        table = io.StringIO()
        writer = csv.DictWriter(table, fieldnames=deid.COLUMNS)
        writer.writeheader()
        writer.writerows(data)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
            bundle.writestr("data.csv", table.getvalue())
            bundle.writestr("dictionary.csv", dictionary)
            bundle.writestr("LIMITS.txt", LIMITS + "\n")
        body, content_type, name = buffer.getvalue(), "application/zip", "research-export.zip"
    else:
        body = _parquet(data, dictionary)
        content_type, name = "application/vnd.apache.parquet", "research-export.parquet"
    audit.exported_list(request.actor, "research.export", [p.client_id for p in check.people])
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


def _parquet(data: list[dict[str, object]], dictionary: str) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = pa.schema(
        [
            ("research_id", pa.string()),
            ("age_band", pa.string()),
            ("concern_tags", pa.string()),
            ("sessions", pa.int32()),
            ("instrument", pa.string()),
            ("day", pa.int32()),
            ("score", pa.float64()),
        ],
        metadata={"limits": LIMITS, "dictionary": dictionary},
    )
    table = pa.Table.from_pylist(data, schema=schema)
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


@clinical_required
@require_GET
def report(request: PracticeRequest, project_id: int) -> HttpResponse:
    project = _viewable_project(request, project_id)
    _, filters = _filters_from(request, project)
    found = _results(request, project, filters)
    return render(request, "research/report.html", {**_context(project, found), "print": False})


@clinical_required
@require_GET
def report_pdf(request: PracticeRequest, project_id: int) -> HttpResponse:
    project = _viewable_project(request, project_id)
    _, filters = _filters_from(request, project)
    found = _results(request, project, filters)
    context = {**_context(project, found), "print": True}
    if context["chart"]:
        context["chart_uri"] = pdf.chart_uri(context["chart"])
    html = render_to_string("research/report_document.html", context, request=request)
    body = pdf.html_to_pdf(html)
    audit.exported_list(request.actor, "research.report", found.cohort.client_ids)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="research-report.pdf"'
    response["Cache-Control"] = "no-store"
    return response
