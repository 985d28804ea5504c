"""Forms of the practitioner's body chart."""

from __future__ import annotations

from collections.abc import Sequence
from typing import cast

from django import forms

from somatrace.bodymaps.atlas import VIEW_LABELS, VIEWS, regions_in
from somatrace.bodymaps.models import Finding


def region_field(label: str = "Region") -> forms.ChoiceField:
    choices: list[tuple[str, object]] = [("", "Choose a region…")]
    for view in VIEWS:
        choices.append((VIEW_LABELS[view], [(r.code, r.name) for r in regions_in(view)]))
    return forms.ChoiceField(label=label, choices=choices)


class FindingForm(forms.Form):
    region = region_field()
    finding = forms.ChoiceField(choices=Finding.choices)
    intensity = forms.TypedChoiceField(
        choices=[(i, str(i)) for i in range(1, 6)], coerce=int, help_text="1 = slight, 5 = strong"
    )
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    event = forms.TypedChoiceField(
        label="Moment on the session's timeline",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="Link a release or cue the console logged, if this finding belongs to one.",
    )

    def __init__(
        self, *args: object, events: Sequence[tuple[int, str]] = (), **kwargs: object
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region"] = region_field()
        self.fields["region"].widget.attrs["id"] = "id_finding_region"
        self.fields["region"].widget.attrs["data-region-select"] = "finding"
        event_field = cast(forms.TypedChoiceField, self.fields["event"])
        event_field.choices = [("", "Not linked"), *events]
        if not events:
            event_field.widget = forms.HiddenInput()


class WorkForm(forms.Form):
    region = forms.ChoiceField()
    override_reason = forms.CharField(
        label="Override reason (only for a region marked not welcome)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["region"] = region_field("Region worked on")
        self.fields["region"].widget.attrs["id"] = "id_work_region"
        self.fields["region"].widget.attrs["data-region-select"] = "work"
