"""`somatrace backup` and `restore`, run as an administrator would: in a fresh process, on a
real database (SQLite and PostgreSQL), with an uploaded file, encrypted both ways."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pyrage import decrypt_io, x25519
from pyrage import passphrase as age_passphrase

from somatrace.core.backup import AGE_MAGIC
from somatrace.core.tests.scratch import scratch_postgres
from somatrace.physio.models import Recording
from somatrace.physio.tasks import process_upload
from somatrace.physio.testing import rr_file, settling_rr

PASSPHRASE = "correct horse battery staple"
LETTER_SHA256 = "ccef240c8e4905c7011d15da33870555e607a92266c17bbebf1e42060dcbf338"

SETUP = """
from somatrace.testing import make_client, make_member, make_practice
practice = make_practice("Tideline Practice")
make_client(practice, make_member(practice, name="Pat Practitioner"), name="Quinn Example")
"""
STATE = """
import json
from django.db import connection
from somatrace.audit.models import append_only_guards_present
from somatrace.clients.models import Client
print(json.dumps([sorted(Client.objects.values_list("name", flat=True)),
                  append_only_guards_present(connection)]))
"""
# What the audit trail says about backups and restores, per practice.
WHOLE_DATABASE = """
import json
from somatrace.accounts.models import Practice
from somatrace.audit.models import AuditEvent
names = dict(Practice.objects.values_list("pk", "name"))
rows = AuditEvent.objects.filter(object_type="core.database").order_by("id")
print(json.dumps([[names[r.practice_id], r.action, r.actor_kind, r.channel, r.path] for r in rows]))
"""
ALTER = """
from somatrace.clients.models import Client
from somatrace.testing import make_client
client = Client.objects.get()
Client.objects.filter(pk=client.pk).update(name="Changed Name")
make_client(client.practice, client.assigned_practitioner, name="Added Later")
"""


def somatrace(
    *args: str, data: Path, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The command in a fresh process started with the common umask 022."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SOMATRACE_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "-m", "somatrace.cli", *args],
        env={**clean, "SOMATRACE_DATA_DIR": str(data), **(env or {})},
        capture_output=True,
        text=True,
        timeout=300,
        umask=0o022,
        input=stdin,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@pytest.fixture
def postgres_url() -> Iterator[str]:
    with scratch_postgres("backup") as url:
        yield url


def state(data: Path, env: dict[str, str] | None = None) -> list[object]:
    """The clients' names and whether the audit log's guards are in place."""
    output = ok(somatrace("shell", "-c", STATE, data=data, env=env))
    return json.loads(output.strip().splitlines()[-1])


def whole_database(data: Path, env: dict[str, str] | None = None) -> list[list[str]]:
    output = ok(somatrace("shell", "-c", WHOLE_DATABASE, data=data, env=env))
    return json.loads(output.strip().splitlines()[-1])


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


@pytest.mark.parametrize(
    "vendor,encryption",
    [
        ("sqlite", "key"),
        ("sqlite", "passphrase"),
        ("postgresql", "key"),
        ("postgresql", "passphrase"),
    ],
)
def test_an_encrypted_backup_brings_back_the_database_and_the_files(
    tmp_path: Path, request: pytest.FixtureRequest, vendor: str, encryption: str
) -> None:
    data = tmp_path / "data"
    env = {"DATABASE_URL": request.getfixturevalue("postgres_url")} if vendor != "sqlite" else {}
    ok(somatrace("migrate", data=data, env=env))
    ok(somatrace("shell", "-c", SETUP, data=data, env=env))
    # A large recording still waiting for the worker, and an uploaded file.
    (data / "uploads").mkdir(mode=0o700)
    waiting = data / "uploads" / "0f1e2d3c.upload"
    waiting.write_bytes(b"812\n790\n805\n" * 1000)
    (data / "media" / "letters").mkdir(mode=0o700, parents=True)
    letter = data / "media" / "letters" / "referral.pdf"
    letter.write_bytes(b"%PDF-1.4 a referral letter")

    identity = x25519.Identity.generate()
    key_file = tmp_path / "backup-key.txt"
    key_file.write_text(f"# created for this test\n{identity}\n")
    backup = tmp_path / "backups" / "monday.tar.gz.age"
    if encryption == "key":
        made = somatrace(
            "backup", str(backup), "--recipient", str(identity.to_public()), data=data, env=env
        )
    else:
        made = somatrace(
            "backup",
            str(backup),
            "--passphrase",
            data=data,
            env={**env, "SOMATRACE_BACKUP_PASSPHRASE": PASSPHRASE},
        )
    assert f"encrypted to a {'public key' if encryption == 'key' else 'passphrase'}" in ok(made)
    assert "2 file(s)" in made.stdout
    assert whole_database(data, env) == [["Tideline Practice", "export", "cli", "cli", "backup"]]
    assert mode(backup) == 0o600 and mode(backup.parent) == 0o700
    assert backup.read_bytes().startswith(AGE_MAGIC)
    assert b"Quinn Example" not in backup.read_bytes()

    # Opened by hand with age, it is a tar archive whose manifest lists every file.
    if encryption == "key":
        plain = io.BytesIO()
        decrypt_io(io.BytesIO(backup.read_bytes()), plain, [identity])
        plain_bytes = plain.getvalue()
    else:
        plain_bytes = age_passphrase.decrypt(backup.read_bytes(), PASSPHRASE)
    with tarfile.open(fileobj=io.BytesIO(plain_bytes), mode="r:gz") as archive:
        member = archive.extractfile("manifest.json")
        assert member is not None
        manifest = json.load(member)
        names = archive.getnames()
    assert manifest["database"]["vendor"] == vendor
    assert "0004_refuse_deletes_everywhere" in manifest["migrations"]["audit"]
    listed = {f["path"]: f for f in manifest["files"]}
    assert set(listed) == set(names) - {"manifest.json"}
    assert listed["files/uploads/0f1e2d3c.upload"]["size"] == 12 * 1000
    # The checksum by an independent tool: coreutils' sha256sum of the original file.
    assert listed["files/media/letters/referral.pdf"]["sha256"] == LETTER_SHA256

    # Then things go wrong: a record changed, one added, the waiting upload lost.
    ok(somatrace("shell", "-c", ALTER, data=data, env=env))
    waiting.unlink()
    letter.write_bytes(b"overwritten")
    assert state(data, env)[0] == [
        "Added Later",
        "Changed Name",
    ]

    if encryption == "key":
        restored = somatrace(
            "restore", str(backup), "--identity", str(key_file), "--yes", data=data, env=env
        )
    else:
        restored = somatrace(
            "restore",
            str(backup),
            "--yes",
            data=data,
            env={**env, "SOMATRACE_BACKUP_PASSPHRASE": PASSPHRASE},
        )
    assert "the database and 2 file(s)" in ok(restored)
    assert state(data, env) == [
        ["Quinn Example"],
        True,
    ]
    # The backup's own row was written after its snapshot; the restore's, into what it restored.
    assert whole_database(data, env) == [["Tideline Practice", "update", "cli", "cli", "restore"]]
    assert waiting.read_bytes() == b"812\n790\n805\n" * 1000 and mode(waiting) == 0o600
    assert letter.read_bytes() == b"%PDF-1.4 a referral letter" and mode(letter) == 0o600
    (safety_copy,) = data.glob("somatrace.before-restore-*")
    assert mode(safety_copy) == 0o600
    assert safety_copy.suffix == (".sqlite3" if vendor == "sqlite" else ".pgdump")
    assert not list(data.glob(".backup-*")), "the staging directory is removed"


def test_a_wrong_passphrase_or_key_is_refused_clearly_and_changes_nothing(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok(somatrace("migrate", data=data))
    ok(somatrace("shell", "-c", SETUP, data=data))
    backup = tmp_path / "b.age"
    secret = {"SOMATRACE_BACKUP_PASSPHRASE": PASSPHRASE}
    ok(somatrace("backup", str(backup), "--passphrase", data=data, env=secret))
    ok(somatrace("shell", "-c", ALTER, data=data))

    wrong = somatrace(
        "restore", str(backup), "--yes", data=data, env={"SOMATRACE_BACKUP_PASSPHRASE": "nope " * 4}
    )
    assert wrong.returncode != 0
    assert "could not be decrypted (wrong passphrase" in wrong.stderr
    assert "Traceback" not in wrong.stderr

    keyed = tmp_path / "k.age"
    ok(
        somatrace(
            "backup",
            str(keyed),
            "--recipient",
            str(x25519.Identity.generate().to_public()),
            data=data,
        )
    )
    other_key = tmp_path / "other.txt"
    other_key.write_text(f"{x25519.Identity.generate()}\n")
    wrong_key = somatrace("restore", str(keyed), "--identity", str(other_key), "--yes", data=data)
    assert "could not be decrypted (wrong key" in wrong_key.stderr
    no_key = somatrace("restore", str(keyed), "--yes", data=data)
    assert "give the matching identity file with --identity" in no_key.stderr
    for result in (wrong_key, no_key):
        assert result.returncode != 0 and "Traceback" not in result.stderr

    now = state(data)
    assert now[0] == ["Added Later", "Changed Name"]
    assert not list(data.glob("somatrace.before-restore-*"))


def test_a_backup_refuses_a_short_passphrase_and_an_unreadable_key(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok(somatrace("migrate", data=data))
    short = somatrace(
        "backup",
        str(tmp_path / "x"),
        "--passphrase",
        data=data,
        env={"SOMATRACE_BACKUP_PASSPHRASE": "short"},
    )
    assert "at least 12 characters" in short.stderr
    bad = somatrace("backup", str(tmp_path / "y"), "--recipient", "age1notakey", data=data)
    assert "not an age public key" in bad.stderr
    no_tty = somatrace("backup", str(tmp_path / "z"), "--passphrase", data=data, stdin="")
    assert "SOMATRACE_BACKUP_PASSPHRASE" in no_tty.stderr
    for result in (short, bad, no_tty):
        assert result.returncode != 0 and "Traceback" not in result.stderr
    assert not list(tmp_path.glob("[xyz]"))


def test_a_backup_from_the_other_database_is_refused(tmp_path: Path, postgres_url: str) -> None:
    data = tmp_path / "data"
    ok(somatrace("migrate", data=data))
    backup = tmp_path / "sqlite.tar.gz"
    ok(somatrace("backup", str(backup), data=data))
    on_postgres = {"DATABASE_URL": postgres_url}
    ok(somatrace("migrate", data=data, env=on_postgres))
    refused = somatrace("restore", str(backup), "--yes", data=data, env=on_postgres)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    assert "holds a SQLite database; this installation uses PostgreSQL" in refused.stderr


def test_a_damaged_backup_is_refused_before_anything_changes(tmp_path: Path) -> None:
    data = tmp_path / "data"
    ok(somatrace("migrate", data=data))
    ok(somatrace("shell", "-c", SETUP, data=data))
    backup = tmp_path / "plain.tar.gz"
    ok(somatrace("backup", str(backup), data=data))
    # The same archive with one byte of the database changed and the manifest kept.
    with tarfile.open(backup, "r:gz") as archive:
        members = [(m, archive.extractfile(m).read()) for m in archive.getmembers()]  # type: ignore[union-attr]
    tampered = tmp_path / "tampered.tar.gz"
    with tarfile.open(tampered, "w:gz") as archive:
        for member, body in members:
            if member.name.startswith("database/"):
                body = body[:-1] + bytes([body[-1] ^ 1])
            archive.addfile(member, io.BytesIO(body))
    ok(somatrace("shell", "-c", ALTER, data=data))
    refused = somatrace("restore", str(tampered), "--yes", data=data)
    assert refused.returncode != 0 and "does not match its manifest" in refused.stderr
    assert state(data)[0] == [
        "Added Later",
        "Changed Name",
    ]


def test_the_passphrase_is_asked_for_at_a_terminal(tmp_path: Path) -> None:
    """Typed at the prompt (twice when choosing it), never on the command line."""
    import pexpect

    data = tmp_path / "data"
    ok(somatrace("migrate", data=data))
    ok(somatrace("shell", "-c", SETUP, data=data))
    env = {"PATH": "/usr/bin:/bin", "SOMATRACE_DATA_DIR": str(data), "HOME": str(tmp_path)}
    backup = tmp_path / "asked.age"

    def run(args: list[str], answers: list[tuple[str, str]]) -> str:
        child = pexpect.spawn(
            sys.executable, ["-m", "somatrace.cli", *args], encoding="utf-8", timeout=120, env=env
        )
        for prompt, answer in answers:
            child.expect(prompt)
            child.sendline(answer)
        child.expect(pexpect.EOF)
        child.close()
        assert child.exitstatus == 0, child.before
        return str(child.before)

    made = run(
        ["backup", str(backup), "--passphrase"],
        [("Backup passphrase: ", PASSPHRASE), ("Again: ", PASSPHRASE)],
    )
    assert "encrypted to a passphrase" in made and PASSPHRASE not in made
    ok(somatrace("shell", "-c", ALTER, data=data))
    restored = run(
        ["restore", str(backup)], [("Backup passphrase: ", PASSPHRASE), (r"\[y/N\] ", "y")]
    )
    assert "Restored" in restored
    assert state(data)[0] == ["Quinn Example"]


@pytest.mark.django_db
def test_a_waiting_recording_restored_into_another_data_directory_is_still_analysed(
    settings, tmp_path: Path, client_record
) -> None:
    """The recording row names the file where it was first kept; the restore put it back
    under this installation's data directory, and the worker finds it there."""
    settings.DATA_DIR = tmp_path
    (tmp_path / "uploads").mkdir()
    kept = tmp_path / "uploads" / "5a6b7c8d.upload"
    kept.write_bytes(rr_file(settling_rr(300, 1800, 300)))
    recording = Recording.objects.create(
        client=client_record, upload_path="/srv/old-machine/var/uploads/5a6b7c8d.upload"
    )
    process_upload.func(recording.pk, None, None)
    recording.refresh_from_db()
    assert recording.status == "done" and recording.upload_path == ""
    assert not kept.exists()
