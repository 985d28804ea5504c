"""Export the demo practice, import it into a fresh instance (SQLite or PostgreSQL, in a
process of its own), and find the same records and the same pages there.

The demo is seeded once for the module inside a transaction rolled back at its end."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client as Browser

from somatrace.accounts.models import Membership, Practice, Role
from somatrace.core.actor import Actor
from somatrace.core.tests.scratch import scratch_postgres
from somatrace.demo.seed import seed_demo
from somatrace.therapy.models import Session
from somatrace.transfer.archive import MANIFEST, ArchiveError, read_manifest
from somatrace.transfer.services import export_practice

pytestmark = [pytest.mark.django_db, pytest.mark.xdist_group("demo")]


# Rendered in the other instance with Django's test client, signed in as the owner.
PAGES = """
import json
from django.test import Client
from somatrace.accounts.models import Membership
browser = Client()
browser.force_login(Membership.objects.get(role="owner").user)
pages = [browser.get(p) for p in PATHS]
assert [page.status_code for page in pages] == [200] * len(pages)
print(json.dumps([page.content.decode() for page in pages]))
"""


@pytest.fixture(scope="module")
def demo(django_db_setup: None, django_db_blocker: object) -> Iterator[Practice]:
    with django_db_blocker.unblock(), transaction.atomic():  # type: ignore[attr-defined]
        practice = seed_demo(today=date(2026, 11, 25), log=lambda _: None)
        assert practice is not None
        yield practice
        transaction.set_rollback(True)


def somatrace(*args: str, data: Path, database_url: str | None) -> str:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SOMATRACE_", "DJANGO_"))}
    clean.pop("DATABASE_URL", None)
    env = {**clean, "SOMATRACE_DATA_DIR": str(data), "SOMATRACE_DEBUG": "1"}
    env["SOMATRACE_ALLOWED_HOSTS"] = "testserver"
    if database_url:
        env["DATABASE_URL"] = database_url
    result = subprocess.run(
        [sys.executable, "-m", "somatrace.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr + result.stdout
    return result.stdout


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_database(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The database URL of an empty instance (None: SQLite in its data directory)."""
    if request.param == "sqlite":
        yield None
        return
    with scratch_postgres("transfer") as url:
        yield url


def rows(directory: Path) -> dict[str, list[object]]:
    """Each model's rows, parsed: PostgreSQL keeps a JSON field's keys in its own order. A
    session's techniques are named by code: each instance numbers its built-in ones itself."""
    parsed = {
        path.name: [json.loads(line) for line in path.read_text().splitlines()]
        for path in sorted((directory / "data").glob("*.jsonl"))
    }
    manifest = json.loads((directory / MANIFEST).read_text())
    codes = dict(manifest["scope"]["builtin_techniques"])
    codes |= {str(row["pk"]): row["fields"]["code"] for row in parsed["therapy.technique.jsonl"]}
    for row in parsed["therapy.session.jsonl"]:
        fields = row["fields"]
        fields["techniques"] = sorted(codes[str(pk)] for pk in fields["techniques"])
    return parsed


def normalised(page: str) -> str:
    """A page without what differs on every request, process or instance: the form token,
    the chart ids a process counts from its start, and the ids of the built-in exercises
    and techniques offered in forms (each instance numbers its own built-ins: an assignment
    copies its exercise, and an import renumbers a session's techniques by code)."""
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page)
    page = re.sub(r'name="techniques" value="\d+"', 'name="techniques" value=""', page)
    page = re.sub(
        r'<select name="exercise".*?</select>',
        lambda select: re.sub(r'value="\d+"', 'value=""', select.group(0)),
        page,
        flags=re.S,
    )
    return re.sub(r"chart-spec-\d+", "chart-spec", page)


def test_the_demo_practice_moves_to_a_fresh_instance_with_every_record_and_page(
    demo: Practice, tmp_path: Path, fresh_database: str | None
) -> None:
    exported, again, data = tmp_path / "export", tmp_path / "again", tmp_path / "data"
    data.mkdir()
    manifest = export_practice(Actor.command_line(demo.pk, "export practice"), demo, exported)
    assert manifest["counts"]["therapy.session"] == Session.objects.filter(practice=demo).count()
    assert manifest["counts"]["clients.client"] == 60

    somatrace("migrate", "-v0", data=data, database_url=fresh_database)
    somatrace("import", "practice", str(exported), data=data, database_url=fresh_database)
    somatrace("export", "practice", str(again), data=data, database_url=fresh_database)

    before, after = rows(exported), rows(again)
    assert before.keys() == after.keys()
    for name in before:
        if name != "audit.auditevent.jsonl":
            assert after[name] == before[name], name
    # The audit log moved whole; the new instance added the import and its own export.
    assert after["audit.auditevent.jsonl"][:-2] == before["audit.auditevent.jsonl"]
    added = after["audit.auditevent.jsonl"][-2:]
    assert [row["fields"]["action"] for row in added]  # type: ignore[index] == ["create", "export"]

    session = Session.objects.filter(practice=demo).order_by("pk").first()
    assert session is not None
    paths = ["/clients/", f"/clients/{session.client_id}/", f"/sessions/{session.pk}/"]
    code = PAGES.replace("PATHS", json.dumps(paths))
    output = somatrace("shell", "-c", code, data=data, database_url=fresh_database)
    there = json.loads(output.strip().splitlines()[-1])
    browser = Browser()
    browser.force_login(Membership.objects.get(practice=demo, role=Role.OWNER).user)
    here = [browser.get(path).content.decode() for path in paths]
    assert session.client.name in here[0]
    for path, mine, theirs in zip(paths, here, there, strict=True):
        assert normalised(theirs) == normalised(mine), path


def test_an_instance_that_holds_a_practice_refuses_an_import(
    demo: Practice, tmp_path: Path
) -> None:
    export_practice(Actor.command_line(demo.pk, "export practice"), demo, tmp_path / "out")
    with pytest.raises(CommandError, match="already holds a practice"):
        call_command("import", "practice", str(tmp_path / "out"))


def test_a_damaged_export_is_refused_before_anything_is_loaded(
    demo: Practice, tmp_path: Path
) -> None:
    export_practice(Actor.command_line(demo.pk, "export practice"), demo, tmp_path / "out")
    notes = tmp_path / "out" / "data" / "therapy.note.jsonl"
    notes.write_text(notes.read_text().replace("e", "a", 1))
    with pytest.raises(ArchiveError, match=r"therapy\.note\.jsonl does not match its checksum"):
        read_manifest(tmp_path / "out", newest_release=(10**6,))
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("import", "practice", str(tmp_path / "out"))


def test_an_export_refuses_a_directory_that_is_not_empty(demo: Practice, tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(CommandError, match="not empty"):
        call_command("export", "practice", str(tmp_path), "--practice-id", str(demo.pk))
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_a_directory_without_a_manifest_is_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match=f"holds no {MANIFEST}"):
        call_command("import", "practice", str(tmp_path))
