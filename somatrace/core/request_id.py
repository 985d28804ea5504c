"""A request id for every request: taken from the load balancer's X-Request-ID when it is
well-formed, else made here; echoed in the response and put on every log line written while
the request is served (RequestIdFilter), so that one request's lines can be found together
across app servers."""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Letters, digits, dashes, dots and underscores, 8 to 64 of them: anything else a client
# sends is replaced, so that the id can neither forge a log line nor carry data.
_WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,64}")

current: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")


def new_id() -> str:
    return uuid.uuid4().hex


def accept(sent: str | None) -> str:
    """The id a request is known by: the one sent if it is well-formed, else a new one."""
    if sent and _WELL_FORMED.fullmatch(sent):
        return sent
    return new_id()


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accept(request.headers.get(HEADER))
        request.request_id = request_id  # type: ignore[attr-defined]
        token = current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            current.reset(token)
        response.headers[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every record: the current request's, or "-" outside one."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = current.get()
        return True
