import pytest
from django.db import DatabaseError, connection, transaction

from somatrace.audit.models import AppendOnlyError, AuditEvent


@pytest.fixture
def event(practice, owner):
    return AuditEvent.objects.create(
        actor=owner,
        practice_id=practice.pk,
        action="read",
        object_type="clients.client",
        object_id=1,
    )


@pytest.mark.django_db
def test_an_event_cannot_be_changed_through_the_model(event) -> None:
    event.action = "delete"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


@pytest.mark.django_db
def test_events_cannot_be_changed_in_bulk(event) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="delete")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).action == "read"


@pytest.mark.django_db
def test_the_database_refuses_an_update_whatever_code_asks(event) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'delete' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "read"


@pytest.mark.django_db
def test_postgresql_also_refuses_a_delete(event) -> None:
    if connection.vendor != "postgresql":
        assert connection.vendor == "sqlite"  # SQLite: refused by the application (above)
        return
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


@pytest.mark.django_db
def test_no_url_edits_the_log(login, owner, event) -> None:
    """The log page takes POSTs only as filters (so a client's name never sits in a URL)."""
    browser = login(owner)
    before = AuditEvent.objects.count()
    response = browser.post("/practice/audit/", {"action": "delete"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 0
    assert AuditEvent.objects.get(pk=event.pk).action == "read"
    assert AuditEvent.objects.count() == before
