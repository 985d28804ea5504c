"""The migration that keeps live beats in batches moves the beats of earlier live recordings."""

from __future__ import annotations

import numpy as np
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("physio", "0001_initial")]
AFTER = [("physio", "0002_live_batches")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    # Every other app stays at its latest state: the rows are made as they are today.
    targets = [
        node for node in executor.loader.graph.leaf_nodes() if node[0] != targets[0][0]
    ] + targets
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_an_earlier_live_recording_becomes_one_batch_with_its_running_count() -> None:
    try:
        old = migrate(BEFORE)
        Practice = old.get_model("accounts", "Practice")
        User = old.get_model("accounts", "User")
        Client = old.get_model("clients", "Client")
        Recording = old.get_model("physio", "Recording")
        practice = Practice.objects.create(name="Before")
        user = User.objects.create(email="p@before.test", full_name="P")
        client = Client.objects.create(practice=practice, name="C", assigned_practitioner=user)
        beats = np.array([800.0, 810.0, 790.5], dtype="<f4")
        live = Recording.objects.create(
            client=client, kind="live", raw_rr_ms=beats.tobytes(), live_batches=["a"]
        )
        upload = Recording.objects.create(client=client, kind="rr", rr_ms=beats.tobytes())

        new = migrate(AFTER)
        LiveBatch = new.get_model("physio", "LiveBatch")
        Recording = new.get_model("physio", "Recording")
        batch = LiveBatch.objects.get()
        assert batch.recording_id == live.pk
        assert np.frombuffer(bytes(batch.rr_ms), "<f4").tolist() == [800.0, 810.0, 790.5]
        state = Recording.objects.get(pk=live.pk).live
        # 800 + 810 + 790.5 = 2400.5 ms
        assert state == {"n_beats": 3, "total_ms": 2400.5, "tail_ms": []}
        assert Recording.objects.get(pk=upload.pk).live == {}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
