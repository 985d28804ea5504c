"""Attach the logged-in user's membership to the request and show times in its zone."""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from somatrace.accounts.access import membership_of


class PracticeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        membership = membership_of(request.user)
        request.membership = membership  # type: ignore[attr-defined]
        if membership is not None:
            timezone.activate(zoneinfo.ZoneInfo(membership.practice.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
