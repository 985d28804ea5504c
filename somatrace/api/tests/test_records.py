"""Questionnaires, heart recordings and body maps through the API: read as the owner sees
them, and an RR file uploaded through the same service as the web upload."""

from __future__ import annotations

import numpy as np
import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from somatrace.api.testing import make_token
from somatrace.audit.models import AuditEvent
from somatrace.bodymaps.testing import make_painting
from somatrace.physio.models import Recording
from somatrace.physio.testing import rr_file, settling_rr
from somatrace.testing import make_session

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_an_rr_file_uploaded_through_the_api_is_analysed_like_the_web_upload(
    client, practitioner, client_record
) -> None:
    rr = np.round(settling_rr(60.0, 240.0, 60.0, artefacts=0))
    session = make_session(client_record)
    token = make_token(practitioner, ["recordings:read", "recordings:write"])
    response = client.post(
        f"/api/v1/clients/{client_record.pk}/recordings",
        {"file": SimpleUploadedFile("rr.txt", rr_file(rr)), "session_id": str(session.pk)},
        headers=bearer(token),
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "done" and body["session_id"] == session.pk
    stored = Recording.objects.get()
    assert stored.uploaded_by == practitioner
    # RMSSD by hand from the file's own intervals (no beat needed correcting).
    assert body["metrics"]["n_corrected"] == 0
    expected = float(np.sqrt(np.mean(np.diff(rr) ** 2)))
    assert body["time"]["rmssd_ms"] == pytest.approx(expected, rel=1e-4)
    again = client.get(f"/api/v1/recordings/{stored.pk}", headers=bearer(token)).json()
    assert again["metrics"] == body["metrics"] and again["time"] == body["time"]
    assert AuditEvent.objects.filter(
        action="create", object_type="physio.recording", channel="api", actor=practitioner
    ).exists()


def test_a_file_that_is_not_a_recording_gets_400_and_nothing_is_kept(
    client, practitioner, client_record
) -> None:
    token = make_token(practitioner)
    response = client.post(
        f"/api/v1/clients/{client_record.pk}/recordings",
        {"file": SimpleUploadedFile("notes.txt", b"hello\nworld\n")},
        headers=bearer(token),
    )
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "bad_request"
    assert not Recording.objects.exists()


def test_uploading_needs_the_write_scope_and_a_clinical_owner(
    client, practitioner, assistant, client_record
) -> None:
    data = rr_file(np.round(settling_rr(30.0, 60.0, 30.0, artefacts=0)))
    url = f"/api/v1/clients/{client_record.pk}/recordings"
    reader = make_token(practitioner, ["recordings:read"])
    upload = {"file": SimpleUploadedFile("rr.txt", data)}
    assert client.post(url, upload, headers=bearer(reader)).status_code == 403
    upload = {"file": SimpleUploadedFile("rr.txt", data)}
    assert client.post(url, upload, headers=bearer(make_token(assistant))).status_code == 404
    assert not Recording.objects.exists()


def test_body_maps_and_questionnaires_read_as_the_owner_sees_them(
    client, practitioner, assistant, outsider, client_record
) -> None:
    painting = make_painting(client_record, moment="pre")
    token = make_token(practitioner)
    url = f"/api/v1/clients/{client_record.pk}/paintings"
    items = client.get(url, headers=bearer(token)).json()["items"]
    assert [p["id"] for p in items] == [painting.pk] and items[0]["moment"] == "pre"
    findings = client.get(f"/api/v1/clients/{client_record.pk}/findings", headers=bearer(token))
    assert findings.status_code == 200 and findings.json()["items"] == []
    measures = client.get(
        f"/api/v1/clients/{client_record.pk}/administrations", headers=bearer(token)
    )
    assert measures.status_code == 200 and measures.json()["items"] == []
    for stranger in (assistant, outsider):
        response = client.get(url, headers=bearer(make_token(stranger)))
        assert response.status_code == 404
