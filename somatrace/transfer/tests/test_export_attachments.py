"""A document attached to a client's record travels with the practice move and with the
client's subject access archive: the row, and the file itself with its checksum."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from somatrace.clients.testing import PDF_BYTES, make_attachment, png_bytes
from somatrace.core.actor import Actor
from somatrace.testing import make_client
from somatrace.transfer.services import export_practice
from somatrace.transfer.tests.test_round_trip import somatrace

READ_THERE = """
import hashlib, json, os
from django.core.files.storage import default_storage
from somatrace.clients.models import Attachment
a = Attachment.objects.get()
with default_storage.open(a.file.name, "rb") as f:
    digest = hashlib.sha256(f.read()).hexdigest()
mode = oct(os.stat(default_storage.path(a.file.name)).st_mode & 0o777)
print(json.dumps({"file": a.file.name, "sha256": digest, "mode": mode}))
"""

pytestmark = pytest.mark.django_db


def test_an_attachments_file_is_in_the_practice_export_with_its_checksum(
    tmp_path: Path, practice: Any, client_record: Any
) -> None:
    attachment = make_attachment(client_record)

    export_practice(Actor.command_line(practice.pk, "export practice"), practice, tmp_path / "out")

    member = f"files/media/{attachment.file.name}"
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert (tmp_path / "out" / member).read_bytes() == PDF_BYTES
    assert manifest["files"][member] == hashlib.sha256(PDF_BYTES).hexdigest()
    assert manifest["counts"]["clients.attachment"] == 1
    (row,) = [
        json.loads(line)
        for line in (tmp_path / "out" / "data" / "clients.attachment.jsonl")
        .read_text()
        .splitlines()
    ]
    assert row["fields"]["file"] == attachment.file.name
    assert row["fields"]["sha256"] == hashlib.sha256(PDF_BYTES).hexdigest()


def test_the_subject_access_archive_holds_this_clients_documents_only(
    login: Any, practitioner: Any, practice: Any, client_record: Any
) -> None:
    mine = make_attachment(client_record)
    other = make_client(practice, name="Other Person", practitioner=practitioner)
    theirs = make_attachment(other, png_bytes())

    response = login(practitioner).post(f"/clients/{client_record.pk}/subject-access/")

    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = archive.namelist()
    (member,) = [name for name in names if name.endswith(mine.file.name)]
    assert archive.read(member) == PDF_BYTES
    assert not [name for name in names if name.endswith(theirs.file.name)]


def test_an_attachment_opens_byte_for_byte_after_the_practice_moves(
    tmp_path: Path, practice: Any, client_record: Any
) -> None:
    """Export here, import into a fresh SQLite instance in a process of its own, and read the
    document there through the storage, as the inline view does."""
    attachment = make_attachment(client_record, png_bytes(7, 5))
    exported, data = tmp_path / "export", tmp_path / "data"
    data.mkdir()
    export_practice(Actor.command_line(practice.pk, "export practice"), practice, exported)

    somatrace("migrate", "-v0", data=data, database_url=None)
    somatrace("import", "practice", str(exported), data=data, database_url=None)
    output = somatrace("shell", "-c", READ_THERE, data=data, database_url=None)

    there = json.loads(output.strip().splitlines()[-1])
    assert there == {
        "file": attachment.file.name,
        "sha256": hashlib.sha256(png_bytes(7, 5)).hexdigest(),
        "mode": "0o600",
    }
