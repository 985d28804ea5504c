"""The day and week views: one column per practitioner (day, whole practice) or per day
(week), appointments drawn as blocks on a 15-minute grid, working hours shaded, time off
shown; and the JSON door the drag-to-move script posts to.

A practitioner who does not see the whole practice sees a colleague's appointments with
clients they do not hold as "Busy": the time, never the client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from somatrace.audit import services as audit
from somatrace.core.decorators import PracticeRequest, member_required
from somatrace.core.errors import RuleError
from somatrace.core.jsonbody import BadJSON, read_json
from somatrace.core.wallclock import local_days
from somatrace.scheduling import layout, services
from somatrace.scheduling.forms import MoveForm
from somatrace.scheduling.models import Appointment, AppointmentStatus, TimeOff, WorkingHours

# A day of a big clinic: at most this many appointments are drawn in one view (the rest are
# counted and listed as "more"), so the page costs the same whatever the practice's size.
MAX_BLOCKS = 400


@dataclass
class Block:
    place: layout.Place
    appointment: Appointment | None = None  # None for shading (hours, time off)
    visible: bool = False
    label: str = ""
    start: datetime | None = None  # local
    end: datetime | None = None

    @property
    def minutes(self) -> int:
        if self.appointment is None:
            return 0
        return int((self.appointment.ends_at - self.appointment.starts_at).total_seconds() // 60)

    @property
    def classes(self) -> str:
        p = self.place
        return f"cal-r-{p.row} cal-s-{p.span} cal-l-{p.lane}-{p.lanes}"


@dataclass
class Column:
    day: date
    label: str
    practitioner: Any = None
    hours: list[Block] = field(default_factory=list)
    off: list[Block] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


def _parse_day(raw: str | None) -> date:
    try:
        return date.fromisoformat(raw) if raw else timezone.localdate()
    except ValueError:
        return timezone.localdate()


def _who(request: PracticeRequest, people: list[Any]) -> Any:
    """The practitioner asked for (?who=<id>), or None for the whole practice. A practitioner
    sees their own calendar first; owners and assistants the whole practice."""
    raw = request.GET.get("who", "")
    if raw == "all":
        return None
    by_id = {str(p.pk): p for p in people}
    if raw in by_id:
        return by_id[raw]
    actor = request.actor
    if not actor.sees_whole_practice and str(actor.user_id) in by_id:
        return by_id[str(actor.user_id)]
    return None


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment).replace(tzinfo=None)


def build_calendar(
    request: PracticeRequest, first: date, days: int, who: Any, people: list[Any]
) -> dict[str, Any]:
    """Columns for `days` days from `first`, for practitioner `who` (None: everyone).

    Five queries whatever the number of appointments: appointments, those the actor may
    see, working hours, time off (the practitioners were read by the caller).

    The whole practice's view shows every appointment, also those of someone no longer
    active (deactivated with appointments still booked): they get a column of their own on
    the day, so that the owner sees them and can cancel or rebook them."""
    actor = request.actor
    start, end = local_days(first, days)
    ids = [who.pk] if who is not None else [p.pk for p in people]
    in_range = Appointment.objects.filter(
        practice_id=actor.practice_id, starts_at__lt=end, ends_at__gt=start
    ).exclude(status=AppointmentStatus.CANCELLED)
    if who is not None:
        in_range = in_range.filter(practitioner_id=who.pk)
    appointments = list(
        in_range.select_related("client", "appointment_type", "room", "practitioner").order_by(
            "starts_at"
        )[:MAX_BLOCKS]
    )
    visible = set(
        Appointment.objects.visible_to(actor, clinical=False)
        .filter(pk__in=[a.pk for a in appointments])
        .values_list("pk", flat=True)
    )
    hours = list(
        WorkingHours.objects.filter(practice_id=actor.practice_id, practitioner_id__in=ids)
    )
    offs = list(
        TimeOff.objects.filter(
            practice_id=actor.practice_id,
            practitioner_id__in=ids,
            starts_at__lt=end,
            ends_at__gt=start,
        )
    )
    spans = [(_local(a.starts_at).time(), _local(a.ends_at).time()) for a in appointments]
    spans += [(h.starts, h.ends) for h in hours]
    first_hour, last_hour = layout.hours_shown([(s, e) for s, e in spans if e == time(0) or e > s])
    rows = (last_hour - first_hour) * 60 // layout.SLOT_MINUTES
    dates = [first + timedelta(days=n) for n in range(days)]
    if days == 1 and who is None:
        columns = [Column(first, p.full_name or p.email, p) for p in people]
        active = set(ids)
        former = {a.practitioner_id: a.practitioner for a in appointments}
        columns += [
            Column(first, f"{p.full_name or p.email} (no longer active)", p)
            for pk, p in former.items()
            if pk not in active
        ]
    else:
        columns = [Column(d, f"{d:%a} {d.day} {d:%b}", who) for d in dates]

    def column_for(day: date, practitioner_id: int) -> Column | None:
        for column in columns:
            if column.day == day and (
                column.practitioner is None or column.practitioner.pk == practitioner_id
            ):
                return column
        return None

    def top(day: date) -> datetime:
        return datetime.combine(day, time(first_hour))

    for h in hours:
        for d in dates:
            column = column_for(d, h.practitioner_id)
            if d.weekday() != h.weekday or column is None or (days > 1 and who is None):
                continue  # the whole practice's week shades nobody's hours
            place = layout.place(
                datetime.combine(d, h.starts), datetime.combine(d, h.ends), top(d), rows
            )
            if place:
                column.hours.append(Block(place))
    names = {p.pk: p.get_short_name() for p in people}
    for off in offs:
        for d in dates:
            column = column_for(d, off.practitioner_id)
            if column is None:
                continue
            place = layout.place(_local(off.starts_at), _local(off.ends_at), top(d), rows)
            if place:
                away = (
                    f"{names[off.practitioner_id]} away" if column.practitioner is None else "Away"
                )
                label = f"{away}: {off.reason}" if off.reason else away
                column.off.append(Block(place, label=label))
    for a in appointments:
        local_start, local_end = _local(a.starts_at), _local(a.ends_at)
        column = column_for(local_start.date(), a.practitioner_id)
        if column is None:
            continue
        place = layout.place(local_start, local_end, top(local_start.date()), rows)
        if place:
            column.blocks.append(Block(place, a, a.pk in visible, start=local_start, end=local_end))
    for column in columns:
        placed = layout.lanes([b.place for b in column.blocks])
        for block, place in zip(column.blocks, placed, strict=True):
            block.place = place
    shown = sorted(visible)
    audit.listed(actor, "scheduling.appointment", shown)
    return {
        "columns": columns,
        "rows": rows,
        "axis": [
            {"label": f"{h:02d}:00", "classes": f"cal-r-{(h - first_hour) * 4 + 1} cal-s-4"}
            for h in range(first_hour, last_hour)
        ],
        "first_minutes": first_hour * 60,
        "fill": f"cal-r-1 cal-s-{rows}",
        "truncated": len(appointments) >= MAX_BLOCKS,
    }


def _nav(view: str, day: date, step: int, who: Any) -> dict[str, str]:
    who_q = f"&who={who.pk}" if who is not None else "&who=all"
    base = reverse(view)

    def link(d: date) -> str:
        return f"{base}?date={d.isoformat()}{who_q}"

    return {
        "prev": link(day - timedelta(days=step)),
        "next": link(day + timedelta(days=step)),
        "today": link(timezone.localdate()),
        "day": f"{reverse('calendar_day')}?date={day.isoformat()}{who_q}",
        "week": f"{reverse('calendar_week')}?date={day.isoformat()}{who_q}",
    }


def _page(request: PracticeRequest, view: str, days: int) -> HttpResponse:
    people = list(services.practitioners(request.actor.practice_id))
    day = _parse_day(request.GET.get("date"))
    if days == 7:
        day -= timedelta(days=day.weekday())  # weeks start on Monday
    who = _who(request, people)
    context = build_calendar(request, day, days, who, people)
    context |= {
        "view": view,
        "day": day,
        "last_day": day + timedelta(days=days - 1),
        "who": who,
        "people": people,
        "nav": _nav(view, day, days, who),
        "whole_day": days == 1 and who is None,
        "new_url": reverse("appointment_create"),
    }
    return render(request, "scheduling/calendar.html", context)


@member_required
@require_GET
def calendar_day(request: PracticeRequest) -> HttpResponse:
    return _page(request, "calendar_day", 1)


@member_required
@require_GET
def calendar_week(request: PracticeRequest) -> HttpResponse:
    return _page(request, "calendar_week", 7)


def appointment_for(request: PracticeRequest, appointment_id: int) -> Appointment:
    """An appointment the actor may see (scheduling is not clinical), or 404."""
    return get_object_or_404(
        Appointment.objects.visible_to(request.actor, clinical=False).select_related(
            "client", "practitioner", "appointment_type", "room", "series"
        ),
        pk=appointment_id,
    )


@member_required
@require_POST
def appointment_move_json(request: PracticeRequest, appointment_id: int) -> HttpResponse:
    """POST {"date": "2027-01-05", "time": "09:30", "duration_minutes": 60} (the practice's
    wall-clock time). 200 {"ok": true} when moved; 400 for bad input; 409 {"error": ...}
    with the refusal to show when the calendar's rules refuse it."""
    appointment = appointment_for(request, appointment_id)
    try:
        data = read_json(request, empty={})
    except BadJSON as bad:
        return bad.response()
    if not isinstance(data, dict):
        return JsonResponse({"error": "Send the new time as a JSON object."}, status=400)
    form = MoveForm(
        {
            "day": data.get("date"),
            "at": data.get("time"),
            "duration_minutes": data.get("duration_minutes"),
        }
    )
    if not form.is_valid():
        return JsonResponse({"error": "That is not a time the calendar can take."}, status=400)
    try:
        moved = services.move(
            request.actor,
            appointment,
            form.starts_at(),
            duration_minutes=form.cleaned_data["duration_minutes"],
        )
    except RuleError as refusal:
        return JsonResponse({"error": str(refusal)}, status=409)
    except PermissionDenied as refusal:
        return JsonResponse({"error": str(refusal)}, status=403)
    local = timezone.localtime(moved.starts_at)
    return JsonResponse(
        {"ok": True, "message": f"Moved to {local:%a} {local.day} {local:%b} at {local:%H:%M}."}
    )
