"""The client's own home practice in the portal: the list, one exercise with its timer, and
"I did it". Only the client signed in to the portal comes in; another client's exercise is a
404, and staff are refused at the door (core.decorators.client_portal_required)."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from somatrace.audit import services as audit
from somatrace.core.decorators import PortalRequest, client_portal_required
from somatrace.core.errors import RuleError
from somatrace.core.panels import render_panels
from somatrace.homework import services
from somatrace.homework.adherence import format_duration
from somatrace.homework.forms import CompletionForm
from somatrace.homework.models import Completion, ExerciseAssignment
from somatrace.homework.queries import home_practice

RECENT = 5


def _assignment_for(request: PortalRequest, assignment_id: int) -> ExerciseAssignment:
    return get_object_or_404(
        ExerciseAssignment.objects.visible_to(request.actor).select_related("client"),
        pk=assignment_id,
        client_id=request.portal_client.pk,
        ended_at__isnull=True,
    )


@client_portal_required
def homework_portal_list(request: PortalRequest) -> HttpResponse:
    client = request.portal_client
    practices = home_practice(request.actor, client.pk, current_only=True)
    audit.read(
        request.actor,
        client,
        shown={"homework.exerciseassignment": [p.assignment.pk for p in practices]},
    )
    return render(request, "homework/portal/list.html", {"practices": practices})


@client_portal_required
def homework_portal_exercise(request: PortalRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_for(request, assignment_id)
    recent = list(
        Completion.objects.visible_to(request.actor)
        .filter(assignment=assignment)
        .order_by("-done_at")[:RECENT]
    )
    audit.read(
        request.actor,
        assignment,
        shown={"homework.completion": [c.pk for c in recent]},
    )
    form = CompletionForm(initial={"client_uuid": uuid.uuid4(), "minutes": assignment.minutes})
    return render(
        request,
        "homework/portal/exercise.html",
        {
            "assignment": assignment,
            "form": form,
            "recent": [(c, format_duration(c.duration_seconds)) for c in recent],
            "seconds": assignment.minutes * 60,
        },
    )


@client_portal_required
@require_POST
def homework_portal_done(request: PortalRequest, assignment_id: int) -> HttpResponse:
    assignment = _assignment_for(request, assignment_id)
    form = CompletionForm(request.POST)
    back = reverse("portal_home_practice_exercise", args=[assignment.pk])
    if not form.is_valid():
        messages.error(request, "That did not come through; please try again.")
        return redirect(back)
    try:
        completion = services.record_completion(
            request.actor,
            assignment,
            client_uuid=form.cleaned_data["client_uuid"],
            duration_seconds=form.duration_seconds(),
        )
    except RuleError as refusal:
        messages.error(request, str(refusal))
        return redirect(back)
    messages.success(
        request,
        f"Well done: {assignment.label}, {format_duration(completion.duration_seconds)}, noted.",
    )
    return redirect(reverse("portal_home_practice"))


@client_portal_required
def homework_portal_progress(request: PortalRequest) -> HttpResponse:
    """What the practitioner shares of the client's progress, each kind drawn by the app that
    owns it (its panel on the "progress" page checks the sharing setting)."""
    client = request.portal_client
    rendered = render_panels(request, "progress", client)
    audit.read(request.actor, client, shown=rendered.shown)
    return render(request, "homework/portal/progress.html", {"panels": rendered["main"]})
