"""Forms of the journal: the owner's check-in times, and the client's check-in answer."""

from __future__ import annotations

from django import forms

from somatrace.journal.models import MAX_CHECKIN_HOURS


class CheckInHoursForm(forms.Form):
    hours = forms.CharField(
        label="Ask clients how they are, hours after each session ends",
        required=False,
        max_length=100,
        help_text="Whole numbers separated by commas, e.g. 24, 72. Leave empty to send no "
        "check-ins.",
    )

    def clean_hours(self) -> list[int]:
        raw = self.cleaned_data["hours"]
        values = []
        for part in raw.replace(";", ",").split(","):
            part = part.strip()
            if not part:
                continue
            if not part.isdigit() or not 1 <= int(part) <= MAX_CHECKIN_HOURS:
                raise forms.ValidationError(
                    f"Each time must be a whole number of hours from 1 to {MAX_CHECKIN_HOURS}."
                )
            values.append(int(part))
        if len(values) > 10:
            raise forms.ValidationError("At most 10 check-ins after a session.")
        return sorted(set(values))


def _rating(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        min_value=0,
        max_value=10,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class CheckInForm(forms.Form):
    suds = _rating("How distressed do you feel right now? (0 = not at all, 10 = the most)")
    calm = _rating("How calm do you feel? (0 = not at all, 10 = completely calm)")
    tension = _rating("How much tension do you feel in your body? (0 = none, 10 = the most)")
    note = forms.CharField(
        label="Anything you'd like to add (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
