"""The client's rights in the portal: download everything held about them, ask for deletion;
the owner decides, with the practice's retention period in view."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest

from somatrace.accounts.models import ClientAccount, User
from somatrace.audit.models import AuditEvent
from somatrace.billing.testing import make_invoice
from somatrace.clients.models import Client
from somatrace.clients.testing import make_attachment
from somatrace.mail.testing import deliver_queued_mail
from somatrace.portal.models import DeletionRequest
from somatrace.portal.testing import make_deletion_request
from somatrace.testing import PASSWORD, make_client_account, make_session


@pytest.fixture
def account(client_record: Any) -> Any:
    client_record.email = "quinn@example.test"
    client_record.save()
    return make_client_account(client_record, email="quinn@example.test")


@pytest.fixture
def browser(client: Any, portal_login: Any, account: Any) -> Any:
    return portal_login(client, account)


@pytest.mark.django_db
def test_the_client_downloads_everything_held_about_them(browser, client_record) -> None:
    make_session(client_record, subjective="Shoulders softened")
    response = browser.post("/portal/my-data/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="my-records.zip"'
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"record.html", "manifest.json", "data/clients.client.jsonl"} <= names
    assert "Shoulders softened" in archive.read("record.html").decode()
    row = AuditEvent.objects.get(action="export")
    assert (row.actor_kind, row.channel, row.client_id) == ("client", "portal", client_record.pk)
    assert browser.get("/portal/my-data/download/").status_code == 405


@pytest.mark.django_db
def test_a_deletion_request_reaches_the_owner_with_the_retention_period(
    browser, login, client, owner, practitioner, client_record
) -> None:
    browser.post("/portal/my-data/delete/", {"note": "Moving abroad"})
    again = browser.post("/portal/my-data/delete/", {"note": "again"}, follow=True)
    assert b"You have asked already" in again.content
    request = DeletionRequest.objects.get()
    assert (request.status, request.note, request.client_number) == (
        "pending",
        "Moving abroad",
        client_record.pk,
    )
    client.logout()
    page = login(owner).get("/practice/deletion-requests/")
    assert b"Moving abroad" in page.content
    assert b"<strong>8 years</strong>" in page.content
    assert b"The law of your country may require you to keep" in page.content
    assert b"1 client asked" in login(owner).get("/").content
    practitioner_page = login(practitioner).get("/practice/deletion-requests/")
    assert practitioner_page.status_code == 403


@pytest.mark.django_db
def test_the_owner_keeps_the_records_with_a_reason_the_client_reads(
    client, portal_login, login, owner, account, client_record
) -> None:
    request = make_deletion_request(client_record)
    staff = login(owner)
    refused = staff.post(f"/deletion-requests/{request.pk}/decide/", {"decision": "keep"})
    assert refused.status_code == 302
    request.refresh_from_db()
    assert request.status == "pending"
    staff.post(
        f"/deletion-requests/{request.pk}/decide/",
        {"decision": "keep", "reason": "The law asks us to keep records for 8 years."},
    )
    request.refresh_from_db()
    assert (request.status, request.decided_by_id) == ("kept", owner.pk)
    row = AuditEvent.objects.filter(object_type="portal.deletionrequest", action="update").get()
    assert (row.actor_id, row.client_id) == (owner.pk, client_record.pk)
    client.logout()
    page = portal_login(client, account).get("/portal/my-data/")
    assert b"The law asks us to keep records for 8 years." in page.content


@pytest.mark.django_db
def test_erasing_deletes_the_record_closes_the_account_and_tells_the_client(
    client, login, owner, account, client_record, smtp_server, django_capture_on_commit_callbacks
) -> None:
    attachment = make_attachment(client_record)
    stored = Path(attachment.file.path)
    assert stored.exists()
    request = make_deletion_request(client_record)
    staff = login(owner)
    unconfirmed = staff.post(f"/deletion-requests/{request.pk}/decide/", {"decision": "erase"})
    assert unconfirmed.status_code == 302
    assert Client.objects.filter(pk=client_record.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(
            f"/deletion-requests/{request.pk}/decide/", {"decision": "erase", "confirm": "on"}
        )
    assert not Client.objects.filter(pk=client_record.pk).exists()
    assert not ClientAccount.objects.exists()
    user = User.objects.get(pk=account.pk)
    assert (user.is_active, user.full_name, user.has_usable_password()) == (False, "", False)
    assert "quinn" not in user.email
    assert not stored.exists()
    request.refresh_from_db()
    assert (request.status, request.client_id, request.client_number) == (
        "erased",
        None,
        client_record.pk,
    )
    assert AuditEvent.objects.filter(
        action="delete", object_type="clients.client", client_id=client_record.pk
    ).exists()
    assert deliver_queued_mail() == 1
    assert smtp_server.messages[0]["To"] == "quinn@example.test"
    staff.logout()
    signed_in = client.post(
        "/portal/login/", {"username": "quinn@example.test", "password": PASSWORD}
    )
    assert signed_in.status_code == 200  # refused: the account is closed


@pytest.mark.django_db
def test_erasing_a_client_with_invoices_erases_nothing_and_says_why(
    login, owner, account, client_record
) -> None:
    make_invoice(client_record)
    request = make_deletion_request(client_record)
    staff = login(owner)
    answer = staff.post(
        f"/deletion-requests/{request.pk}/decide/",
        {"decision": "erase", "confirm": "on"},
        follow=True,
    )
    assert answer.status_code == 200
    said = " ".join(str(m) for m in answer.context["messages"])
    assert said.startswith("Nothing was erased: this client's ")
    assert "invoices must be kept" in said
    assert "tax law" in said
    assert Client.objects.filter(pk=client_record.pk).exists()
    assert ClientAccount.objects.filter(client=client_record, user=account).exists()
    request.refresh_from_db()
    assert (request.status, request.client_id) == ("pending", client_record.pk)
    assert not AuditEvent.objects.filter(action="delete", object_type="clients.client").exists()


@pytest.mark.django_db
def test_another_practices_owner_cannot_decide(login, outsider, client_record) -> None:
    request = make_deletion_request(client_record)
    response = login(outsider).post(
        f"/deletion-requests/{request.pk}/decide/", {"decision": "erase", "confirm": "on"}
    )
    assert response.status_code == 404
    assert Client.objects.filter(pk=client_record.pk).exists()


@pytest.mark.django_db
def test_the_owner_sets_the_retention_period(login, owner, practice) -> None:
    browser = login(owner)
    data = {"name": practice.name, "time_zone": practice.time_zone}
    assert browser.post("/practice/", {**data, "retention_years": "0"}).status_code == 400
    assert browser.post("/practice/", {**data, "retention_years": "10"}).status_code == 302
    practice.refresh_from_db()
    assert practice.retention_years == 10
    row = AuditEvent.objects.filter(object_type="accounts.practice", action="update").get()
    assert row.fields == ["retention_years"]
