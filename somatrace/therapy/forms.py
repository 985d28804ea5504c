from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.utils import timezone

from somatrace.clients.forms import practitioners_of
from somatrace.clients.models import Client
from somatrace.therapy.models import NOTE_FIELDS, RATING_FIELDS, NoteAmendment, Session, Technique

RATING_CHOICES = [("", "Not asked")] + [(str(n), str(n)) for n in range(11)]


class RatingWidget(forms.RadioSelect):
    """0-10 as a row of large tap targets; arrow keys move along it like any radio group."""

    template_name = "widgets/rating.html"


class SessionForm(forms.ModelForm):
    class Meta:
        model = Session
        fields = [
            "starts_at",
            "duration_minutes",
            "practitioner",
            *RATING_FIELDS,
            "techniques",
            *NOTE_FIELDS,
        ]
        widgets = {
            "starts_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "techniques": forms.CheckboxSelectMultiple,
            **{name: forms.Textarea(attrs={"rows": 3}) for name in NOTE_FIELDS},
        }
        help_texts = {
            "starts_at": "In the practice's time zone.",
            "pre_suds": "0 = no distress, 10 = the worst imaginable.",
            "pre_calm": "0 = not calm at all, 10 = completely calm.",
            "pre_tension": "0 = fully relaxed, 10 = extremely tense.",
        }

    def __init__(self, *args: Any, client: Client, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.client = client
        practitioner_field = cast(forms.ModelChoiceField, self.fields["practitioner"])
        practitioner_field.queryset = practitioners_of(client.practice)
        techniques = cast(forms.ModelMultipleChoiceField, self.fields["techniques"])
        techniques.queryset = Technique.available_to(client.practice_id)
        for name in RATING_FIELDS:
            field = self.fields[name]
            field.widget = RatingWidget(choices=RATING_CHOICES)
            for error in ("invalid", "min_value", "max_value"):
                field.error_messages[error] = "Ratings are whole numbers from 0 to 10."
        if not self.instance.pk:
            self.initial.setdefault(
                "starts_at", timezone.localtime().replace(second=0, microsecond=0)
            )
            self.initial.setdefault("practitioner", client.assigned_practitioner_id)

    def clean_starts_at(self) -> Any:
        starts_at = self.cleaned_data["starts_at"]
        if starts_at.year < 2000 or starts_at > timezone.now() + timedelta(days=366):
            raise forms.ValidationError("Please check the date: it is outside the expected range.")
        return starts_at

    def save(self, commit: bool = True) -> Session:
        session = super().save(commit=False)
        session.client = self.client
        session.practice_id = self.client.practice_id
        if commit:
            session.save()
            self.save_m2m()
        return session


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = NoteAmendment
        fields = ["reason", *NOTE_FIELDS]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in NOTE_FIELDS}
        help_texts = {"reason": "Why the signed note is being amended (kept with the amendment)."}
