"""Prometheus metrics (prometheus_client) at /metrics, for a bearer token only.

Requests are counted and timed by the name of the view that served them (`client_detail`,
never `/clients/42/`), their method and status: no label ever holds a path, an id, a name
or anything typed. The task queue is read from the database at each scrape, so every app
server reports the same numbers whichever worker ran what.

Several gunicorn workers share one set of numbers through prometheus_client's multiprocess
mode: `somatrace serve` sets PROMETHEUS_MULTIPROC_DIR to a fresh folder before the workers
start (see serve.py).

SOMATRACE_METRICS_TOKEN unset: /metrics answers 404, as if it did not exist.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Callable, Iterator

from django.apps import apps
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_tasks_db.models import DBTaskResult
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "somatrace_http_requests",
    "Requests served, by view name, method and status.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "somatrace_http_request_duration_seconds",
    "Time to serve a request, by view name and method.",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)


def view_label(request: HttpRequest) -> str:
    """The URL pattern's name: "client_detail", "api:..."; "unmatched" for a 404 path."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return "unmatched"
    return str(match.view_name or "unnamed")


class MetricsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        view = view_label(request)
        if view != "metrics":
            method = request.method if request.method in METHODS else "other"
            REQUESTS.labels(view, method, str(response.status_code)).inc()
            LATENCY.labels(view, method).observe(time.perf_counter() - started)
        return response


class QueueCollector(Collector):
    """The background tasks in the database queue, by state and task (a function's dotted
    path): how many wait (READY), run, failed, and succeeded and are still kept; and the
    emails in the outbox by status (failed ones included)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        tasks = GaugeMetricFamily(
            "somatrace_tasks",
            "Background tasks in the database queue, by status and task.",
            labels=["status", "task"],
        )
        emails = GaugeMetricFamily(
            "somatrace_emails",
            "Emails in the outbox, by status (failed: given up after the retries).",
            labels=["status"],
        )
        try:
            rows = DBTaskResult.objects.values("status", "task_path").annotate(n=Count("id"))
            for row in rows:
                tasks.add_metric([row["status"], row["task_path"]], row["n"])
            # The mail app's outbox, by name: core sits below it (it may not be installed).
            if apps.is_installed("somatrace.mail"):
                outbox = apps.get_model("mail", "OutgoingEmail").objects
                for status, n in outbox.values_list("status").annotate(n=Count("id")):
                    emails.add_metric([status], n)
        except DatabaseError:
            pass  # the database is away: /readyz says so; the other metrics still answer
        yield tasks
        yield emails


def registry() -> CollectorRegistry:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        multiprocess.MultiProcessCollector(collected)
    else:
        collected = REGISTRY
    return collected


_QUEUE = QueueCollector()


@login_not_required
@require_GET
@never_cache
def metrics(request: HttpRequest) -> HttpResponse:
    token = settings.SOMATRACE_METRICS_TOKEN
    if not token:
        raise Http404
    sent = request.headers.get("Authorization", "")
    if not hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        response = HttpResponse("A bearer token is needed.\n", status=401)
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body = generate_latest(registry()) + generate_latest(_QueueRegistry())
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)


class _QueueRegistry(CollectorRegistry):
    """The queue's numbers alone, read afresh at each scrape."""

    def __init__(self) -> None:
        super().__init__(auto_describe=False)
        self.register(_QUEUE)
