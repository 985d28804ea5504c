from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model

from somatrace.audit.models import Action


class AuditFilterForm(forms.Form):
    """Filters for the owner's audit log. A client is found by name; the name is posted,
    never put in the address (only ids are, for links to one client's entries)."""

    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Who")
    client_name = forms.CharField(required=False, max_length=100, label="Client's name")
    client = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def __init__(self, *args: object, practice_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        people = (
            get_user_model()
            .objects.filter(membership__practice_id=practice_id)
            .order_by("full_name")
        )
        cast(forms.ChoiceField, self.fields["actor"]).choices = [
            ("", "Anyone"),
            *((u.pk, u.full_name) for u in people),
        ]
