"""Files in an S3-compatible bucket (SOMATRACE_STORAGE=s3): moto's S3 server, a real HTTP
implementation of S3, stands in for the bucket; Somatrace talks to it through django-storages
and boto3 exactly as it would to a cloud's. Nothing may land on the local disk."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from moto.server import ThreadedMotoServer

from somatrace import settings as somatrace_settings
from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Attachment
from somatrace.clients.testing import PDF_BYTES
from somatrace.physio import services
from somatrace.physio.models import Recording
from somatrace.physio.testing import rr_file, settling_rr
from somatrace.testing import make_session

BUCKET = "somatrace-test"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def s3_server() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_server: str, settings: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A fresh bucket, and Somatrace configured for it by its environment variables."""
    for name, value in {
        "SOMATRACE_STORAGE": "s3",
        "SOMATRACE_S3_BUCKET": BUCKET,
        "SOMATRACE_S3_ENDPOINT_URL": s3_server,
        "SOMATRACE_S3_ACCESS_KEY": "test-access-key",
        "SOMATRACE_S3_SECRET_KEY": "test-secret-key",
        "SOMATRACE_S3_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    s3 = boto3.resource(
        "s3",
        endpoint_url=s3_server,
        aws_access_key_id="test-access-key",
        aws_secret_access_key="test-secret-key",
        region_name="us-east-1",
    )
    store = s3.Bucket(BUCKET)
    if store.creation_date is None:
        store.create()
    store.objects.all().delete()
    settings.STORAGES = {**settings.STORAGES, "default": somatrace_settings._s3_storage()}
    return store


def keys(bucket: Any) -> list[str]:
    return sorted(item.key for item in bucket.objects.all())


def local_files(settings: Any) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.django_db(transaction=True)  # the worker closes and reopens its connection
def test_a_large_recording_waits_in_the_bucket_and_the_worker_reads_it_from_there(
    bucket,
    settings,
    login,
    practitioner,
    client_record,
    monkeypatch,
    django_capture_on_commit_callbacks,
) -> None:
    monkeypatch.setattr(services, "SYNC_LIMIT_BYTES", 1000)
    session = make_session(client_record, duration_minutes=60)
    data = rr_file(settling_rr(300, 1800, 300))
    browser = login(practitioner)
    with django_capture_on_commit_callbacks(execute=True):
        response = browser.post(
            f"/physio/sessions/{session.pk}/recordings/new/",
            {"file": SimpleUploadedFile("big.txt", data)},
        )
    assert response.status_code == 302
    recording = Recording.objects.get()
    assert recording.status == "pending"
    (waiting,) = keys(bucket)
    assert waiting == recording.upload_path and waiting.startswith("uploads/")
    assert bucket.Object(waiting).get()["Body"].read() == data
    assert local_files(settings) == []

    call_command("worker", batch=True, verbosity=0)  # the database queue, as a worker runs it

    recording.refresh_from_db()
    assert (recording.status, recording.upload_path) == ("done", "")
    assert keys(bucket) == []  # read, analysed, deleted
    assert AuditEvent.objects.filter(action="update", object_id=recording.pk).count() == 1
    page = browser.get(f"/physio/recordings/{recording.pk}/")
    assert page.status_code == 200


@pytest.mark.django_db
def test_a_document_is_kept_in_the_bucket_and_its_checksum_still_guards_it(
    bucket, settings, login, practitioner, client_record, django_capture_on_commit_callbacks
) -> None:
    browser = login(practitioner)
    response = browser.post(
        f"/clients/{client_record.pk}/attachments/",
        {
            "title": "GP clearance letter",
            "kind": "clearance_letter",
            "file": SimpleUploadedFile("letter.pdf", PDF_BYTES, content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    (stored,) = keys(bucket)
    assert stored == attachment.file.name and stored.startswith("attachments/")
    assert local_files(settings) == []
    url = f"/clients/{client_record.pk}/attachments/{attachment.pk}/"
    shown = browser.get(url)
    assert shown.status_code == 200 and shown.content == PDF_BYTES
    assert hashlib.sha256(shown.content).hexdigest() == attachment.sha256

    bucket.Object(stored).put(Body=b"<html>changed behind Somatrace's back</html>")
    assert browser.get(url).status_code == 409

    with django_capture_on_commit_callbacks(execute=True):
        assert browser.post(f"{url}delete/").status_code == 302
    assert keys(bucket) == []  # removed after the commit


def test_s3_without_a_bucket_is_a_configuration_error(monkeypatch) -> None:
    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.delenv("SOMATRACE_S3_BUCKET", raising=False)
    with pytest.raises(ImproperlyConfigured, match="SOMATRACE_S3_BUCKET"):
        somatrace_settings._s3_storage()
