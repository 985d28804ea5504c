from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from somatrace.accounts.models import Membership, Practice, Role, User


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label="Email", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean_username(self) -> str:
        return self.cleaned_data["username"].lower()


class PracticeForm(forms.ModelForm):
    class Meta:
        model = Practice
        fields = [
            "name",
            "time_zone",
            "crisis_resources",
            "safety_protocol",
            "require_two_factor",
            "retention_years",
        ]
        widgets = {
            "crisis_resources": forms.Textarea(attrs={"rows": 4}),
            "safety_protocol": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["retention_years"].required = False

    def clean_retention_years(self) -> int:
        """Left empty: the setting stays as it was."""
        value = self.cleaned_data.get("retention_years")
        if value is None:
            return int(self.instance.retention_years)
        if value < 1:
            raise forms.ValidationError("Keep records for at least one year.")
        return int(value)

    @property
    def changed_data(self) -> list[str]:
        """What really changed: an empty retention period is no change."""
        return [
            name
            for name in super().changed_data
            if name != "retention_years" or self.cleaned_data.get(name) != self.initial.get(name)
        ]


class MemberCreateForm(forms.Form):
    full_name = forms.CharField(max_length=150)
    email = forms.EmailField()
    role = forms.ChoiceField(choices=Role.choices, initial=Role.PRACTITIONER)
    sees_all_clients = forms.BooleanField(
        required=False, label="May see every client in the practice (practitioners only)"
    )

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if User.objects.filter(email=email).exists():
            raise forms.ValidationError("Someone with this email already has an account.")
        return email


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "sees_all_clients"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["sees_all_clients"].label = "May see every client in the practice"


class SecondFactorForm(forms.Form):
    """The code asked for after the password: from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label="Code",
        max_length=32,
        help_text="The 6 digits your authenticator app shows, or one of your recovery codes.",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


class TotpConfirmForm(forms.Form):
    code = forms.CharField(
        label="Code from the app",
        max_length=12,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "spellcheck": "false"}
        ),
    )
    name = forms.CharField(
        label="Name (optional)",
        max_length=64,
        required=False,
        help_text="To tell your devices apart, for example “Phone”.",
    )
