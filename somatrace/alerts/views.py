from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from somatrace.accounts.access import clinical_required
from somatrace.alerts.forms import AcknowledgeForm
from somatrace.alerts.models import Alert
from somatrace.alerts.services import acknowledge
from somatrace.audit import log as audit


@clinical_required
def alert_detail(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.visible_to(request.user).select_related(
            "client", "practice", "acknowledged_by"
        ),
        pk=alert_id,
    )
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST":
        if not alert.is_open:
            messages.info(request, "This alert was already acknowledged.")
            return redirect("alert_detail", alert_id=alert.pk)
        if form.is_valid():
            with transaction.atomic():
                acknowledge(alert, request.user, form.cleaned_data["note"])
                audit.updated(
                    request, alert, ["acknowledged_at", "acknowledged_by", "acknowledgement_note"]
                )
            messages.success(request, "Alert acknowledged.")
            return redirect("client_detail", client_id=alert.client_id)
    else:
        audit.read(request, alert)
    return render(request, "alerts/detail.html", {"alert": alert, "form": form})
