from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from somatrace.alerts.forms import AcknowledgeForm
from somatrace.alerts.models import Alert
from somatrace.alerts.services import acknowledge
from somatrace.audit import services as audit
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError


@clinical_required
def alert_detail(request: PracticeRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(
        Alert.objects.visible_to(request.actor).select_related(
            "client", "practice", "acknowledged_by"
        ),
        pk=alert_id,
    )
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            acknowledge(request.actor, alert, form.cleaned_data["note"])
        except RuleError as refusal:
            messages.info(request, str(refusal))
            return redirect("alert_detail", alert_id=alert.pk)
        messages.success(request, "Alert acknowledged.")
        return redirect("client_detail", client_id=alert.client_id)
    audit.read(request.actor, alert)
    status = 400 if request.method == "POST" else 200
    return render(request, "alerts/detail.html", {"alert": alert, "form": form}, status=status)
