"""Periodic jobs run once per period, however many workers ask, and workers say they live."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from somatrace.core import periodic
from somatrace.core.models import PeriodicRun, WorkerHeartbeat


@pytest.fixture
def counted(monkeypatch):
    """Only one job, test.count, every 10 minutes, that counts its runs."""
    runs: list[datetime] = []
    monkeypatch.setattr(periodic, "JOBS", {})
    periodic.periodic("test.count", every=timedelta(minutes=10))(runs.append)
    return runs


def test_a_period_starts_at_a_multiple_of_its_length_since_the_epoch():
    now = datetime(2026, 3, 4, 10, 17, 42, tzinfo=UTC)
    assert periodic.slot_start(now, timedelta(minutes=10)) == datetime(
        2026, 3, 4, 10, 10, tzinfo=UTC
    )
    assert periodic.slot_start(now, timedelta(days=1)) == datetime(2026, 3, 4, tzinfo=UTC)


@pytest.mark.django_db
def test_a_job_runs_once_in_its_period_and_again_in_the_next(counted):
    ten = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)

    assert periodic.run_due_jobs(ten + timedelta(minutes=1)) == ["test.count"]
    assert periodic.run_due_jobs(ten + timedelta(minutes=9)) == []
    assert periodic.run_due_jobs(ten + timedelta(minutes=10)) == ["test.count"]

    assert counted == [ten + timedelta(minutes=1), ten + timedelta(minutes=10)]
    assert PeriodicRun.objects.filter(name="test.count").count() == 2


@pytest.mark.django_db
def test_a_failing_job_does_not_stop_the_others(monkeypatch):
    ran = []
    monkeypatch.setattr(periodic, "JOBS", {})

    @periodic.periodic("a.fails", every=timedelta(minutes=1))
    def fails(now):
        raise RuntimeError("boom")

    periodic.periodic("b.works", every=timedelta(minutes=1))(ran.append)

    assert periodic.run_due_jobs() == ["a.fails", "b.works"]
    assert len(ran) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_run_a_job_once(counted):
    """On PostgreSQL two threads race; SQLite serialises writers, so there one after the
    other (the test database in memory cannot take two writers at once)."""
    now = datetime(2026, 3, 4, 10, 3, tzinfo=UTC)
    start = threading.Barrier(2)
    names: list[list[str]] = []

    def worker():
        from django.db import connections

        try:
            start.wait()
            names.append(periodic.run_due_jobs(now))
        finally:
            connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=worker) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        start = threading.Barrier(1)
        worker()
        worker()

    assert sorted(names) == [[], ["test.count"]]
    assert len(counted) == 1


@pytest.mark.django_db
def test_a_worker_round_notes_when_the_worker_was_seen(counted):
    assert periodic.last_worker_seen() is None

    periodic.tick()
    periodic.tick()

    assert WorkerHeartbeat.objects.count() == 1
    seen = periodic.last_worker_seen()
    assert seen is not None and seen == WorkerHeartbeat.objects.get().seen_at


@pytest.mark.django_db
def test_the_prune_job_forgets_old_runs_and_workers():
    now = datetime(2026, 3, 20, tzinfo=UTC)
    PeriodicRun.objects.create(name="x", slot_start=now - timedelta(days=8))
    PeriodicRun.objects.create(name="x", slot_start=now - timedelta(days=1))
    WorkerHeartbeat.objects.create(name="gone:1", seen_at=now - timedelta(days=8))

    periodic.prune(now)

    assert list(PeriodicRun.objects.values_list("slot_start", flat=True)) == [
        now - timedelta(days=1)
    ]
    assert not WorkerHeartbeat.objects.exists()


def test_every_app_job_is_registered_at_startup():
    assert {"core.prune", "mail.retry"} <= set(periodic.JOBS)
