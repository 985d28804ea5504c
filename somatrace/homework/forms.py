"""Forms for home practice and for what progress a client sees."""

from __future__ import annotations

from typing import Any

from django import forms

from somatrace.homework.adherence import MAX_PER_WEEK
from somatrace.homework.models import MAX_MINUTES, MAX_SECONDS, Exercise


class AssignForm(forms.Form):
    exercise = forms.ModelChoiceField(label="Exercise", queryset=Exercise.objects.none())
    per_week = forms.IntegerField(
        label="Times a week", min_value=1, max_value=MAX_PER_WEEK, initial=3
    )
    minutes = forms.IntegerField(label="Minutes each time", min_value=1, max_value=MAX_MINUTES)
    until = forms.DateField(
        label="Until",
        required=False,
        help_text="Leave empty to keep it on the list until you stop it.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    instructions = forms.CharField(
        label="Words for the client",
        required=False,
        max_length=2000,
        help_text="Shown beside the exercise's own instructions.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, practice_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["exercise"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Exercise.available_to(practice_id).order_by("label")
        self.fields["minutes"].required = False


class SharingForm(forms.Form):
    ratings = forms.BooleanField(label="Session ratings before and after", required=False)
    scores = forms.BooleanField(
        label="Questionnaire scores, with the honest reading of change", required=False
    )
    bodymaps = forms.BooleanField(label="Body maps over time", required=False)


class CompletionForm(forms.Form):
    """What the timer (or the client, without it) sends when they mark an exercise done."""

    client_uuid = forms.UUIDField(widget=forms.HiddenInput)
    minutes = forms.IntegerField(
        label="Minutes you practised",
        min_value=0,
        max_value=MAX_SECONDS // 60,
        required=False,
    )
    seconds = forms.IntegerField(
        min_value=0, max_value=MAX_SECONDS, required=False, widget=forms.HiddenInput
    )

    def duration_seconds(self) -> int:
        """The timer's seconds when it ran, else the minutes typed in."""
        seconds = self.cleaned_data.get("seconds")
        if seconds:
            return int(seconds)
        return int(self.cleaned_data.get("minutes") or 0) * 60


class ExerciseForm(forms.Form):
    label = forms.CharField(label="Name", max_length=80)
    code = forms.SlugField(
        label="Code",
        max_length=40,
        help_text="A short name that never changes, e.g. “butterfly-hug”.",
    )
    minutes = forms.IntegerField(label="Suggested minutes", min_value=1, max_value=MAX_MINUTES)
    instructions = forms.CharField(
        label="Instructions for the client",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
