"""/api/: the REST API. Its addresses take no browser session: a token, checked by the API,
is the only way in, so LoginRequiredMiddleware lets them through (login_not_required)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern, URLResolver

from somatrace.api.views import records  # noqa: F401 - its resources join the v1 router
from somatrace.api.views.rest import api, v1

api.add_router("/v1/", v1)


def _open(patterns: list[Any]) -> list[Any]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            _open(entry.url_patterns)
        elif isinstance(entry, URLPattern):
            login_not_required(entry.callback)
    return patterns


patterns, app_name, namespace = api.urls
urlpatterns = _open(list(patterns))
