"""A recording still waiting for the background worker travels with the practice."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from somatrace.core.actor import Actor
from somatrace.physio.testing import make_recording
from somatrace.transfer.services import export_practice

pytestmark = pytest.mark.django_db


def test_an_upload_waiting_for_the_worker_is_exported_with_its_checksum(
    settings: Any, tmp_path: Path, practice: Any, client_record: Any, other_practice: Any
) -> None:
    settings.DATA_DIR = tmp_path / "data"
    uploads = settings.DATA_DIR / "uploads"
    uploads.mkdir(parents=True)
    (uploads / "abc.upload").write_bytes(b"812\n790\n805\n")
    (uploads / "someone-else.upload").write_bytes(b"not this practice's\n")
    recording = make_recording(client_record)
    recording.upload_path = str(uploads / "abc.upload")
    recording.save(update_fields=["upload_path"])

    export_practice(Actor.command_line(practice.pk, "export practice"), practice, tmp_path / "out")

    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert (tmp_path / "out" / "files" / "uploads" / "abc.upload").read_bytes() == (
        b"812\n790\n805\n"
    )
    assert (
        manifest["files"]["files/uploads/abc.upload"]
        == hashlib.sha256(b"812\n790\n805\n").hexdigest()
    )
    assert not [name for name in manifest["files"] if "someone-else" in name]
    assert manifest["counts"]["physio.recording"] == 1
    assert manifest["counts"]["accounts.practice"] == 1  # not the other practice
