"""The practitioner's actions from the client page: assign an exercise, stop one, choose what
progress the client sees. Thin: check access, parse the form, call the service, go back."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from somatrace.clients import services as clients
from somatrace.clients.models import Client
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError
from somatrace.homework import services
from somatrace.homework.forms import AssignForm, ExerciseForm, SharingForm
from somatrace.homework.models import Exercise, ExerciseAssignment


def _client_for(request: PracticeRequest, client_id: int) -> Client:
    return get_object_or_404(Client.objects.visible_to(request.actor), pk=client_id)


def _back(client: Client, anchor: str) -> HttpResponse:
    return redirect(f"{reverse('client_detail', args=[client.pk])}#{anchor}")


def _problems(form: AssignForm | SharingForm) -> str:
    return " ".join(
        f"{form.fields[name].label}: {e}" if name in form.fields else str(e)
        for name, errors in form.errors.items()
        for e in errors
    )


@clinical_required
@require_POST
def homework_assign(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    form = AssignForm(request.POST, practice_id=client.practice_id)
    if not form.is_valid():
        messages.error(request, f"Nothing was assigned. {_problems(form)}")
        return _back(client, "home-practice")
    exercise = form.cleaned_data["exercise"]
    try:
        services.assign_exercise(
            request.actor,
            client,
            services.NewAssignment(
                exercise_id=exercise.pk,
                per_week=form.cleaned_data["per_week"],
                minutes=form.cleaned_data["minutes"] or exercise.minutes,
                until=form.cleaned_data["until"],
                instructions=form.cleaned_data["instructions"],
            ),
        )
    except RuleError as refusal:
        messages.error(request, f"Nothing was assigned. {refusal}")
    else:
        messages.success(request, f"{exercise.label} assigned.")
    return _back(client, "home-practice")


@clinical_required
@require_POST
def homework_end(request: PracticeRequest, client_id: int, assignment_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    assignment = get_object_or_404(
        ExerciseAssignment.objects.visible_to(request.actor).select_related("client"),
        pk=assignment_id,
        client=client,
    )
    services.end_assignment(request.actor, assignment)
    messages.success(request, "The exercise is off the client's list.")
    return _back(client, "home-practice")


@clinical_required
@require_POST
def progress_sharing(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = _client_for(request, client_id)
    form = SharingForm(request.POST)
    if not form.is_valid():  # pragma: no cover - check boxes are always valid
        raise PermissionDenied("Unreadable form.")
    clients.set_progress_sharing(
        request.actor,
        client,
        ratings=form.cleaned_data["ratings"],
        scores=form.cleaned_data["scores"],
        bodymaps=form.cleaned_data["bodymaps"],
    )
    messages.success(request, "Saved what the client sees of their progress.")
    return _back(client, "sharing")


@clinical_required
def exercise_list(request: PracticeRequest) -> HttpResponse:
    """The practice's exercises: the built-ins and its own, with the form to add one."""
    form = ExerciseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_exercise(request.actor, **form.cleaned_data)
        except RuleError as refusal:
            form.add_error("code", str(refusal))
        else:
            messages.success(request, "Exercise added to the practice's list.")
            return redirect("homework_exercises")
    exercises = list(Exercise.available_to(request.actor.practice_id).order_by("label"))
    return render(
        request,
        "homework/exercises.html",
        {"exercises": exercises, "form": form},
        status=400 if request.method == "POST" else 200,
    )
