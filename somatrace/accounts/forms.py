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
        fields = ["name", "time_zone", "crisis_resources", "safety_protocol", "require_two_factor"]
        widgets = {
            "crisis_resources": forms.Textarea(attrs={"rows": 4}),
            "safety_protocol": forms.Textarea(attrs={"rows": 4}),
        }


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
