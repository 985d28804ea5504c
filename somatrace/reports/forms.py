"""What the practitioner picks for a progress report: the period and the sections."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms

MAX_DAYS = 3 * 366  # a report covers at most three years: its work is bounded by the period
SECTIONS = (
    ("sessions", "Sessions and before/after ratings"),
    ("measures", "Questionnaire scores and what their change means"),
    ("bodymaps", "Body maps: first and last in the period"),
    ("heart", "Heart-rate shift in sessions"),
)


class ProgressForm(forms.Form):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label="To", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    sections = forms.MultipleChoiceField(
        label="Include",
        choices=SECTIONS,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one section to include."},
    )

    @staticmethod
    def defaults(today: date) -> dict[str, Any]:
        """The last three months, every section."""
        return {
            "start": today - timedelta(days=90),
            "end": today,
            "sections": [key for key, _ in SECTIONS],
        }

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if end < start:
                self.add_error("end", "The end of the period comes before its start.")
            elif (end - start).days > MAX_DAYS:
                self.add_error(
                    "end", "A report covers at most three years; choose a shorter period."
                )
        return cleaned
