"""The form that makes a personal access token on the member's own account page."""

from __future__ import annotations

from django import forms

from somatrace.api.scopes import DEFAULT_DAYS, MAX_DAYS, SCOPES


class TokenForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="What the token is for, e.g. 'HRV import'.")
    scopes = forms.MultipleChoiceField(
        choices=list(SCOPES.items()), widget=forms.CheckboxSelectMultiple
    )
    days = forms.IntegerField(
        label="Expires after (days)", min_value=1, max_value=MAX_DAYS, initial=DEFAULT_DAYS
    )
