"""The practitioner's body chart for a session: findings numbered on the body, work on
regions checked against the client's touch consent."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from somatrace.audit import services as audit
from somatrace.bodymaps import figures, summaries
from somatrace.bodymaps.atlas import region_label
from somatrace.bodymaps.forms import FindingForm, WorkForm
from somatrace.bodymaps.models import RegionFinding
from somatrace.bodymaps.services import add_finding, timeline_choices
from somatrace.bodymaps.views.common import client_shape, visible_session
from somatrace.clients.services import current_touch_map
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.therapy.models import RegionWork
from somatrace.therapy.services import record_work


@clinical_required
@require_http_methods(["GET", "POST"])
def session_chart(request: PracticeRequest, session_id: int) -> HttpResponse:
    session = visible_session(request, session_id)
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
    views = figures.atlas_views(client_shape(request, client))
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
            "atlas_views": figures.finding_marks(
                views, [(f.region, f.get_finding_display()) for f in findings]
            ),
            "marks": marks,
            "not_welcome": summaries.not_welcome_names(marks),
        },
        status=status,
    )
