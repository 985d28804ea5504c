"""The practice's calendar: appointment types, rooms, working hours, time off, appointments
(single or in a weekly series), the booking rules clients book within, first-appointment
requests from the public booking page, and each practitioner's private calendar feed.

Times are stored in UTC; they are entered and shown in the practice's time zone
(Practice.time_zone), and in the portal also in the client's own zone. Working hours are wall
clock times in the practice's zone, so a 09:00 start stays 09:00 across a daylight-saving
change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.clients.models import Client
from somatrace.core.visibility import ClientRecordQuerySet


class Room(models.Model):
    """A treatment room, for practices with more than one; appointments may name one."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=80)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "name"], name="unique_room_name")
        ]

    def __str__(self) -> str:
        return self.name


class AppointmentType(models.Model):
    """What can be booked: a name, a length, a list price and the buffer kept free after."""

    practice = models.ForeignKey(
        Practice, on_delete=models.CASCADE, related_name="appointment_types"
    )
    name = models.CharField(max_length=80)
    duration_minutes = models.PositiveSmallIntegerField(
        "length (minutes)", default=60, validators=[MinValueValidator(5), MaxValueValidator(600)]
    )
    buffer_minutes = models.PositiveSmallIntegerField(
        "buffer after (minutes)",
        default=0,
        validators=[MaxValueValidator(240)],
        help_text="Kept free after the appointment: notes, the room, a breath.",
    )
    # List price in the practice's currency (billing.BillingSettings.currency); an invoice
    # copies it and may lower it on a sliding scale.
    price = models.DecimalField(max_digits=10, decimal_places=2, default=0)
    bookable_online = models.BooleanField("clients may book it in the portal", default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "name"], name="unique_appointment_type_name"
            )
        ]

    def __str__(self) -> str:
        return self.name


class WorkingHours(models.Model):
    """One stretch of a practitioner's week, in the practice's wall-clock time."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="working_hours"
    )
    weekday = models.PositiveSmallIntegerField(
        validators=[MaxValueValidator(6)], help_text="0 is Monday, 6 is Sunday."
    )
    starts = models.TimeField()
    ends = models.TimeField()

    if TYPE_CHECKING:
        practitioner_id: int

    class Meta:
        ordering = ["practitioner_id", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends__gt=models.F("starts")),
                name="working_hours_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.weekday} {self.starts:%H:%M}-{self.ends:%H:%M}"


class TimeOff(models.Model):
    """A practitioner away (holiday, training): nothing can be booked with them then."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="time_off"
    )
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=120, blank=True)

    if TYPE_CHECKING:
        practitioner_id: int

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="time_off_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Time off {self.pk}"


class Series(models.Model):
    """Appointments that repeat every N weeks, until a date or for a number of times.

    The occurrences are ordinary Appointment rows made when the series is booked; each can be
    moved or cancelled on its own. Exactly one of `until` and `count` is set.
    """

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    every_weeks = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    until = models.DateField(null=True, blank=True)
    count = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(104)]
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name_plural = "series"

    def __str__(self) -> str:
        return f"Series {self.pk}"


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", "Booked"
    CANCELLED = "cancelled", "Cancelled"
    NO_SHOW = "no_show", "No-show"


class Appointment(models.Model):
    """A booked time with a client. The clinical session (therapy.Session) is made only when
    the appointment is started in the console, and linked here then."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="appointments")
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="appointments")
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appointments"
    )
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    room = models.ForeignKey(
        Room, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    starts_at = models.DateTimeField()
    # Stored (starts_at + length) so that overlap checks and calendar ranges are plain range
    # queries; the buffer is added by the conflict check, not stored.
    ends_at = models.DateTimeField()
    status = models.CharField(
        max_length=12, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="appointments"
    )
    session = models.OneToOneField(
        "therapy.Session",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment",
    )
    booked_in_portal = models.BooleanField(default=False)
    status_reason = models.CharField(
        "reason",
        max_length=200,
        blank=True,
        help_text="Why it was cancelled or missed (no clinical detail).",
    )
    status_changed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        practice_id: int
        practitioner_id: int
        appointment_type_id: int
        room_id: int | None
        series_id: int | None
        session_id: int | None

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [
            models.Index(fields=["practice", "starts_at"]),
            models.Index(fields=["practitioner", "starts_at"]),
            models.Index(fields=["client", "starts_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="appointment_end_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"Appointment {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status == AppointmentStatus.BOOKED


class BookingRules(models.Model):
    """What clients may do in the portal and on the public booking page. One per practice;
    the defaults keep online booking off until the practice turns it on."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, related_name="booking_rules"
    )
    portal_booking = models.BooleanField("clients may book in the portal", default=False)
    horizon_days = models.PositiveSmallIntegerField(
        "how far ahead (days)",
        default=60,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    min_notice_hours = models.PositiveSmallIntegerField(
        "minimum notice (hours)", default=24, validators=[MaxValueValidator(24 * 30)]
    )
    cancel_window_hours = models.PositiveSmallIntegerField(
        "clients may move or cancel up to (hours before)",
        default=24,
        validators=[MaxValueValidator(24 * 30)],
    )
    # Hours before an appointment at which a reminder is emailed, comma-separated ("24,2").
    reminder_hours = models.CharField(
        "reminders (hours before, comma-separated)", max_length=40, default="24", blank=True
    )
    public_booking = models.BooleanField(
        "new clients may request a first appointment on the public page", default=False
    )
    # The public page's address: random, so that practices cannot be listed by guessing.
    public_key = models.CharField(max_length=32, unique=True, null=True, blank=True)

    class Meta:
        verbose_name_plural = "booking rules"

    def __str__(self) -> str:
        return f"Booking rules {self.practice_id}"


class RequestStatus(models.TextChoices):
    NEW = "new", "New"
    INVITED = "invited", "Invited"
    DECLINED = "declined", "Declined"


class BookingRequest(models.Model):
    """A stranger's request for a first appointment from the public booking page. It holds
    contact details only; the practice answers it by making a client and inviting them."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=150)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    appointment_type = models.ForeignKey(
        AppointmentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    preferred_start = models.DateTimeField(null=True, blank=True)
    message = models.TextField(blank=True, validators=[MaxLengthValidator(1000)])
    status = models.CharField(
        max_length=10, choices=RequestStatus.choices, default=RequestStatus.NEW
    )
    client = models.ForeignKey(
        Client, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Booking request {self.pk}"


class CalendarFeed(models.Model):
    """A practitioner's private iCalendar feed: times and appointment types only, never a
    client's name or a note. The secret is kept hashed and shown once, when it is made or
    reset; resetting makes the old address stop working."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="+")
    practitioner = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_fetched_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Calendar feed {self.pk}"
