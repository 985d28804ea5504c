"""Documents on a client's record: checked by their content, stored privately under a random
name, shown inline with nothing in them able to run, audited, and for clinical staff only."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from somatrace.audit.models import AuditEvent
from somatrace.clients.documents import MAX_DOCUMENT_BYTES
from somatrace.clients.models import Attachment
from somatrace.clients.testing import PDF_BYTES, jpeg_bytes, make_attachment, png_bytes

pytestmark = pytest.mark.django_db

HTML_PAGE = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def upload(browser: Any, client_record: Any, data: bytes, name: str = "letter.pdf") -> Any:
    return browser.post(
        f"/clients/{client_record.pk}/attachments/",
        {
            "title": "GP clearance letter",
            "kind": "clearance_letter",
            "file": SimpleUploadedFile(name, data, content_type="application/pdf"),
        },
    )


def stored_files() -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.mark.parametrize(
    ("make", "content_type", "extension"),
    [
        (lambda: PDF_BYTES, "application/pdf", ".pdf"),
        (png_bytes, "image/png", ".png"),
        (jpeg_bytes, "image/jpeg", ".jpg"),
    ],
)
def test_an_uploaded_document_is_shown_inline_byte_for_byte_with_its_checked_type(
    login, practitioner, client_record, make, content_type, extension
) -> None:
    data = make()
    browser = login(practitioner)
    response = upload(browser, client_record, data, name="scan.bin")
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.size) == (content_type, len(data))
    assert attachment.sha256 == hashlib.sha256(data).hexdigest()

    shown = browser.get(f"/clients/{client_record.pk}/attachments/{attachment.pk}/")

    assert shown.status_code == 200
    assert shown.content == data
    assert shown["Content-Type"] == content_type
    assert shown["Content-Disposition"] == (
        f'inline; filename="attachment-{attachment.pk}{extension}"'
    )
    assert shown["X-Content-Type-Options"] == "nosniff"
    policy = shown["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "script-src" not in policy
    assert ("sandbox" in policy) is (content_type != "application/pdf")


def test_the_file_is_stored_under_a_random_name_readable_by_the_service_account_only(
    practitioner, client_record
) -> None:
    attachment = make_attachment(client_record)
    (path,) = stored_files()
    assert client_record.name.split()[0].lower() not in attachment.file.name.lower()
    assert "letter" not in attachment.file.name
    assert path.name.endswith(".pdf") and len(path.stem) == 32
    assert os.stat(path).st_mode & 0o777 == 0o600
    assert os.stat(path.parent).st_mode & 0o777 == 0o700


def test_a_file_named_pdf_that_is_an_html_page_is_refused_and_nothing_is_stored(
    login, practitioner, client_record
) -> None:
    response = upload(login(practitioner), client_record, HTML_PAGE, name="letter.pdf")
    assert response.status_code == 400
    assert b"Only PDF documents and PNG or JPEG images can be attached." in response.content
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_a_file_that_starts_like_a_png_but_is_not_one_is_refused(
    login, practitioner, client_record
) -> None:
    fake = b"\x89PNG\r\n\x1a\n" + HTML_PAGE
    response = upload(login(practitioner), client_record, fake, name="photo.png")
    assert response.status_code == 400
    assert b"starts like a PNG image but is damaged" in response.content
    assert not Attachment.objects.exists()


def test_a_file_over_the_limit_is_refused_with_a_message_naming_the_limit(
    login, practitioner, client_record
) -> None:
    data = PDF_BYTES + b"0" * (MAX_DOCUMENT_BYTES + 1 - len(PDF_BYTES))
    response = upload(login(practitioner), client_record, data)
    assert response.status_code == 400
    assert b"larger than the 10 MB limit" in response.content
    assert not Attachment.objects.exists()
    assert stored_files() == []


def test_a_file_exactly_at_the_limit_is_accepted(login, practitioner, client_record) -> None:
    data = PDF_BYTES + b"0" * (MAX_DOCUMENT_BYTES - len(PDF_BYTES))
    assert upload(login(practitioner), client_record, data).status_code == 302
    assert Attachment.objects.get().size == 10 * 1024 * 1024


def test_an_empty_file_is_refused(login, practitioner, client_record) -> None:
    response = upload(login(practitioner), client_record, b"")
    assert response.status_code == 400
    assert b"The file is empty." in response.content
    assert not Attachment.objects.exists()


def test_the_client_page_lists_documents_and_audits_them_with_the_page(
    login, practitioner, client_record, django_assert_max_num_queries
) -> None:
    first = make_attachment(client_record, title="GP clearance letter")
    second = make_attachment(client_record, png_bytes(), title="Signed intake form")
    browser = login(practitioner)
    with django_assert_max_num_queries(60):
        page = browser.get(f"/clients/{client_record.pk}/")
    assert b"GP clearance letter" in page.content
    assert b"Signed intake form" in page.content
    assert f"/clients/{client_record.pk}/attachments/{first.pk}/".encode() in page.content
    row = AuditEvent.objects.filter(action="read").latest("id")
    assert row.object_type == "clients.client"
    assert sorted(row.shown["clients.attachment"]) == sorted([first.pk, second.pk])


def test_create_read_and_delete_each_leave_an_audit_row(
    login, practitioner, client_record, django_capture_on_commit_callbacks
) -> None:
    browser = login(practitioner)
    upload(browser, client_record, PDF_BYTES)
    attachment = Attachment.objects.get()
    url = f"/clients/{client_record.pk}/attachments/{attachment.pk}/"
    browser.get(url)
    with django_capture_on_commit_callbacks(execute=True):  # the file goes once committed
        response = browser.post(url + "delete/")

    assert response.status_code == 302
    rows = AuditEvent.objects.filter(object_type="clients.attachment").order_by("id")
    assert [(r.action, r.object_id, r.client_id, r.actor_id) for r in rows] == [
        ("create", attachment.pk, client_record.pk, practitioner.pk),
        ("read", attachment.pk, client_record.pk, practitioner.pk),
        ("delete", attachment.pk, client_record.pk, practitioner.pk),
    ]
    assert not Attachment.objects.exists()
    assert stored_files() == []


@pytest.mark.parametrize("who", ["outsider", "colleague", "assistant"])
def test_the_wrong_user_gets_nothing_from_a_clients_documents(
    request, login, client_record, who
) -> None:
    attachment = make_attachment(client_record)
    browser = login(request.getfixturevalue(who))
    base = f"/clients/{client_record.pk}/attachments/"

    page = browser.get(f"/clients/{client_record.pk}/")
    shown = browser.get(f"{base}{attachment.pk}/")
    deleted = browser.post(f"{base}{attachment.pk}/delete/")
    uploaded = upload(browser, client_record, PDF_BYTES)

    assert b"GP clearance letter" not in page.content
    for response in (shown, deleted, uploaded):
        assert response.status_code in (403, 404)
        assert PDF_BYTES not in response.content
    assert Attachment.objects.count() == 1
    assert len(stored_files()) == 1
    assert (
        not AuditEvent.objects.filter(object_type="clients.attachment")
        .exclude(action="create")
        .exists()
    )


def test_a_document_is_not_reached_through_another_clients_address(
    login, practitioner, practice, client_record
) -> None:
    other = type(client_record).objects.create(
        practice=practice, name="Other Client", assigned_practitioner=practitioner
    )
    attachment = make_attachment(client_record)
    response = login(practitioner).get(f"/clients/{other.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 404


def test_a_stored_file_changed_behind_somatraces_back_is_not_served(
    login, practitioner, client_record
) -> None:
    attachment = make_attachment(client_record)
    (path,) = stored_files()
    path.write_bytes(HTML_PAGE)
    response = login(practitioner).get(f"/clients/{client_record.pk}/attachments/{attachment.pk}/")
    assert response.status_code == 409
    assert b"has changed since it was stored" in response.content
    assert HTML_PAGE not in response.content
