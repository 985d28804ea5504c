from __future__ import annotations

from django import forms

from somatrace.accounts.forms import EmailAuthenticationForm
from somatrace.accounts.models import ClientAccount, User


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
