from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from somatrace.audit.models import Action, AuditEvent
from somatrace.core.decorators import PracticeRequest, owner_required


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *Action.choices])
    actor = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Who")
    client = forms.IntegerField(required=False, min_value=1, label="Client id")
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    page = forms.IntegerField(required=False, min_value=1)

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


@owner_required
@require_GET
def audit_log(request: PracticeRequest) -> HttpResponse:
    """The practice's audit log, for its owners."""
    actor = request.actor
    form = AuditFilterForm(request.GET or None, practice_id=actor.practice_id)
    events = AuditEvent.objects.visible_to(actor).select_related("actor")
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["actor"]:
            events = events.filter(actor_id=data["actor"])
        if data["client"]:
            events = events.filter(client_id=data["client"])
        if data["since"]:
            events = events.filter(at__date__gte=data["since"])
        if data["until"]:
            events = events.filter(at__date__lte=data["until"])
    page_number = form.cleaned_data.get("page") if form.is_valid() else 1
    page = Paginator(events, 50).get_page(page_number or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request, "audit/log.html", {"form": form, "page": page, "query": query.urlencode()}
    )
