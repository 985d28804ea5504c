"""Booking doors: the client's appointments in the portal (book, move, cancel), the public
page where someone asks for a first appointment, and the staff's list of those requests.

Portal views act as the client (client_portal_required) on their own appointments only:
another client's appointment is not found. Times are shown in the practice's zone, named;
static/js/scheduling/localtime.js adds the browser's own time when its zone differs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from somatrace.accounts.models import Practice
from somatrace.audit import services as audit
from somatrace.core.client_address import client_ip
from somatrace.core.decorators import (
    PortalRequest,
    PracticeRequest,
    client_portal_required,
    clinical_required,
)
from somatrace.core.errors import RuleError
from somatrace.core.panels import Panel, PanelData, PortalLink
from somatrace.scheduling import services
from somatrace.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingRequest,
    WorkingHours,
)

# How many days ahead the portal lists as choices (each with its open times).
DAYS_SHOWN = 28
# The public page's preferred times: the next two weeks, at most this many choices.
PUBLIC_DAYS = 14
PUBLIC_MAX_TIMES = 200


def _zone_name(practice_id: int) -> str:
    return str(services.zone_of(practice_id))


def _parse_start(value: str) -> datetime | None:
    """A start time sent back by a form: the ISO UTC value we offered."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    if timezone.is_naive(moment):
        return None
    return moment.astimezone(UTC)


