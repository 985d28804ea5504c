from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.password_validation import validate_password

from somatrace.accounts.forms import EmailAuthenticationForm
from somatrace.accounts.models import ClientAccount, User
from somatrace.clients.forms import ConsentSignForm, IntakeForm


class PortalAuthenticationForm(EmailAuthenticationForm):
    """Sign in to the portal: a client's own account only. A staff account is refused with
    the same words as a wrong password, so the form does not say who works at a practice."""

    def confirm_login_allowed(self, user: User) -> None:
        super().confirm_login_allowed(user)
        if not ClientAccount.objects.filter(user_id=user.pk).exists():
            raise forms.ValidationError(
                self.error_messages["invalid_login"],
                code="invalid_login",
                params={"username": self.username_field.verbose_name},
            )


class PortalIntakeForm(IntakeForm):
    """The practitioner's intake form, in the client's own voice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {
            "presenting_concerns": "What brings you here?",
            "goals": "What would you like to change?",
            "health_history": "Your health: anything we should know",
            "medications": "Medicines you take",
            "previous_therapy": "Therapy or bodywork you have had before",
        }
        for name, label in labels.items():
            self.fields[name].label = label


class PortalConsentForm(ConsentSignForm):
    """The practitioner's consent form, signed by the client themself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agree"].label = "I have read this and I agree to it."
        self.fields["agree"].error_messages["required"] = "Tick the box if you agree."
        self.fields["signed_name"].label = "Type your full name to sign"
        self.fields["research_use"].label = (
            "I also agree that my records, with my name and details removed, "
            "may be used in research."
        )

    def clean_signed_name(self) -> str:
        try:
            return super().clean_signed_name()
        except forms.ValidationError:
            raise forms.ValidationError(
                f"Please type your name as your practice has it: “{self.client.name}”."
            ) from None


class WelcomePasswordForm(forms.Form):
    """The client's first password, checked by the same validators as staff passwords."""

    password1 = forms.CharField(
        label="Choose a password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. A few unrelated words work well.",
    )
    password2 = forms.CharField(
        label="Type it again",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, name: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = User(email=email, full_name=name)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", "The two passwords are not the same.")
        elif first:
            try:
                validate_password(first, self.user)
            except forms.ValidationError as problems:
                self.add_error("password1", problems)
        return data


class SignInLinkForm(forms.Form):
    email = forms.EmailField(
        label="Your email address",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class DeletionRequestForm(forms.Form):
    note = forms.CharField(
        label="Anything you want your practice to know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class DeletionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("erase", "Erase"), ("keep", "Keep")],
        error_messages={
            "required": "Choose to erase or to keep.",
            "invalid_choice": "Choose to erase or to keep.",
        },
    )
    confirm = forms.BooleanField(required=False)
    reason = forms.CharField(required=False, max_length=4000)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "erase" and not data.get("confirm"):
            raise forms.ValidationError("Tick the box to confirm: erasing cannot be undone.")
        if data.get("decision") == "keep" and not (data.get("reason") or "").strip():
            raise forms.ValidationError("Say why the records are kept: the client reads it.")
        return data
