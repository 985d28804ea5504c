from datetime import timedelta

import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.testing import make_client, make_member, make_session
from somatrace.transfer.services import record_whole_database


@pytest.mark.django_db
def test_the_owner_sees_reads_made_by_practitioners(
    login, owner, practitioner, client_record
) -> None:
    login(practitioner).get(f"/clients/{client_record.pk}/")
    page = login(owner).get("/practice/audit/").content.decode()
    assert "Pat Practitioner" in page and "Viewed" in page and f"#{client_record.pk}" in page


@pytest.mark.django_db
def test_it_filters_by_action_person_client_and_date(
    login, owner, practitioner, colleague, client_record, practice
) -> None:
    old = timezone.now() - timedelta(days=30)
    AuditEvent.objects.create(
        actor=colleague,
        practice_id=practice.pk,
        action="update",
        object_type="x",
        client_id=999,
        at=old,
    )
    AuditEvent.objects.create(
        actor=practitioner,
        practice_id=practice.pk,
        action="read",
        object_type="x",
        client_id=client_record.pk,
    )
    browser = login(owner)

    def rows(query: str) -> int:
        return browser.get("/practice/audit/?" + query).context["page"].paginator.count

    assert rows("action=update") == 1
    assert rows(f"actor={practitioner.pk}") == 1
    assert rows(f"client={client_record.pk}") == 1
    assert rows(f"since={(timezone.now() - timedelta(days=1)).date()}") == 1
    assert rows(f"until={(timezone.now() - timedelta(days=29)).date()}") == 1


@pytest.mark.django_db
def test_it_survives_nonsense_filters(login, owner) -> None:
    response = login(owner).get("/practice/audit/?since=yesterday&client=abc&page=-4")
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_validates_ownership(
    login, outsider, practitioner, assistant, owner, client_record, practice
) -> None:
    AuditEvent.objects.create(
        actor=owner, practice_id=practice.pk, action="read", object_type="secret-type"
    )
    assert "secret-type" not in login(outsider).get("/practice/audit/").content.decode()
    for user in (practitioner, assistant):
        assert login(user).get("/practice/audit/").status_code == 403


@pytest.mark.django_db
def test_it_names_records_and_clients_in_words(login, owner, practitioner, client_record) -> None:
    session = make_session(client_record)
    login(practitioner).get(f"/sessions/{session.pk}/")
    page = login(owner).get("/practice/audit/").content.decode()
    assert "Session" in page and "therapy.session" not in page
    assert f'<a href="/clients/{client_record.pk}/">Quinn Example</a>' in page


@pytest.mark.django_db
def test_it_finds_a_clients_entries_by_name_without_putting_the_name_in_the_address(
    login, owner, practitioner, practice, client_record
) -> None:
    other = make_client(practice, practitioner, name="Rowan Elsewhere")
    browser = login(practitioner)
    browser.get(f"/clients/{client_record.pk}/")
    browser.get(f"/clients/{other.pk}/")
    response = login(owner).post("/practice/audit/", {"client_name": "quinn", "page": "1"})
    rows = response.context["rows"]
    assert rows and {row["event"].client_id for row in rows} == {client_record.pk}
    assert "quinn" not in response.request["PATH_INFO"] and not response.request["QUERY_STRING"]


@pytest.mark.django_db
def test_a_backup_is_in_every_practices_log_and_only_theirs(
    login, owner, practice, other_practice
) -> None:
    assert record_whole_database("backup", "export") == 2  # two practices, one row each
    page = login(owner).get("/practice/audit/").content.decode()
    assert "Whole database (backup or restore)" in page and "Exported" in page
    assert page.count("Whole database (backup or restore)") == 1  # not the other's row
    assert "Command line" in page
    theirs = make_member(other_practice, role="owner")
    assert "Whole database" in login(theirs).get("/practice/audit/").content.decode()
