"""Home practice: exercises a practitioner assigns to a client, and what the client did."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from somatrace.accounts.models import Practice
from somatrace.clients.models import Client
from somatrace.core.visibility import ClientRecordQuerySet
from somatrace.homework.adherence import MAX_PER_WEEK

MAX_MINUTES = 60
MAX_SECONDS = 4 * 60 * 60  # a completion longer than four hours is a timer left running


class Exercise(models.Model):
    """An exercise a practitioner may assign. Built-ins (practice empty) come from
    exercises.py and never change meaning; a practice can add its own."""

    practice = models.ForeignKey(
        Practice, null=True, blank=True, on_delete=models.CASCADE, related_name="exercises"
    )
    code = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    instructions = models.TextField(validators=[MaxLengthValidator(2000)])

    class Meta:
        ordering = ["practice_id", "label"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "code"], name="unique_exercise_code"),
            models.UniqueConstraint(
                fields=["code"],
                condition=models.Q(practice__isnull=True),
                name="unique_builtin_exercise_code",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @classmethod
    def available_to(cls, practice_id: int) -> models.QuerySet[Exercise]:
        return cls.objects.filter(
            models.Q(practice__isnull=True) | models.Q(practice_id=practice_id)
        )


class ExerciseAssignment(models.Model):
    """One exercise asked of one client: how often, how long, until when, with what words.

    The exercise's code, name and instructions are copied when it is assigned: what the client
    was asked to do stays as it was, whatever the practice's list becomes, and the record moves
    between installations without depending on how each numbers its built-in exercises."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="home_practice")
    exercise_code = models.SlugField(max_length=40)
    label = models.CharField(max_length=80)
    exercise_instructions = models.TextField(validators=[MaxLengthValidator(2000)])
    instructions = models.TextField(blank=True, validators=[MaxLengthValidator(2000)])
    per_week = models.PositiveSmallIntegerField(
        "times a week",
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PER_WEEK)],
    )
    minutes = models.PositiveSmallIntegerField(
        default=5, validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)]
    )
    starts_on = models.DateField(default=date.today)
    until = models.DateField(null=True, blank=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)  # stopped by the practitioner

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["client", "ended_at"])]

    def __str__(self) -> str:
        return f"Home practice {self.pk}"

    @property
    def practice_id(self) -> int:
        return self.client.practice_id

    def is_current(self, today: date) -> bool:
        return self.ended_at is None and (self.until is None or self.until >= today)


class Completion(models.Model):
    """The client did the exercise once, for this long. Sent with a uuid made in the browser,
    so a form sent twice is stored once."""

    assignment = models.ForeignKey(
        ExerciseAssignment, on_delete=models.CASCADE, related_name="completions"
    )
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    client_uuid = models.UUIDField()
    done_at = models.DateTimeField(default=timezone.now)
    duration_seconds = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_SECONDS)]
    )

    objects = ClientRecordQuerySet.as_manager()

    if TYPE_CHECKING:
        client_id: int
        assignment_id: int

    class Meta:
        ordering = ["-done_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["assignment", "client_uuid"], name="unique_completion_uuid"
            )
        ]

    def __str__(self) -> str:
        return f"Completion {self.pk}"

    @property
    def practice_id(self) -> int:
        return self.client.practice_id
