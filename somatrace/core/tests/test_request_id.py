"""Every response carries a request id, and every log line written for it the same id."""

from __future__ import annotations

import json
import logging
import re

import pytest
from django.conf import settings as django_settings
from pythonjsonlogger.json import JsonFormatter

from somatrace.core.request_id import RequestIdFilter

pytestmark = pytest.mark.django_db


def test_each_response_gets_a_fresh_id(client) -> None:
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/healthz")["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and first != second


def test_a_well_formed_id_from_the_load_balancer_is_kept(client) -> None:
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    assert response["X-Request-ID"] == "lb-7f3a9c2e-0001"


@pytest.mark.parametrize("sent", ["short", "has space in it", "x" * 65, "line\nbreak-123456"])
def test_an_id_that_could_forge_a_line_or_carry_data_is_replaced(client, sent) -> None:
    kept = client.get("/healthz", HTTP_X_REQUEST_ID=sent)["X-Request-ID"]
    assert kept != sent and re.fullmatch(r"[0-9a-f]{32}", kept)


def test_a_log_line_written_during_a_request_carries_its_id_as_json(client, settings) -> None:
    """The settings' own formatter and filters, on a request that logs (a forged Host)."""
    lines: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(self.format(record))

    handler = Collect()
    spec = django_settings.LOG_FORMATTERS["json"]
    handler.setFormatter(JsonFormatter(spec["fmt"], rename_fields=spec["rename_fields"]))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.security")
    logger.addHandler(handler)
    try:
        response = client.get(
            "/healthz", HTTP_HOST="evil.example", HTTP_X_REQUEST_ID="req-00000042"
        )
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 400 and response["X-Request-ID"] == "req-00000042"
    (line,) = lines
    record = json.loads(line)
    assert record["request_id"] == "req-00000042"
    assert record["level"] == "ERROR" and record["logger"] == "django.security.DisallowedHost"