def _parse_day(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        return None


def _days_with_times(
    actor_practice_id: int,
    practitioner_id: int,
    appointment_type: AppointmentType,
    now: datetime,
    *,
    ignore_appointment_id: int | None = None,
) -> dict[date, list[datetime]]:
    """Open times of the next DAYS_SHOWN days, by local day (only days with a time)."""
    zone = services.zone_of(actor_practice_id)
    today = now.astimezone(zone).date()
    times = services.open_times(
        practice_id=actor_practice_id,
        practitioner_id=practitioner_id,
        appointment_type=appointment_type,
        first_day=today,
        last_day=today + timedelta(days=DAYS_SHOWN),
        now=now,
        ignore_appointment_id=ignore_appointment_id,
    )
    by_day: dict[date, list[datetime]] = {}
    for moment in times:
        by_day.setdefault(moment.astimezone(zone).date(), []).append(moment)
    return by_day


# --- The portal: the client's own appointments ------------------------------------------------


def _own(request: PortalRequest, appointment_id: int) -> Appointment:
    return get_object_or_404(
        Appointment.objects.visible_to(request.actor)
        .filter(client_id=request.portal_client.pk)
        .select_related("appointment_type", "practitioner"),
        pk=appointment_id,
    )


@client_portal_required
@require_GET
def portal_appointments(request: PortalRequest) -> HttpResponse:
    """Upcoming and past appointments, and the way to book when the practice allows it."""
    client = request.portal_client
    rules = services.current_rules(client.practice_id)
    now = timezone.now()
    rows = list(
        Appointment.objects.visible_to(request.actor)
        .filter(client_id=client.pk)
        .select_related("appointment_type", "practitioner")
        .order_by("starts_at", "pk")
    )
    upcoming = [a for a in rows if a.ends_at >= now]
    past = [a for a in rows if a.ends_at < now][::-1][:50]
    audit.read(request.actor, client, shown={"scheduling.appointment": [a.pk for a in rows]})
    return render(
        request,
        "scheduling/portal/appointments.html",
        {
            "upcoming": upcoming,
            "past": past,
            "rules": rules,
            "zone_name": _zone_name(client.practice_id),
            "booked": AppointmentStatus.BOOKED,
        },
    )


@client_portal_required
@require_http_methods(["GET", "POST"])
def portal_book(request: PortalRequest) -> HttpResponse:
    """Book in three steps: a type, then a day, then an open time (GET ?type=&day=), each
    a plain link or button; the chosen time is POSTed."""
    client = request.portal_client
    rules = services.current_rules(client.practice_id)
    if not rules.portal_booking:
        messages.info(request, "Your practice does not take bookings here; please contact them.")
        return redirect("portal_appointments")
    types = list(services.bookable_types(client.practice_id))
    source = request.POST if request.method == "POST" else request.GET
    chosen = next((t for t in types if str(t.pk) == source.get("type")), None)
    now = timezone.now()
    error = ""
    if request.method == "POST":
        starts_at = _parse_start(request.POST.get("starts_at", ""))
        if chosen is None or starts_at is None:
            error = "Choose a kind of appointment and one of the times offered."
        else:
            try:
                services.book_in_portal(request.actor, appointment_type=chosen, starts_at=starts_at)
            except RuleError as refusal:
                error = str(refusal)
            else:
                messages.success(
                    request, "Your appointment is booked. We have emailed you the details."
                )
                return redirect("portal_appointments")
    by_day: dict[date, list[datetime]] = {}
    if chosen is not None:
        by_day = _days_with_times(client.practice_id, client.assigned_practitioner_id, chosen, now)
    day = _parse_day(source.get("day"))
    audit.read(request.actor, client)
    return render(
        request,
        "scheduling/portal/book.html",
        {
            "types": types,
            "chosen": chosen,
            "days": list(by_day),
            "day": day,
            "times": by_day.get(day, []) if day else [],
            "error": error,
            "rules": rules,
            "zone_name": _zone_name(client.practice_id),
        },
        status=400 if error else 200,
    )


@client_portal_required
@require_http_methods(["GET", "POST"])
def portal_appointment_move(request: PortalRequest, appointment_id: int) -> HttpResponse:
    """Move an appointment to another open time (same type, same practitioner)."""
    appointment = _own(request, appointment_id)
    client = request.portal_client
    rules = services.current_rules(client.practice_id)
    error = ""
    if request.method == "POST":
        starts_at = _parse_start(request.POST.get("starts_at", ""))
        if starts_at is None:
            error = "Choose one of the times offered."
        else:
            try:
                services.move_in_portal(request.actor, appointment, starts_at)
            except RuleError as refusal:
                error = str(refusal)
            else:
                messages.success(request, "Your appointment has moved. We have emailed you.")
                return redirect("portal_appointments")
    by_day: dict[date, list[datetime]] = {}
    if rules.portal_booking and appointment.status == AppointmentStatus.BOOKED:
        by_day = _days_with_times(
            client.practice_id,
            appointment.practitioner_id,
            appointment.appointment_type,
            timezone.now(),
            ignore_appointment_id=appointment.pk,
        )
    source = request.POST if request.method == "POST" else request.GET
    day = _parse_day(source.get("day"))
    audit.read(request.actor, client, shown={"scheduling.appointment": [appointment.pk]})
    return render(
        request,
        "scheduling/portal/move.html",
        {
            "appointment": appointment,
            "days": list(by_day),
            "day": day,
            "times": by_day.get(day, []) if day else [],
            "error": error,
            "rules": rules,
            "zone_name": _zone_name(client.practice_id),
        },
        status=400 if error else 200,
    )


@client_portal_required
@require_http_methods(["GET", "POST"])
def portal_appointment_cancel(request: PortalRequest, appointment_id: int) -> HttpResponse:
    """Ask "cancel this one?"; the POST cancels (within the practice's rules)."""
    appointment = _own(request, appointment_id)
    client = request.portal_client
    error = ""
    if request.method == "POST":
        try:
            services.cancel_in_portal(request.actor, appointment)
        except RuleError as refusal:
            error = str(refusal)
        else:
            messages.success(request, "Your appointment is cancelled.")
            return redirect("portal_appointments")
    audit.read(request.actor, client, shown={"scheduling.appointment": [appointment.pk]})
    return render(
        request,
        "scheduling/portal/cancel.html",
        {
            "appointment": appointment,
            "error": error,
            "zone_name": _zone_name(client.practice_id),
        },
        status=400 if error else 200,
    )


def portal_panel(actor: Any, client: Any) -> PanelData | None:
    """The portal home's "Your next appointment" card, with "Book" when booking is on."""
    rules = services.current_rules(client.practice_id)
    upcoming = (
        Appointment.objects.visible_to(actor)
        .filter(client_id=client.pk, status=AppointmentStatus.BOOKED, ends_at__gte=timezone.now())
        .select_related("appointment_type")
        .order_by("starts_at")
        .first()
    )
    if upcoming is None and not rules.portal_booking:
        return None
    return PanelData(
        {
            "next": upcoming,
            "rules": rules,
            "zone_name": _zone_name(client.practice_id),
        },
        {"scheduling.appointment": [upcoming.pk] if upcoming else []},
    )


# --- The public page: a first appointment, asked for ------------------------------------------


class PublicRequestForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=150)
    email = forms.EmailField(label="Email", max_length=254)
    phone = forms.CharField(label="Phone (optional)", max_length=40, required=False)
    appointment_type = forms.ModelChoiceField(
        label="Kind of appointment", queryset=AppointmentType.objects.none(), required=False
    )
    preferred_start = forms.TypedChoiceField(
        label="Preferred time (optional)",
        required=False,
        choices=[],
        coerce=lambda value: _parse_start(value),
        empty_value=None,
    )
    message = forms.CharField(
        label="Anything you would like us to know (optional)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Please do not write health details here: we talk them through with you.",
    )

    def __init__(self, *args: Any, types: Any, times: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["appointment_type"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = types
        choice = self.fields["preferred_start"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [("", "No preference"), *times]


def _label(local: datetime) -> str:
    return f"{local:%a} {local.day} {local:%b}, {local:%H:%M}"


def _public_times(
    practice_id: int, appointment_type: AppointmentType | None, now: datetime
) -> list[datetime]:
    """Open times with any practitioner who has working hours, for the next two weeks."""
    if appointment_type is None:
        return []
    zone = services.zone_of(practice_id)
    today = now.astimezone(zone).date()
    practitioner_ids = (
        WorkingHours.objects.filter(practice_id=practice_id, practitioner__is_active=True)
        .values_list("practitioner_id", flat=True)
        .distinct()
    )
    found: set[datetime] = set()
    for practitioner_id in sorted(set(practitioner_ids)):
        found.update(
            services.open_times(
                practice_id=practice_id,
                practitioner_id=practitioner_id,
                appointment_type=appointment_type,
                first_day=today,
                last_day=today + timedelta(days=PUBLIC_DAYS),
                now=now,
            )
        )
    return sorted(found)[:PUBLIC_MAX_TIMES]


@login_not_required
@require_http_methods(["GET", "POST"])
def public_booking(request: HttpRequest, public_key: str) -> HttpResponse:
    """Someone new asks for a first appointment. Not found unless the practice has turned the
    page on. Choosing a kind of appointment (GET ?type=) lists its open times."""
    rules = services.public_rules(public_key)
    if rules is None:
        raise Http404("No such page.")
    practice: Practice = rules.practice
    types = services.bookable_types(practice.pk)
    source = request.POST if request.method == "POST" else request.GET
    chosen = types.filter(pk=source.get("appointment_type") or source.get("type") or 0).first()
    zone = services.zone_of(practice.pk)
    times = [
        (moment.isoformat(), _label(moment.astimezone(zone)))
        for moment in _public_times(practice.pk, chosen, timezone.now())
    ]
    initial = {"appointment_type": chosen.pk} if chosen else {}
    form = PublicRequestForm(
        request.POST if request.method == "POST" else None,
        types=types,
        times=times,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.request_first_appointment(
                    rules, form.cleaned_data, address=client_ip(request) or ""
                )
            except services.TooManyRequests as refusal:
                form.add_error(None, str(refusal))
                status = 429
            except RuleError as refusal:
                form.add_error(None, str(refusal))
            else:
                return redirect("public_booking_thanks", public_key=public_key)
    return render(
        request,
        "scheduling/public/request.html",
        {
            "form": form,
            "practice": practice,
            "types": types,
            "chosen": chosen,
            "zone_name": str(zone),
            "public_key": public_key,
        },
        status=status,
    )


@login_not_required
@require_GET
def public_booking_thanks(request: HttpRequest, public_key: str) -> HttpResponse:
    rules = services.public_rules(public_key)
    if rules is None:
        raise Http404("No such page.")
    return render(request, "scheduling/public/thanks.html", {"practice": rules.practice})


# --- Staff: the requests from the public page -------------------------------------------------


@clinical_required
@require_GET
def booking_requests(request: PracticeRequest) -> HttpResponse:
    """Requests waiting for an answer: invite the person to the portal, or decline."""
    rows = list(services.requests_for(request.actor)[:200])
    audit.listed(request.actor, "scheduling.bookingrequest", [r.pk for r in rows])
    return render(
        request,
        "scheduling/booking/requests.html",
        {"rows": rows, "zone_name": _zone_name(request.actor.practice_id)},
    )


@clinical_required
@require_POST
def booking_request_decline(request: PracticeRequest, booking_request_id: int) -> HttpResponse:
    row = get_object_or_404(
        BookingRequest.objects.filter(practice_id=request.actor.practice_id),
        pk=booking_request_id,
    )
    try:
        services.decline_request(request.actor, row)
    except RuleError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, "Request declined.")
    return redirect("booking_requests")


PORTAL_PANEL = Panel("portal", "main", 15, "scheduling/portal/panel.html", portal_panel)

PORTAL_LINK = PortalLink("Appointments", "portal_appointments", 15)
