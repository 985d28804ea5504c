"""Sessions point to built-in techniques, which each instance numbers as its migrations made
them: a practice moves to an instance that numbers them otherwise, and its sessions still
name the same techniques there."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from somatrace.core.actor import Actor
from somatrace.testing import make_session
from somatrace.therapy.models import Technique
from somatrace.therapy.services import install_builtin_vocabulary
from somatrace.transfer.services import export_practice
from somatrace.transfer.tests.test_round_trip import somatrace

READ_THERE = """
import json
from somatrace.therapy.models import Session
s = Session.objects.get()
print(json.dumps(sorted(s.techniques.values_list("code", flat=True))))
"""

pytestmark = pytest.mark.django_db


def test_sessions_keep_their_techniques_when_the_new_instance_numbers_them_otherwise(
    tmp_path: Path, practice: Any, client_record: Any
) -> None:
    # Number this instance's built-ins past a fresh instance's: remove them and add them again.
    Technique.objects.filter(practice=None).delete()
    install_builtin_vocabulary()
    first, second = Technique.objects.filter(practice=None).order_by("code")[:2]
    fresh_count = Technique.objects.filter(practice=None).count()
    assert first.pk > fresh_count  # not the ids a freshly migrated instance gives them
    session = make_session(client_record)
    session.techniques.set([first, second])
    exported, data = tmp_path / "export", tmp_path / "data"
    data.mkdir()
    export_practice(Actor.command_line(practice.pk, "export practice"), practice, exported)

    somatrace("migrate", "-v0", data=data, database_url=None)
    somatrace("import", "practice", str(exported), data=data, database_url=None)
    output = somatrace("shell", "-c", READ_THERE, data=data, database_url=None)

    assert json.loads(output.strip().splitlines()[-1]) == sorted([first.code, second.code])
