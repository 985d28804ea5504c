"""Periodic jobs: each runs exactly once per period, however many workers there are.

An app registers its jobs at import in `<app>/tasks.py` (imported by its AppConfig.ready(),
so every process, the worker too, knows them):

    @periodic("mail.retry", every=timedelta(minutes=1))
    def retry_due_mail(now: datetime) -> None: ...

`somatrace worker` calls run_due_jobs() about every 30 seconds. Time is cut into periods of
`every` counted from the Unix epoch; the worker that first inserts the PeriodicRun row
(name, start of the period) runs the job, any other worker's insert fails on the unique
constraint and it skips the job. A job that fails is logged (by name only) and runs again in
the next period. Jobs receive `now` and must themselves be safe to run late or twice in a
row (they catch up on what is due, they do not count on the exact time).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

from django.db import IntegrityError, close_old_connections, transaction
from django.db.models import Max
from django.utils import timezone

from somatrace.core.models import PeriodicRun, WorkerHeartbeat

logger = logging.getLogger("somatrace.periodic")

F = TypeVar("F", bound=Callable[[datetime], None])


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[datetime], None]


JOBS: dict[str, Job] = {}


def periodic(name: str, every: timedelta) -> Callable[[F], F]:
    """Register fn(now) to run once every `every`, across all workers."""
    if every < timedelta(seconds=1):
        raise ValueError("A periodic job runs at most once a second.")

    def register(fn: F) -> F:
        JOBS[name] = Job(name, every, fn)
        return fn

    return register


def slot_start(now: datetime, every: timedelta) -> datetime:
    """The start of the period `now` falls in: periods of `every` counted from the epoch."""
    seconds = int(every.total_seconds())
    stamp = int(now.timestamp())
    return datetime.fromtimestamp(stamp - stamp % seconds, tz=UTC)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _claim(name: str, start: datetime) -> bool:
    """Insert the run's row; False when another worker (or an earlier call) has it."""
    if PeriodicRun.objects.filter(name=name, slot_start=start).exists():
        return False
    try:
        # A savepoint: inside a caller's transaction on PostgreSQL the failed insert must not
        # break the rest of the transaction.
        with transaction.atomic():
            PeriodicRun.objects.create(name=name, slot_start=start, worker=worker_name())
    except IntegrityError:
        return False
    return True


def run_due_jobs(now: datetime | None = None) -> list[str]:
    """Run every job whose current period nobody has claimed yet; the names run by this call."""
    now = now or timezone.now()
    ran = []
    for job in sorted(JOBS.values(), key=lambda j: j.name):
        if not _claim(job.name, slot_start(now, job.every)):
            continue
        try:
            job.run(now)
        except Exception:  # one failing job must not stop the others or the worker
            logger.exception("Periodic job %s failed; it runs again next period.", job.name)
        ran.append(job.name)
    return ran


def beat(name: str | None = None) -> None:
    """Note that this worker is alive (for /readyz: a worker was seen recently)."""
    WorkerHeartbeat.objects.update_or_create(
        name=name or worker_name(), defaults={"seen_at": timezone.now()}
    )


def last_worker_seen() -> datetime | None:
    """When any worker was last seen alive; None if no worker ever ran."""
    seen: datetime | None = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    return seen


KEEP_RUNS = timedelta(days=7)


@periodic("core.prune", every=timedelta(days=1))
def prune(now: datetime) -> None:
    """Forget run records and heartbeats older than a week (the table would only grow)."""
    PeriodicRun.objects.filter(slot_start__lt=now - KEEP_RUNS).delete()
    WorkerHeartbeat.objects.filter(seen_at__lt=now - KEEP_RUNS).delete()


EVERY_SECONDS = 30  # how often a worker looks for due jobs and says it is alive


def tick() -> list[str]:
    """One round of a worker: say it is alive, then run the due jobs."""
    beat()
    return run_due_jobs()


def run_forever(stop: threading.Event, every: float = EVERY_SECONDS) -> None:
    """A worker's periodic loop (beside the task queue, in a thread of its own), until stop."""
    while True:
        try:
            tick()
        except Exception:  # the database away for a moment: try again next round
            logger.exception("Periodic round failed; trying again in %s s.", every)
        finally:
            close_old_connections()
        if stop.wait(every):
            return
