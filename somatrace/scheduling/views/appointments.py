"""Booking an appointment, its page, and what can be done to it: move, cancel, no-show, and
start it in the console."""

from __future__ import annotations

from datetime import date, time
from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from somatrace.audit import services as audit
from somatrace.clients.services import can_start_session
from somatrace.core.decorators import PracticeRequest, clinical_required, member_required
from somatrace.core.errors import RuleError
from somatrace.scheduling import services
from somatrace.scheduling.forms import (
    AppointmentForm,
    MoveForm,
    NoShowForm,
    ReasonForm,
    clients_for_booking,
)
from somatrace.scheduling.models import AppointmentStatus
from somatrace.scheduling.views.calendar import appointment_for
from somatrace.therapy.forms import PrecheckForm
from somatrace.therapy.views import console as therapy_console


def _initial(request: PracticeRequest) -> dict[str, Any]:
    """What the calendar's "new appointment" link or a client's "Book" link filled in: ids
    and a date and time only, never a name."""
    initial: dict[str, Any] = {}
    for name in ("client", "practitioner"):
        if request.GET.get(name, "").isdigit():
            initial[name] = int(request.GET[name])
    try:
        initial["day"] = date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        initial["day"] = timezone.localdate()
    try:
        initial["at"] = time.fromisoformat(request.GET.get("time", ""))
    except ValueError:
        initial["at"] = time(9)
    if "practitioner" not in initial and request.actor.sees_clinical_data:
        initial["practitioner"] = request.actor.user_id
    return initial


@member_required
def appointment_create(request: PracticeRequest) -> HttpResponse:
    actor = request.actor
    # "Find" sends the whole form back to narrow the client list: it is shown again, unbound,
    # with everything typed so far, and nothing is booked. (A POST, so no name is in a URL.)
    finding = request.method == "POST" and "find_client" in request.POST
    form = AppointmentForm(
        None if finding else request.POST or None,
        initial=request.POST.dict() if finding else _initial(request),
        actor=actor,
        clients=clients_for_booking(actor),
        practitioners=services.practitioners_queryset(actor.practice_id),
    )
    if request.method == "POST" and not finding and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.book(
                actor,
                client=data["client"],
                practitioner=data["practitioner"],
                appointment_type=data["appointment_type"],
                room=data["room"],
                starts_at=form.starts_at(),
                every_weeks=data["every_weeks"],
                until=data["until"],
                count=data["count"],
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            first = timezone.localtime(made[0].starts_at)
            messages.success(
                request,
                f"Booked {len(made)} appointments from {first:%a} {first.day} {first:%b}."
                if len(made) > 1
                else f"Booked for {first:%a} {first.day} {first:%b} at {first:%H:%M}.",
            )
            return redirect(
                f"{reverse('calendar_week')}?date={first.date().isoformat()}"
                f"&who={data['practitioner'].pk}"
            )
    audit.listed(actor, "clients.client", form.listed_client_ids)
    status = 400 if request.method == "POST" and not finding else 200
    return render(request, "scheduling/appointment_form.html", {"form": form}, status=status)


def _detail(request: PracticeRequest, appointment: Any, **forms: Any) -> dict[str, Any]:
    actor = request.actor
    start = timezone.localtime(appointment.starts_at)
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    booked = appointment.status == AppointmentStatus.BOOKED
    context: dict[str, Any] = {
        "appointment": appointment,
        "start": start,
        "end": timezone.localtime(appointment.ends_at),
        "minutes": minutes,
        "booked": booked,
        "started": appointment.session_id is not None,
        "clinical": actor.sees_clinical_data,
        "move_form": forms.get("move_form")
        or MoveForm(initial={"day": start.date(), "at": start.time(), "duration_minutes": minutes}),
        "cancel_form": forms.get("cancel_form") or ReasonForm(prefix="cancel"),
        "no_show_form": forms.get("no_show_form") or NoShowForm(prefix="noshow"),
        "may_no_show": booked and appointment.starts_at <= timezone.now(),
        "week_url": f"{reverse('calendar_week')}?date={start.date().isoformat()}"
        f"&who={appointment.practitioner_id}",
    }
    return context


def _show(
    request: PracticeRequest, appointment: Any, status: int = 200, **forms: Any
) -> HttpResponse:
    audit.read(request.actor, appointment)
    return render(
        request,
        "scheduling/appointment.html",
        _detail(request, appointment, **forms),
        status=status,
    )


@member_required
def appointment_detail(request: PracticeRequest, appointment_id: int) -> HttpResponse:
    return _show(request, appointment_for(request, appointment_id))


@member_required
@require_POST
def appointment_move(request: PracticeRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_for(request, appointment_id)
    form = MoveForm(request.POST)
    if form.is_valid():
        try:
            services.move(
                request.actor,
                appointment,
                form.starts_at(),
                duration_minutes=form.cleaned_data["duration_minutes"],
            )
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Moved.")
            return redirect("appointment_detail", appointment_id=appointment.pk)
    return _show(request, appointment, 400, move_form=form)


@member_required
@require_POST
def appointment_cancel(request: PracticeRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_for(request, appointment_id)
    form = ReasonForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            services.cancel(request.actor, appointment, form.cleaned_data["reason"])
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Cancelled; the time is free again.")
            return redirect("appointment_detail", appointment_id=appointment.pk)
    return _show(request, appointment, 400, cancel_form=form)


@member_required
@require_POST
def appointment_no_show(request: PracticeRequest, appointment_id: int) -> HttpResponse:
    appointment = appointment_for(request, appointment_id)
    form = NoShowForm(request.POST, prefix="noshow")
    if form.is_valid():
        try:
            services.mark_no_show(request.actor, appointment, form.cleaned_data["reason"])
        except RuleError as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, "Recorded as a no-show.")
            return redirect("appointment_detail", appointment_id=appointment.pk)
    return _show(request, appointment, 400, no_show_form=form)


@clinical_required
def appointment_start(request: PracticeRequest, appointment_id: int) -> HttpResponse:
    """GET: the console's before-start page for this client; POST: start the appointment's
    session and open its console."""
    appointment = appointment_for(request, appointment_id)
    if appointment.session_id is not None:
        return redirect("console", session_id=appointment.session_id)
    back = reverse("appointment_detail", args=[appointment.pk])
    if appointment.status != AppointmentStatus.BOOKED:
        messages.error(request, "Only a booked appointment can be started.")
        return redirect(back)
    minutes = int((appointment.ends_at - appointment.starts_at).total_seconds() // 60)
    start_url = reverse("appointment_start", args=[appointment.pk])
    form = PrecheckForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid() and can_start_session(appointment.client)[0]:
        try:
            session = services.start_appointment(request.actor, appointment, form.cleaned_data)
        except RuleError as refusal:
            messages.error(request, str(refusal))
            return redirect(back)
        return redirect(reverse("console", args=[session.pk]))
    # The before-start page: 400 with the form's errors, 409 when the client may not start.
    return therapy_console.render_precheck(
        request,
        appointment.client,
        start_url=start_url,
        back_url=back,
        form=form if request.method == "POST" else None,
        duration_minutes=minutes,
    )
