"""Subject access: one button, a ZIP with a readable document and the machine-readable
records of this client and no other, audited as an export; nobody else gets it."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.testing import make_painting
from somatrace.testing import make_client, make_session

pytestmark = pytest.mark.django_db


def url(client: Any) -> str:
    return f"/clients/{client.pk}/subject-access/"


def test_the_client_page_offers_the_button_to_the_practitioner_not_to_the_assistant(
    login: Any, practitioner: Any, assistant: Any, client_record: Any
) -> None:
    page = login(practitioner).get(f"/clients/{client_record.pk}/")
    assert b"Everything we hold (subject access)" in page.content
    page = login(assistant).get(f"/clients/{client_record.pk}/")
    assert page.status_code == 200
    assert b"subject access" not in page.content


def test_the_archive_holds_a_readable_document_and_this_clients_records_only(
    login: Any, practitioner: Any, practice: Any, client_record: Any
) -> None:
    session = make_session(client_record, subjective="Shoulders eased after the breath work")
    client_record.tags.create(practice=practice, name="Weekly-mornings")
    make_painting(client_record, session=session, moment="pre")
    other = make_client(practice, name="Other Person", practitioner=practitioner)
    make_session(other, subjective="Not about this client")

    response = login(practitioner).post(url(client_record))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert client_record.name not in response["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"record.html", "manifest.json", "data/therapy.session.jsonl"} <= names
    document = archive.read("record.html").decode()
    assert f"Everything we hold about {client_record.name}" in document
    assert "Shoulders eased after the breath work" in document
    assert "Weekly-mornings" in document  # the client's tags, in words
    assert "data:image/png;base64," in document  # the body map, drawn
    assert "Not about this client" not in document and "Other Person" not in document
    sessions = [
        json.loads(line) for line in archive.read("data/therapy.session.jsonl").splitlines()
    ]
    assert [row["pk"] for row in sessions] == [session.pk]
    manifest = json.loads(archive.read("manifest.json"))
    assert manifest["scope"] == {"kind": "subject-access", "client_id": client_record.pk}
    assert manifest["counts"]["therapy.session"] == 1
    assert manifest["counts"]["bodymaps.painting"] == 1
    assert set(manifest["files"]) == names - {"manifest.json"}
    exported = AuditEvent.objects.filter(action="export", client_id=client_record.pk)
    assert [(e.actor_id, e.object_type) for e in exported] == [(practitioner.pk, "clients.client")]


@pytest.mark.parametrize("who", ["outsider", "colleague", "assistant"])
def test_nobody_else_gets_the_archive(
    request: pytest.FixtureRequest, login: Any, client_record: Any, who: str
) -> None:
    make_session(client_record, subjective="Secret words")
    browser = login(request.getfixturevalue(who))
    for method in (browser.get, browser.post):
        response = method(url(client_record))
        assert response.status_code in {403, 404, 405}
        assert b"Secret words" not in b"".join(getattr(response, "streaming_content", [])) + (
            b"" if response.streaming else response.content
        )
    assert not AuditEvent.objects.filter(action="export").exists()


def test_the_archive_takes_as_many_queries_for_many_sessions_as_for_one(
    login: Any, practitioner: Any, client_record: Any
) -> None:
    browser = login(practitioner)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = browser.post(url(client_record))
            b"".join(response.streaming_content)
        return len(captured)

    make_session(client_record, days_ago=9)
    few = queries()
    for days in range(1, 7):
        session = make_session(client_record, days_ago=days)
        make_painting(client_record, session=session, moment="post")
    assert queries() == few
