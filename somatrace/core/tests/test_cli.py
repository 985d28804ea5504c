"""The `somatrace` command, run as an administrator would run it."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from somatrace.accounts.models import Membership, Practice, Role
from somatrace.clients.models import Client
from somatrace.core.backup import BackupError, backup_sqlite, check_sqlite, restore_sqlite
from somatrace.demo.seed import scale_practice, seed_scale
from somatrace.therapy.models import Session

from .test_settings import somatrace


@pytest.mark.django_db
def test_createpractice_with_flags(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-strong-password-42\n"))
    out = io.StringIO()
    call_command(
        "createpractice",
        "--name",
        "Harbour Bodywork",
        "--owner-email",
        "Ana@Example.test",
        "--owner-name",
        "Ana Owner",
        "--time-zone",
        "Europe/Dublin",
        "--password-stdin",
        "--no-input",
        stdout=out,
    )
    membership = Membership.objects.get(user__email="ana@example.test")
    assert membership.role == Role.OWNER and membership.practice.time_zone == "Europe/Dublin"
    assert membership.user.check_password("a-strong-password-42")
    assert "Created Harbour Bodywork" in out.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "args,message",
    [
        (["--owner-email", "a@b.test", "--owner-name", "A"], "Practice name is required"),
        (
            [
                "--name",
                "P",
                "--owner-email",
                "not-an-email",
                "--owner-name",
                "A",
                "--password-stdin",
            ],
            "valid email",
        ),
        (
            [
                "--name",
                "P",
                "--owner-email",
                "a@b.test",
                "--owner-name",
                "A",
                "--time-zone",
                "Moon/Base",
                "--password-stdin",
            ],
            "time zone",
        ),
        (["--name", "P", "--owner-email", "a@b.test", "--owner-name", "A"], "--password-stdin"),
    ],
)
def test_createpractice_explains_what_is_wrong(monkeypatch, args, message) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-strong-password-42\n"))
    with pytest.raises(CommandError, match=message):
        call_command("createpractice", *args, "--no-input")
    assert not Practice.objects.exists()


@pytest.mark.django_db
def test_createpractice_refuses_a_weak_password(monkeypatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("12345\n"))
    with pytest.raises(CommandError, match="too short"):
        call_command(
            "createpractice",
            "--name",
            "P",
            "--owner-email",
            "a@b.test",
            "--owner-name",
            "A",
            "--password-stdin",
            "--no-input",
        )


def test_createpractice_asks_interactively(tmp_path: Path) -> None:
    """Answer the prompts at a real terminal, as an administrator would."""
    import pexpect

    somatrace("migrate", env={}, tmp_path=tmp_path)
    child = pexpect.spawn(
        sys.executable,
        ["-m", "somatrace.cli", "createpractice"],
        encoding="utf-8",
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "SOMATRACE_DATA_DIR": str(tmp_path), "HOME": str(tmp_path)},
    )
    for prompt, answer in [
        ("Practice name: ", "Tideline Practice"),
        ("Owner's email: ", "owner@tideline.test"),
        ("Owner's full name: ", "Tia Owner"),
        (r"Time zone \[UTC\]: ", ""),
        ("Owner's password: ", "pw-Tideline-2026"),
        ("Again: ", "pw-Tideline-2026"),
    ]:
        child.expect(prompt)
        child.sendline(answer)
    child.expect("Created Tideline Practice with owner owner@tideline.test")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0


@pytest.mark.django_db
def test_scale_seeding_builds_a_large_practice_in_bulk() -> None:
    lines: list[str] = []
    practice = seed_scale(300, sessions_per_client=20, log=lines.append)
    assert Client.objects.filter(practice=practice).count() == 300
    assert Session.objects.filter(practice=practice).count() == 6000
    assert "6,000 sessions in" in lines[0]


@pytest.mark.django_db
def test_a_benchmark_finds_the_scale_practice_it_seeded_before() -> None:
    assert scale_practice(40, 3) is None
    practice = seed_scale(40, sessions_per_client=3, log=lambda _: None)
    assert scale_practice(40, 3) == practice
    assert scale_practice(40, 4) is None  # fewer sessions than asked for: seed again
    assert scale_practice(41, 3) is None


def test_backup_and_restore_round_trip_on_a_real_database(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert somatrace("migrate", env={}, tmp_path=data).returncode == 0
    seeded = somatrace("seed", "--i-know-demo-accounts-are-public", env={}, tmp_path=data)
    assert seeded.returncode == 0, seeded.stderr
    live = data / "somatrace.sqlite3"
    with sqlite3.connect(live) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        clients_before = db.execute("SELECT count(*) FROM clients_client").fetchone()[0]

    backup = tmp_path / "backups" / "monday.tar.gz"
    result = somatrace("backup", str(backup), env={}, tmp_path=data)
    assert result.returncode == 0, result.stderr
    assert "the database and 0 file(s)" in result.stdout and "not encrypted" in result.stdout
    again = somatrace("backup", str(backup), env={}, tmp_path=data)
    assert again.returncode != 0 and "already exists" in again.stderr
    # A bare SQLite copy, as `somatrace backup` wrote before backups were archives.
    older = tmp_path / "backups" / "sunday.sqlite3"
    backup_sqlite(live, older)

    for kept in (backup, older):
        with sqlite3.connect(live) as db:
            db.execute(
                "DELETE FROM clients_client WHERE id IN (SELECT id FROM clients_client LIMIT 5)"
            )
        result = somatrace("restore", str(kept), "--yes", env={}, tmp_path=data)
        assert result.returncode == 0, result.stderr
        with sqlite3.connect(live) as db:
            assert db.execute("SELECT count(*) FROM clients_client").fetchone()[0] == clients_before
    assert len(list(data.glob("somatrace.before-restore-*.sqlite3"))) >= 1


def test_restore_refuses_a_file_that_is_not_a_somatrace_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(BackupError, match="not a SQLite database"):
        check_sqlite(junk)
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as db:
        db.execute("CREATE TABLE t (x)")
    with pytest.raises(BackupError, match="not a Somatrace one"):
        restore_sqlite(other, tmp_path / "live.sqlite3")
    assert not (tmp_path / "live.sqlite3").exists()


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).with_name("somatrace")
    result = subprocess.run([script, "help"], capture_output=True, text=True, timeout=60)
    for command in (
        "demo",
        "serve",
        "migrate",
        "createpractice",
        "worker",
        "backup",
        "restore",
        "seed",
    ):
        assert command in result.stdout
