from collections.abc import Callable

import pytest
from django.core.management.color import no_style
from django.db import DatabaseError, connection, models, transaction
from django.db.models import ProtectedError
from django.db.models.deletion import Collector

from somatrace.audit.models import AppendOnlyError, AuditEvent, append_only_guards_present
from somatrace.core.db import TEST_DATABASE_MARK


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
def test_no_url_edits_the_log(login, owner, event) -> None:
    """The log page takes POSTs only as filters (so a client's name never sits in a URL)."""
    browser = login(owner)
    before = AuditEvent.objects.count()
    response = browser.post("/practice/audit/", {"action": "delete"})
    assert response.status_code == 200 and response.context["page"].paginator.count == 0
    assert AuditEvent.objects.get(pk=event.pk).action == "read"
    assert AuditEvent.objects.count() == before


# --- Every Django path, and the database underneath ------------------------------------


def _refused(attempt: Callable[[], object]) -> None:
    """The attempt fails (a friendly error from Django, or the database's trigger) and, in a
    savepoint of its own, leaves the transaction usable on PostgreSQL."""
    with pytest.raises((AppendOnlyError, DatabaseError)), transaction.atomic():
        attempt()


def _unchanged(event: AuditEvent) -> None:
    row = AuditEvent.objects.filter(pk=event.pk).values_list("action", "object_id").get()
    assert row == ("read", 1)


def _rewrite(event: AuditEvent) -> AuditEvent:
    event.action = "delete"
    return event


@pytest.mark.django_db
@pytest.mark.parametrize(
    "attempt",
    [
        pytest.param(
            lambda e: AuditEvent._base_manager.filter(pk=e.pk).update(action="x"), id="base-update"
        ),
        pytest.param(lambda e: AuditEvent._base_manager.filter(pk=e.pk).delete(), id="base-delete"),
        pytest.param(
            lambda e: AuditEvent._default_manager.filter(pk=e.pk).delete(), id="default-delete"
        ),
        pytest.param(
            lambda e: AuditEvent._base_manager.bulk_update([_rewrite(e)], ["action"]),
            id="base-bulk-update",
        ),
        pytest.param(
            lambda e: AuditEvent.objects.bulk_update([_rewrite(e)], ["action"]), id="bulk-update"
        ),
        pytest.param(lambda e: _rewrite(e).save(force_update=True), id="save-force-update"),
        pytest.param(lambda e: _rewrite(e).save_base(), id="save-base"),
        pytest.param(lambda e: models.Model.save(_rewrite(e)), id="model-save"),
        pytest.param(lambda e: models.Model.delete(e), id="model-delete"),
        pytest.param(
            lambda e: AuditEvent.objects.filter(pk=e.pk)._raw_delete("default"), id="raw-delete"
        ),
        pytest.param(
            lambda e: AuditEvent._base_manager.filter(pk=e.pk)._update(
                [(AuditEvent._meta.get_field("action"), None, "x")]
            ),
            id="private-update",
        ),
        pytest.param(lambda e: _collector_delete(e), id="collector"),
        pytest.param(lambda e: _upsert_over(e), id="bulk-create-upsert"),
    ],
)
def test_no_django_path_changes_or_removes_an_event(event, attempt) -> None:
    _refused(lambda: attempt(event))
    _unchanged(event)


def _collector_delete(event: AuditEvent) -> None:
    collector = Collector(using="default", origin=event)
    collector.collect([event])
    collector.delete()


def _upsert_over(event: AuditEvent) -> None:
    copy = AuditEvent(
        pk=event.pk, practice_id=event.practice_id, action="delete", object_type="x", object_id=2
    )
    AuditEvent.objects.bulk_create(
        [copy], update_conflicts=True, unique_fields=["id"], update_fields=["action", "object_id"]
    )


@pytest.mark.django_db
def test_deleting_a_person_the_log_names_is_refused(event, owner) -> None:
    with pytest.raises(ProtectedError), transaction.atomic():
        owner.delete()
    _unchanged(event)


@pytest.mark.django_db
def test_the_database_refuses_a_delete_whatever_code_asks(event) -> None:
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
    _unchanged(event)


@pytest.mark.django_db
def test_flushing_a_database_that_is_not_a_test_database_is_refused(event) -> None:
    """`somatrace flush` would empty the log: outside a test run the database refuses it."""
    tables = ["audit_auditevent"]
    statements = connection.ops.sql_flush(no_style(), tables)
    guard = connection.settings_dict["TEST"].pop(TEST_DATABASE_MARK)
    try:
        outside = connection.ops.sql_flush(no_style(), tables)
    finally:
        connection.settings_dict["TEST"][TEST_DATABASE_MARK] = guard
    assert len(outside) < len(statements)  # the test database's flush lifts the guard
    if connection.vendor == "postgresql":  # TRUNCATE waits for no deferred foreign key check
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        connection.ops.execute_sql_flush(outside)
    _unchanged(event)


@pytest.mark.django_db
def test_the_guards_are_in_place_after_the_test_database_was_built() -> None:
    assert append_only_guards_present(connection)


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_still_empties_the_log_afterwards(practice, owner) -> None:
    """Django's flush after this test must get past the guards, on a test database only."""
    AuditEvent.objects.create(practice_id=practice.pk, action="read", object_type="x")
    assert append_only_guards_present(connection)


@pytest.mark.django_db(transaction=True)
def test_the_guards_are_back_after_a_flush() -> None:
    assert not AuditEvent.objects.exists()
    assert append_only_guards_present(connection)
