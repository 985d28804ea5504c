"""Forms of the research pages."""

from __future__ import annotations

from typing import Any

from django import forms

from somatrace.measures import instruments
from somatrace.research.models import DEFAULT_MINIMUM
from somatrace.research.queries import RESEARCH_INSTRUMENTS, Filters

INSTRUMENT_CHOICES = [(c, instruments.INSTRUMENTS[c].short_title) for c in RESEARCH_INSTRUMENTS]


class ProjectForm(forms.Form):
    title = forms.CharField(max_length=150)
    minimum = forms.IntegerField(
        label="Smallest group shown or exported", min_value=2, max_value=100,
        initial=DEFAULT_MINIMUM,
    )  # fmt: skip
    practitioners_may_view = forms.BooleanField(
        label="Practitioners may see results of their own clients", required=False
    )


class CohortForm(forms.Form):
    start = forms.DateField(label="From", required=False, widget=forms.DateInput({"type": "date"}))
    end = forms.DateField(label="To", required=False, widget=forms.DateInput({"type": "date"}))
    tag = forms.ChoiceField(label="Concern tag", required=False)
    min_sessions = forms.IntegerField(
        label="At least this many sessions", required=False, min_value=0, max_value=500
    )
    instruments = forms.MultipleChoiceField(
        choices=INSTRUMENT_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, tags: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        tag = self.fields["tag"]
        assert isinstance(tag, forms.ChoiceField)
        tag.choices = [("", "Any"), *((t, t) for t in tags)]

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            start=data.get("start"),
            end=data.get("end"),
            tag=data.get("tag") or "",
            min_sessions=data.get("min_sessions") or 0,
            instruments=tuple(data.get("instruments") or ()) or RESEARCH_INSTRUMENTS,
        )


class PlanForm(CohortForm):
    time_points = forms.CharField(
        max_length=300, initial="each client's first and latest score in the period"
    )


class ExportForm(forms.Form):
    band_width = forms.TypedChoiceField(
        label="Age bands", coerce=int, choices=[(10, "10 years"), (20, "20 years")], initial=10
    )
    with_tags = forms.BooleanField(label="Include concern tags", required=False, initial=True)
