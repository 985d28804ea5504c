"""Two real `somatrace worker` processes on one PostgreSQL database: 200 queued heart-recording
analyses each run exactly once (the database queue takes each row with SELECT ... FOR UPDATE
SKIP LOCKED), and a periodic job runs once in its period although both workers tick.

PostgreSQL only (SQLite has one writer: one worker is what it supports). The test makes a
fresh database on the server of DATABASE_URL, or of SOMATRACE_TEST_POSTGRES, else the local
one, on the SQLite run too; without a reachable server it fails in CI and skips elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from somatrace.core.tests.scratch import scratch_postgres
from somatrace.core.tests.test_behind_caddy import SOMATRACE

pytestmark = pytest.mark.xdist_group("two_workers")
ANALYSES = 200


@pytest.fixture
def postgres() -> Iterator[str]:
    with scratch_postgres("workers") as url:
        yield url


def shell(env: dict[str, str], code: str) -> object:
    result = subprocess.run(
        [SOMATRACE, "shell", "-c", code], env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


SEED = f"""
import json
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from somatrace.physio.models import Recording
from somatrace.physio.tasks import process_upload
from somatrace.physio.testing import rr_file, settling_rr
from somatrace.testing import make_client, make_member, make_practice
practice = make_practice("Queue Practice")
client = make_client(practice, make_member(practice))
data = rr_file(settling_rr(60, 120, 60))
ids = []
for n in range({ANALYSES}):
    kept = default_storage.save(f"uploads/{{n}}.upload", ContentFile(data))
    recording = Recording.objects.create(client=client, upload_path=kept)
    process_upload.enqueue(recording.pk, "plain-rr", None)
    ids.append(recording.pk)
print(json.dumps(ids))
"""

COUNT = """
import json
from collections import Counter
from django_tasks_db.models import DBTaskResult
from somatrace.audit.models import AuditEvent
from somatrace.core.models import PeriodicRun, WorkerHeartbeat
from somatrace.physio.models import Recording
runs = Counter(AuditEvent.objects.filter(action="update", object_type="physio.recording")
               .values_list("object_id", flat=True))
print(json.dumps({
    "statuses": dict(Counter(Recording.objects.values_list("status", flat=True))),
    "runs_per_recording": dict(Counter(runs.values())),
    "tasks": dict(Counter(DBTaskResult.objects.values_list("status", flat=True))),
    "workers": sorted({w for ids in DBTaskResult.objects.values_list("worker_ids", flat=True)
                       for w in ids}),
    "heartbeats": WorkerHeartbeat.objects.count(),
    "periodic": sorted(Counter(PeriodicRun.objects.values_list("name", "slot_start")).values()),
    "prune_runs": PeriodicRun.objects.filter(name="core.prune").count(),
}))
"""


def waiting(url: str) -> int:
    with psycopg.connect(url) as conn:
        (count,) = conn.execute(
            "SELECT count(*) FROM django_tasks_database_dbtaskresult "
            "WHERE status IN ('READY', 'RUNNING')"
        ).fetchone()  # type: ignore[misc]
    return int(count)


def test_two_workers_run_each_of_200_analyses_exactly_once(postgres: str, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOMATRACE_")}
    env.update({"DATABASE_URL": postgres, "SOMATRACE_DATA_DIR": str(tmp_path / "data")})
    subprocess.run([SOMATRACE, "migrate", "-v", "0"], env=env, check=True, timeout=300)
    ids = shell(env, SEED)
    assert isinstance(ids, list) and len(ids) == ANALYSES
    assert waiting(postgres) == ANALYSES

    logs = [tmp_path / "worker-1.log", tmp_path / "worker-2.log"]
    workers = []
    for log in logs:
        with log.open("w") as out:
            workers.append(
                subprocess.Popen(
                    [SOMATRACE, "worker", "-v", "0"], env=env, stdout=out, stderr=subprocess.STDOUT
                )
            )
    try:
        deadline = time.monotonic() + 400
        while waiting(postgres) and time.monotonic() < deadline:
            assert all(w.poll() is None for w in workers), [log.read_text() for log in logs]
            time.sleep(1)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
    assert waiting(postgres) == 0, [log.read_text()[-2000:] for log in logs]

    seen = shell(env, COUNT)
    assert seen["statuses"] == {"done": ANALYSES}
    assert seen["runs_per_recording"] == {"1": ANALYSES}  # 200 recordings analysed once each
    assert seen["tasks"] == {"SUCCESSFUL": ANALYSES}
    assert len(seen["workers"]) == 2  # both workers took a share
    assert seen["heartbeats"] == 2
    assert set(seen["periodic"]) == {1} and seen["prune_runs"] == 1
    assert not list((tmp_path / "data" / "media" / "uploads").glob("*.upload"))
