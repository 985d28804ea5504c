"""Where touch is welcome: the client's touch-consent map, its versions, and a new version."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from somatrace.audit import services as audit
from somatrace.bodymaps import figures, summaries
from somatrace.bodymaps.atlas import REGION_BY_CODE
from somatrace.bodymaps.views.common import client_shape, visible_client
from somatrace.clients.models import TouchConsentMap, TouchStatus
from somatrace.clients.services import save_touch_map
from somatrace.core.decorators import PracticeRequest, clinical_required
from somatrace.core.errors import RuleError

VERSIONS_SHOWN = 20


@clinical_required
@require_http_methods(["GET", "POST"])
def touch_consent(request: PracticeRequest, client_id: int) -> HttpResponse:
    client = visible_client(request, client_id)
    if request.method == "POST":
        marks: dict[str, str] = {}
        for region in REGION_BY_CODE:
            value = request.POST.get(f"touch_{region}")
            if value is None:
                continue
            if value not in TouchStatus.values:
                return HttpResponse(
                    "Unknown touch-consent value.", status=400, content_type="text/plain"
                )
            marks[region] = value
        try:
            touch_map = save_touch_map(request.actor, client, marks)
        except RuleError as refusal:
            return HttpResponse(str(refusal), status=400, content_type="text/plain")
        messages.success(request, f"Touch consent saved as version {touch_map.version}.")
        return redirect("bodymaps_touch_consent", client_id=client.pk)
    maps = list(
        TouchConsentMap.objects.visible_to(request.actor)
        .filter(client=client)
        .order_by("-version")[:VERSIONS_SHOWN]
    )
    current = maps[0] if maps else None
    current_marks = current.regions if current else {}
    audit.read(request.actor, client)
    return render(
        request,
        "bodymaps/touch_consent.html",
        {
            "client": client,
            "current": current,
            "groups": figures.touch_groups(current_marks),
            "statuses": TouchStatus.choices,
            "atlas_views": figures.atlas_views(client_shape(request, client)),
            "marks_json": figures.touch_marks(current_marks),
            "history": [
                {"map": m, "not_welcome": summaries.not_welcome_count(m.regions)} for m in maps
            ],
        },
    )
