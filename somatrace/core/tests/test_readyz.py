"""/readyz: the database answers, every migration is applied, a worker was seen lately.
(The database going away and coming back, with real servers: test_two_servers.py.)"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.core import periodic
from somatrace.core.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def test_it_is_ready_when_a_worker_was_seen_and_nothing_waits(client) -> None:
    periodic.beat("worker-a")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "worker": "ok"},
        "failed": [],
    }
    assert "no-cache" in response["Cache-Control"]


def test_it_is_not_ready_before_any_worker_ran(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["worker"]


def test_a_worker_not_seen_for_longer_than_the_setting_makes_it_not_ready(client, settings) -> None:
    settings.SOMATRACE_READY_WORKER_SECONDS = 120
    WorkerHeartbeat.objects.create(name="worker-a", seen_at=timezone.now() - timedelta(seconds=121))
    body = client.get("/readyz").json()
    assert body["failed"] == ["worker"]
    assert body["checks"]["worker"].startswith("last seen 121 s ago")
    WorkerHeartbeat.objects.update(seen_at=timezone.now() - timedelta(seconds=100))
    assert client.get("/readyz").status_code == 200


def test_the_worker_check_can_be_turned_off(client, settings) -> None:
    settings.SOMATRACE_READY_WORKER_SECONDS = 0
    assert client.get("/readyz").status_code == 200


def test_a_pending_migration_makes_it_not_ready(client, settings) -> None:
    periodic.beat("worker-a")
    # An app with a migration on disk that was never applied (no model: nothing to create).
    settings.MIGRATION_MODULES = {"humanize": "somatrace.core.tests.pending_migrations"}
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failed"] == ["migrations"]
    assert response.json()["checks"]["migrations"] == "1 not applied: run `somatrace migrate`"


def test_it_answers_only_get_and_names_no_practice(client, practice, client_record) -> None:
    assert client.post("/readyz").status_code == 405
    body = client.get("/readyz").content.decode()
    assert practice.name not in body and client_record.name not in body
