"""Sign staff out after SOMATRACE_IDLE_MINUTES without activity (issue 10), as well as after
the absolute SESSION_COOKIE_AGE.

The session keeps the time of the user's last activity (LAST_ACTIVE, seconds since the
epoch). IdleTimeoutMiddleware, on every request of a signed-in user:

- signs the user out when the last activity is older than the limit: a page request is sent
  to the login page with "You were signed out after 30 minutes without activity"; a JSON
  request (the console's events, the live strap) gets a 401 with that message as JSON, so the
  browser keeps what it was sending (static/js/net.js RequestQueue) until the user signs in
  again;
- otherwise records the activity, writing the session at most once per refresh_interval()
  (a minute for the 30-minute default) rather than on every request.

What counts as activity: every request the user makes, pages and JSON POSTs alike, the
console's events and the live strap's batches included (a practitioner recording a session
is working). What does not: a request marked as background (header X-Somatrace-Background: 1)
or a view marked `idle_background = True`. The console's idle watch (static/js/idle.js) asks
`idle_status` that way, so asking how long is left does not extend the time; its "Stay signed
in" button posts to `idle_stay`, which does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from somatrace.core.bodies import is_public

LAST_ACTIVE = "somatrace.last_active"
BACKGROUND_HEADER = "X-Somatrace-Background"
MAX_WARNING_SECONDS = 180  # the console warns this long before (a third of the limit if less)


def limit_seconds() -> float:
    """The idle limit in seconds; 0 when idle sign-out is off (SOMATRACE_IDLE_MINUTES=0)."""
    return max(float(settings.SOMATRACE_IDLE_MINUTES) * 60, 0.0)


def warning_seconds(limit: float) -> float:
    """How long before the limit the console shows its warning."""
    return min(MAX_WARNING_SECONDS, limit / 3)


def refresh_interval(limit: float) -> float:
    """The session is written at most this often; the sign-out comes at most this much early."""
    return min(60.0, limit / 30)


def describe(limit: float) -> str:
    """'30 minutes', '1 minute', '12 seconds'."""
    if limit >= 60 and limit % 60 == 0:
        minutes = int(limit // 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    seconds = round(limit)
    return f"{seconds} second{'s' if seconds != 1 else ''}"


def signed_out_message(limit: float) -> str:
    return f"You were signed out after {describe(limit)} without activity."


def remaining_seconds(request: HttpRequest, now: float | None = None) -> float | None:
    """Seconds left before the idle sign-out, None when it does not apply to this request."""
    limit = limit_seconds()
    if not limit or not request.user.is_authenticated:
        return None
    last = request.session.get(LAST_ACTIVE)
    if not isinstance(last, int | float):
        return limit
    return limit - ((time.time() if now is None else now) - last)


def wants_json(request: HttpRequest) -> bool:
    return (
        "json" in request.headers.get("Accept", "")
        or "json" in (request.content_type or "")
        or BACKGROUND_HEADER in request.headers
    )


def is_background(request: HttpRequest, view: Callable[..., Any] | None = None) -> bool:
    return request.headers.get(BACKGROUND_HEADER) == "1" or bool(
        getattr(view, "idle_background", False)
    )


class IdleTimeoutMiddleware:
    """See the module docstring. Sits after MessageMiddleware (for the message on the login
    page) and after LoginRequiredMiddleware (whose check runs before the refresh)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        remaining = remaining_seconds(request)
        if remaining is not None and remaining < 0:
            limit = limit_seconds()
            logout(request)
            if not is_public(request.path_info):  # a public page just goes on, signed out
                return signed_out(request, limit)
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
    ) -> None:
        limit = limit_seconds()
        if not limit or not request.user.is_authenticated or is_background(request, view):
            return
        last = request.session.get(LAST_ACTIVE)
        if not isinstance(last, int | float) or time.time() - last >= refresh_interval(limit):
            record_activity(request)


def record_activity(request: HttpRequest) -> None:
    """Note the activity in the session. Writing the session would move its expiry (Django
    counts SESSION_COOKIE_AGE from the last save), so the first write pins the expiry to a
    fixed time: the absolute limit stays absolute."""
    if "_session_expiry" not in request.session:
        request.session.set_expiry(timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE))
    request.session[LAST_ACTIVE] = time.time()


def on_login(sender: Any, request: HttpRequest | None, **kwargs: Any) -> None:
    """Signing in is activity: the clock starts, and the absolute limit is pinned, in the
    session the login saves anyway (so the first page after it writes nothing more)."""
    if request is not None and hasattr(request, "session"):
        record_activity(request)


def signed_out(request: HttpRequest, limit: float) -> HttpResponse:
    """The answer to a request that came after the idle limit (the user is signed out)."""
    message = signed_out_message(limit)
    if wants_json(request):
        return JsonResponse(
            {"error": message, "signed_out": "idle", "login_url": reverse("login")}, status=401
        )
    messages.info(request, message)
    return redirect_to_login(request.get_full_path())


def idle_config(request: HttpRequest) -> dict[str, Any]:
    """What static/js/idle.js needs (passed with json_script as "idle-config")."""
    limit = limit_seconds()
    return {
        "limitSeconds": limit,
        "warningSeconds": warning_seconds(limit),
        "remainingSeconds": remaining_seconds(request),
        "statusUrl": reverse("idle_status"),
        "stayUrl": reverse("idle_stay"),
        "loginUrl": reverse("login"),
        "limitText": describe(limit),
    }


@login_not_required
@require_GET
@never_cache
def idle_status(request: HttpRequest) -> JsonResponse:
    """How long this session has left before the idle sign-out; asking does not extend it.
    Open to anyone: a signed-out browser learns that it is signed out."""
    remaining = remaining_seconds(request)
    return JsonResponse(
        {
            "signed_in": request.user.is_authenticated,
            "remaining": None if remaining is None else max(remaining, 0.0),
        }
    )


idle_status.idle_background = True  # type: ignore[attr-defined]


@require_POST
def idle_stay(request: HttpRequest) -> JsonResponse:
    """'Stay signed in': counts as activity, whenever the last one was recorded."""
    record_activity(request)
    return JsonResponse({"remaining": limit_seconds()})
