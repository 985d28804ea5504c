"""Forms of the calendar's staff pages. Dates and times are the practice's wall-clock time
(the zone the request activated); `core.wallclock.local_instant` turns them into an aware
instant."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from somatrace.accounts.models import User
from somatrace.clients.models import Client, Status
from somatrace.core.actor import Actor
from somatrace.core.wallclock import local_days, local_instant
from somatrace.scheduling.models import AppointmentType, Room
from somatrace.scheduling.recurrence import MAX_OCCURRENCES

WEEKDAYS = [
    (0, "Monday"),
    (1, "Tuesday"),
    (2, "Wednesday"),
    (3, "Thursday"),
    (4, "Friday"),
    (5, "Saturday"),
    (6, "Sunday"),
]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%d")  # what <input type="date"> reads


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        # step="900": the browser's picker offers quarter hours, the calendar's grid.
        super().__init__({"step": "900", **(attrs or {})}, format="%H:%M")


class PractitionerChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.full_name or obj.email)


class ClientChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.display_name)


# The booking form lists at most this many clients; a larger practice finds the client by
# name first. 10,000 options made the page take 570 ms to draw (docs/performance.md).
CLIENTS_LISTED = 100


class AppointmentForm(forms.Form):
    client = ClientChoice(queryset=Client.objects.none())
    find = forms.CharField(
        label="Find a client",
        required=False,
        max_length=100,
        help_text="Part of a name or email address.",
        widget=forms.TextInput(attrs={"data-enter-clicks": "find-client", "autocomplete": "off"}),
    )
    practitioner = PractitionerChoice(queryset=User.objects.none())
    appointment_type = forms.ModelChoiceField(label="Type", queryset=AppointmentType.objects.none())
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(), required=False, empty_label="No room"
    )
    day = forms.DateField(label="Date", widget=DateInput())
    at = forms.TimeField(label="Time", widget=TimeInput())
    every_weeks = forms.IntegerField(
        label="Repeat every (weeks)",
        required=False,
        min_value=1,
        max_value=12,
        help_text="Leave empty for a single appointment.",
    )
    until = forms.DateField(label="Until (date)", required=False, widget=DateInput())
    count = forms.IntegerField(
        label="Or this many times",
        required=False,
        min_value=1,
        max_value=MAX_OCCURRENCES,
    )

    def __init__(
        self, *args: Any, actor: Actor, clients: Any, practitioners: Any, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]
        self._list_clients(clients)
        self.fields["practitioner"].queryset = practitioners  # type: ignore[attr-defined]
        self.fields["appointment_type"].queryset = AppointmentType.objects.filter(  # type: ignore[attr-defined]
            practice_id=actor.practice_id, is_active=True
        )
        self.fields["room"].queryset = Room.objects.filter(  # type: ignore[attr-defined]
            practice_id=actor.practice_id, is_active=True
        )
        kinds = list(self.fields["appointment_type"].queryset[:2])  # type: ignore[attr-defined]
        if len(kinds) == 1:  # the practice's only type: chosen already
            self.fields["appointment_type"].initial = kinds[0].pk

    def _list_clients(self, clients: Any) -> None:
        """Offer at most CLIENTS_LISTED clients, those matching what was typed in "find", and
        always the one already chosen. Any client in `clients` is still accepted."""
        values = self.data if self.is_bound else self.initial
        term = str(values.get("find") or "").strip()[: self.fields["find"].max_length]  # type: ignore[attr-defined]
        listed = list((clients.matching(term) if term else clients)[: CLIENTS_LISTED + 1])
        self.find_term = term
        self.more_clients = len(listed) > CLIENTS_LISTED
        self.finding = bool(term) or self.more_clients
        listed = listed[:CLIENTS_LISTED]
        self.matches = len(listed)
        chosen = str(values.get("client") or "")
        if term and len(listed) == 1 and not chosen and not self.is_bound:
            chosen = self.initial["client"] = str(listed[0].pk)  # the one found: chosen
        if chosen.isdigit() and int(chosen) not in {c.pk for c in listed}:
            listed = list(clients.filter(pk=int(chosen))) + listed
        self.listed_client_ids = [c.pk for c in listed]
        field = self.fields["client"]
        field.widget.choices = [("", field.empty_label)] + [  # type: ignore[attr-defined]
            (c.pk, c.display_name) for c in listed
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        weeks, until, count = data.get("every_weeks"), data.get("until"), data.get("count")
        if weeks and until is None and count is None:
            self.add_error("until", "Say until when, or how many times.")
        if until is not None and count is not None:
            self.add_error("count", "Give an end date or a number of times, not both.")
        if (until is not None or count is not None) and not weeks:
            self.add_error("every_weeks", "Say how often it repeats.")
        return data

    def starts_at(self) -> datetime:
        return local_instant(self.cleaned_data["day"], self.cleaned_data["at"])


def clients_for_booking(actor: Actor) -> Any:
    """Clients the actor may book: those they may see for scheduling, not discharged."""
    return (
        Client.objects.visible_to(actor, clinical=False)
        .exclude(status=Status.DISCHARGED)
        .only("pk", "name", "preferred_name")
        .order_by("name")
    )


class MoveForm(forms.Form):
    day = forms.DateField(label="Date", widget=DateInput())
    at = forms.TimeField(label="Time", widget=TimeInput())
    duration_minutes = forms.IntegerField(label="Length (minutes)", min_value=5, max_value=600)

    def starts_at(self) -> datetime:
        return local_instant(self.cleaned_data["day"], self.cleaned_data["at"])


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=200,
        required=False,
        help_text="No clinical detail: for example, “client unwell” or “no word from the client”.",
    )


class NoShowForm(ReasonForm):
    reason = forms.CharField(
        max_length=200,
        help_text="No clinical detail: for example, “no word from the client”.",
    )


class AppointmentTypeForm(forms.ModelForm[AppointmentType]):
    class Meta:
        model = AppointmentType
        fields = [
            "name",
            "duration_minutes",
            "buffer_minutes",
            "price",
            "bookable_online",
            "is_active",
        ]


class RoomForm(forms.ModelForm[Room]):
    class Meta:
        model = Room
        fields = ["name", "is_active"]


class WorkingHoursForm(forms.Form):
    weekday = forms.TypedChoiceField(label="Day", choices=WEEKDAYS, coerce=int)
    starts = forms.TimeField(label="From", widget=TimeInput())
    ends = forms.TimeField(label="To", widget=TimeInput())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("starts") and data.get("ends") and data["ends"] <= data["starts"]:
            self.add_error("ends", "The hours end after they start.")
        return data


class TimeOffForm(forms.Form):
    first_day = forms.DateField(label="From (date)", widget=DateInput())
    last_day = forms.DateField(label="To (date, inclusive)", widget=DateInput())
    reason = forms.CharField(max_length=120, required=False, help_text="Holiday, training...")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("first_day") and data.get("last_day") and data["last_day"] < data["first_day"]:
            self.add_error("last_day", "The last day comes on or after the first.")
        return data

    def span(self) -> tuple[datetime, datetime]:
        """Whole local days: from the first day's midnight to the midnight after the last."""
        first, last = self.cleaned_data["first_day"], self.cleaned_data["last_day"]
        return local_days(first, (last - first).days + 1)
