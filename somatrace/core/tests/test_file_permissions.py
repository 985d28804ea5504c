"""Health records on disk are readable by the account that runs Somatrace only: 0600 files
and 0700 directories, whatever umask the process was started with (here the common 022)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from somatrace.core.tests.test_backup import ok, somatrace
from somatrace.physio import services
from somatrace.physio.testing import rr_file, settling_rr
from somatrace.testing import staff_actor

WHILE_OPEN = """
import os
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from somatrace.accounts.models import Practice
Practice.objects.create(name="Written While Open")  # a write: SQLite makes its -wal and -shm
name = str(settings.DATABASES["default"]["NAME"])
modes = {suffix: oct(os.stat(name + suffix).st_mode & 0o777) for suffix in ("-wal", "-shm")}
saved = default_storage.save("letters/2026/referral.pdf", ContentFile(b"%PDF-1.4"))
path = default_storage.path(saved)
modes["upload"] = oct(os.stat(path).st_mode & 0o777)
modes["upload dir"] = oct(os.stat(os.path.dirname(path)).st_mode & 0o777)
modes["media dir"] = oct(os.stat(settings.MEDIA_ROOT).st_mode & 0o777)
print(sorted(modes.items()))
"""


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_a_fresh_demo_leaves_the_database_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "var"
    ok(somatrace("demo", "--no-serve", data=data, env={"SOMATRACE_DEBUG": "1"}))
    assert mode(data) == 0o700
    assert mode(data / "somatrace.sqlite3") == 0o600
    assert mode(data / "secret_key") == 0o600
    assert mode(data / "tmp") == 0o700  # Django's temporary files for large uploads
    for leftover in ("somatrace.sqlite3-wal", "somatrace.sqlite3-shm"):
        if (data / leftover).exists():
            assert mode(data / leftover) == 0o600

    output = ok(somatrace("shell", "-c", WHILE_OPEN, data=data))
    assert output.strip().splitlines()[-1] == str(
        [
            ("-shm", "0o600"),
            ("-wal", "0o600"),
            ("media dir", "0o700"),
            ("upload", "0o600"),
            ("upload dir", "0o700"),
        ]
    )


def test_files_made_loose_before_are_tightened(tmp_path: Path) -> None:
    """A database or key copied in with 0644 (or a data directory made 0755 by hand)."""
    data = tmp_path / "var"
    ok(somatrace("migrate", data=data))
    for path, loose in ((data, 0o755), (data / "somatrace.sqlite3", 0o644)):
        path.chmod(loose)
    (data / "secret_key").chmod(0o644)
    ok(somatrace("check", data=data))
    ok(
        somatrace(
            "shell",
            "-c",
            "from somatrace.accounts.models import User; User.objects.count()",
            data=data,
        )
    )
    assert mode(data) == 0o700
    assert mode(data / "secret_key") == 0o600
    assert mode(data / "somatrace.sqlite3") == 0o600


@pytest.fixture
def loose_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    yield
    os.umask(previous)


@pytest.mark.django_db
def test_a_recording_waiting_for_the_worker_is_owner_only(
    settings, tmp_path, monkeypatch, practitioner, client_record, loose_umask
) -> None:
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(services, "SYNC_LIMIT_BYTES", 1000)
    queued: list[int] = []
    recording = services.save_upload(
        staff_actor(practitioner),
        client_record,
        SimpleUploadedFile("big.txt", rr_file(settling_rr(300, 1800, 300))),
        enqueue=lambda pk, *_: queued.append(pk),
    )
    waiting = Path(settings.MEDIA_ROOT) / recording.upload_path
    assert waiting.parent == Path(settings.MEDIA_ROOT) / "uploads"
    assert mode(waiting) == 0o600 and mode(waiting.parent) == 0o700
