"""The owner's booking rules: what clients may do in the portal and on the public page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from somatrace.core.decorators import PracticeRequest, owner_required
from somatrace.core.errors import RuleError
from somatrace.scheduling import services
from somatrace.scheduling.models import BookingRules


class BookingRulesForm(forms.ModelForm):
    class Meta:
        model = BookingRules
        fields = list(services.RULE_FIELDS)
        help_texts = {
            "horizon_days": "Clients see open times up to this many days ahead.",
            "min_notice_hours": "The least time between booking and the appointment.",
            "cancel_window_hours": (
                "After this, clients contact you to move or cancel (your cancellation policy)."
            ),
            "reminder_hours": (
                'Emailed to the client this many hours before, such as "24, 2". Empty: no '
                "reminders. Reminders need the worker running."
            ),
        }

    def clean_reminder_hours(self) -> str:
        value = self.cleaned_data.get("reminder_hours", "")
        try:
            return ", ".join(str(h) for h in services.parse_reminder_hours(value))
        except RuleError as refusal:
            raise forms.ValidationError(str(refusal)) from refusal


@owner_required
@require_http_methods(["GET", "POST"])
def booking_rules(request: PracticeRequest) -> HttpResponse:
    rules = services.current_rules(request.actor.practice_id)
    # The form edits a copy: what the page shows below it stays what is saved.
    form = BookingRulesForm(
        request.POST or None, instance=services.current_rules(request.actor.practice_id)
    )
    if request.method == "POST":
        if form.is_valid():
            try:
                services.update_rules(request.actor, form.cleaned_data)
            except RuleError as refusal:
                form.add_error(None, str(refusal))
            else:
                messages.success(request, "Booking rules saved.")
                return redirect("booking_rules")
        rules = services.current_rules(request.actor.practice_id)  # not the form's edits
    public_url = (
        settings.SOMATRACE_BASE_URL
        + reverse("public_booking", kwargs={"public_key": rules.public_key})
        if rules.public_booking and rules.public_key
        else ""
    )
    return render(
        request,
        "scheduling/booking/rules.html",
        {"form": form, "rules": rules, "public_url": public_url},
        status=400 if form.is_bound else 200,
    )
