"""The calendar's setup: appointment types and rooms (the owner, under Practice), and
working hours and time off (the owner for anyone, a practitioner for their own)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from somatrace.core.decorators import PracticeRequest, clinical_required, owner_required
from somatrace.core.errors import RuleError
from somatrace.scheduling import services
from somatrace.scheduling.forms import (
    WEEKDAYS,
    AppointmentTypeForm,
    RoomForm,
    TimeOffForm,
    WorkingHoursForm,
)
from somatrace.scheduling.models import AppointmentType, Room, TimeOff, WorkingHours

# Time off listed on the hours page: what is still to come, the nearest first.
MAX_TIME_OFF = 30


@owner_required
def calendar_settings(request: PracticeRequest) -> HttpResponse:
    """The practice's appointment types and rooms, each with a form to add one."""
    actor = request.actor
    kind = request.POST.get("kind") if request.method == "POST" else None
    type_form = AppointmentTypeForm(request.POST if kind == "type" else None, prefix="type")
    room_form = RoomForm(request.POST if kind == "room" else None, prefix="room")
    choices: dict[str, forms.ModelForm[Any]] = {"type": type_form, "room": room_form}
    form = choices.get(kind or "")
    if form is not None and form.is_valid():
        try:
            if kind == "type":
                services.save_appointment_type(actor, None, form.cleaned_data)
            else:
                services.save_room(actor, None, form.cleaned_data)
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Added.")
            return redirect("calendar_settings")
    context = {
        "types": AppointmentType.objects.filter(practice_id=actor.practice_id),
        "rooms": Room.objects.filter(practice_id=actor.practice_id),
        "type_form": type_form,
        "room_form": room_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "scheduling/settings.html", context, status=status)


def _edit(
    request: PracticeRequest, obj: Any, form_class: Any, save: Any, title: str
) -> HttpResponse:
    form = form_class(request.POST or None, instance=obj)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            save(request.actor, obj, fields)
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Saved.")
            return redirect("calendar_settings")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "scheduling/setting_edit.html", {"form": form, "title": title}, status=status
    )


@owner_required
def appointment_type_edit(request: PracticeRequest, type_id: int) -> HttpResponse:
    kind = get_object_or_404(AppointmentType, practice_id=request.actor.practice_id, pk=type_id)
    # The instance is changed in memory by the form; the service saves it.
    return _edit(
        request, kind, AppointmentTypeForm, services.save_appointment_type, "Appointment type"
    )


@owner_required
def room_edit(request: PracticeRequest, room_id: int) -> HttpResponse:
    room = get_object_or_404(Room, practice_id=request.actor.practice_id, pk=room_id)
    return _edit(request, room, RoomForm, services.save_room, "Room")


def _whose(request: PracticeRequest, people: list[Any]) -> Any:
    """Whose hours: the owner picks (?who=<id>, else themselves); a practitioner their own."""
    actor = request.actor
    if actor.is_owner:
        by_id = {str(p.pk): p for p in people}
        return by_id.get(request.GET.get("who", ""), actor.user)
    return actor.user


@clinical_required
def working_hours(request: PracticeRequest) -> HttpResponse:
    """One practitioner's working week and time off, with forms to add to them."""
    actor = request.actor
    people = list(services.practitioners(actor.practice_id))
    person = _whose(request, people)
    kind = request.POST.get("kind") if request.method == "POST" else None
    hours_form = WorkingHoursForm(request.POST if kind == "hours" else None, prefix="hours")
    off_form = TimeOffForm(request.POST if kind == "off" else None, prefix="off")
    here = f"{reverse('working_hours')}?who={person.pk}"
    try:
        if kind == "hours" and hours_form.is_valid():
            data = hours_form.cleaned_data
            services.add_working_hours(actor, person, data["weekday"], data["starts"], data["ends"])
            messages.success(request, "Hours added.")
            return redirect(here)
        if kind == "off" and off_form.is_valid():
            first, after = off_form.span()
            services.add_time_off(actor, person, first, after, off_form.cleaned_data["reason"])
            messages.success(request, "Time off added.")
            return redirect(here)
    except RuleError as refusal:
        (hours_form if kind == "hours" else off_form).add_error(None, str(refusal))
    names = dict(WEEKDAYS)
    hours = [
        {"row": h, "day": names[h.weekday]}
        for h in WorkingHours.objects.filter(
            practice_id=actor.practice_id, practitioner=person
        ).order_by("weekday", "starts")
    ]
    off = list(
        TimeOff.objects.filter(
            practice_id=actor.practice_id, practitioner=person, ends_at__gt=timezone.now()
        ).order_by("starts_at")[:MAX_TIME_OFF]
    )
    context = {
        "person": person,
        "people": people if actor.is_owner else [],
        "hours": hours,
        "time_off": off,
        "hours_form": hours_form,
        "off_form": off_form,
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "scheduling/hours.html", context, status=status)


@clinical_required
@require_POST
def working_hours_remove(request: PracticeRequest, hours_id: int) -> HttpResponse:
    hours = get_object_or_404(WorkingHours, practice_id=request.actor.practice_id, pk=hours_id)
    services.remove_working_hours(request.actor, hours)
    messages.success(request, "Hours removed.")
    return redirect(f"{reverse('working_hours')}?who={hours.practitioner_id}")


@clinical_required
@require_POST
def time_off_remove(request: PracticeRequest, time_off_id: int) -> HttpResponse:
    off = get_object_or_404(TimeOff, practice_id=request.actor.practice_id, pk=time_off_id)
    services.remove_time_off(request.actor, off)
    messages.success(request, "Time off removed.")
    return redirect(f"{reverse('working_hours')}?who={off.practitioner_id}")
