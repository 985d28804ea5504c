"""Refuse request bodies from visitors who are not signed in, before anything reads them.

Without this, an anonymous visitor could send a 200 MB upload: CsrfViewMiddleware reads
request.POST, Django streams the file to FILE_UPLOAD_TEMP_DIR, and only then does the login
check send the visitor away. UnauthenticatedBodyMiddleware decides from the headers, the
session cookie and the URL alone (it never touches request.body, POST or FILES):

- a signed-in user's request goes on, whatever its body;
- an anonymous request may carry a small body anywhere (ANONYMOUS_BODY_BYTES: a sign-out, or
  a form whose session ran out, which then meets the login page as before); Django keeps a
  body that small in memory, file or not;
- the public pages that take data without a login (views marked @login_not_required: the
  login and password-reset forms, the secure questionnaire link /q/<token>/, the body-map link
  /p/<token>/ and the kiosk) take up to DATA_UPLOAD_MAX_MEMORY_SIZE (2 MB, in memory too);
- a request to the REST API (/api/) with an Authorization header goes on: the API checks the
  token before it reads the body (somatrace/api), and refuses it with a 401 otherwise;
- anything else is answered at once: 401 (sign in first) on every other page, 413 (too large)
  on a public one. The server discards whatever of the body the client still sends.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

ANONYMOUS_BODY_BYTES = 16 * 1024
API_PREFIX = "/api/"
SIGN_IN_FIRST = "Sign in first: this address takes data only from a signed-in user."
TOO_LARGE = "This request is too large for a page used without signing in."


def content_length(request: HttpRequest) -> int:
    """The body's declared length in bytes (0 when absent or not a number, as Django reads it)."""
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def is_public(path: str) -> bool:
    """True when the URL's view is marked @login_not_required (Django's auth views are)."""
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return getattr(match.func, "login_required", True) is False


def refusal(request: HttpRequest) -> tuple[int, str] | None:
    """(status, message) when this request's body must not be read, else None."""
    length = content_length(request)  # without one, Django reads no body at all
    if length <= ANONYMOUS_BODY_BYTES:
        return None
    if request.user.is_authenticated:  # the session cookie and the user row, never the body
        return None
    if request.path_info.startswith(API_PREFIX) and "Authorization" in request.headers:
        return None  # the API checks the token before it reads the body
    if not is_public(request.path_info):
        return 401, SIGN_IN_FIRST
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        return 413, TOO_LARGE
    return None


class UnauthenticatedBodyMiddleware:
    """Answer an anonymous request whose body is not welcome before anyone reads it. Sits
    after AuthenticationMiddleware; every middleware's process_view (CSRF's reads POST) and
    the views come after it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refused = refusal(request)
        if refused is None:
            return self.get_response(request)
        status, message = refused
        if "json" in request.headers.get("Accept", "") or "json" in (request.content_type or ""):
            return JsonResponse({"error": message}, status=status)
        return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
