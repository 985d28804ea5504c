from __future__ import annotations

from typing import Any

from django import forms

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
