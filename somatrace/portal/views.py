"""The client portal: a client's own place, signed in with their own account.

Every view here is `client_portal_required`: it acts as the client (Actor CLIENT, portal) on
`request.portal_client` only, and audits what it shows.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.shortcuts import redirect, render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_POST

from somatrace.audit import services as audit
from somatrace.core.decorators import PortalRequest, client_portal_required
from somatrace.core.panels import offline_static, render_panels
from somatrace.portal.forms import PortalAuthenticationForm


@method_decorator(login_not_required, name="dispatch")
class PortalLoginView(LoginView):
    template_name = "portal/login.html"
    authentication_form = PortalAuthenticationForm
    redirect_authenticated_user = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request, "client_account", None) is not None:
            return redirect("portal_home")
        return super().dispatch(request, *args, **kwargs)

    def get_default_redirect_url(self) -> str:
        return reverse("portal_home")


@require_POST
@login_not_required
def portal_logout(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal_login")


# --- Installable: the manifest, the service worker and its offline page -----------------------
# Public and free of client data: the browser fetches them without a session cookie at times.


@login_not_required
def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Somatrace: your space",
        "short_name": "My space",
        "start_url": "/portal/",
        "scope": "/portal/",
        "display": "standalone",
        "background_color": "#f6f7f5",
        "theme_color": "#2f6b5b",
        "icons": [
            {
                "src": static(f"img/portal-icon-{size}.png"),
                "sizes": f"{size}x{size}",
                "type": "image/png",
                "purpose": "any maskable",
            }
            for size in (192, 512)
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json")


@login_not_required
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from a template so that it lists the static files' real URLs. The
    cache is named after that list: a new release (new file names) replaces the old cache."""
    assets = [reverse("portal_offline"), *(static(path) for path in offline_static())]
    version = hashlib.sha256("\n".join(assets).encode()).hexdigest()[:12]
    response = render(
        request,
        "portal/sw.js",
        {"assets": json.dumps(assets), "version": version},
        content_type="text/javascript",
    )
    response["Service-Worker-Allowed"] = "/portal/"
    response["Cache-Control"] = "no-cache"
    return response


@login_not_required
def offline(request: HttpRequest) -> HttpResponse:
    """What the portal shows when the phone is offline: no client data, just the way back."""
    return render(request, "portal/offline.html", {"shell": True})


@client_portal_required
def home(request: PortalRequest) -> HttpResponse:
    client = request.portal_client
    panels = render_panels(request, "portal", client)
    audit.read(request.actor, client, shown=panels.shown)
    return render(request, "portal/home.html", {"client": client, "panels": panels})
