import pytest

from somatrace.audit.models import AuditEvent


@pytest.mark.django_db
def test_it_saves_changes_and_audits_which_fields(login, practitioner, client_record) -> None:
    data = {
        "name": "Quinn Example",
        "preferred_name": "Q",
        "status": "paused",
        "practitioner": practitioner.pk,
        "tag_names": "",
        "suds_window_low": 3,
        "suds_window_high": 7,
    }
    response = login(practitioner).post(f"/clients/{client_record.pk}/edit/", data)
    assert response.status_code == 302
    client_record.refresh_from_db()
    assert client_record.preferred_name == "Q" and client_record.status == "paused"
    event = AuditEvent.objects.get(action="update", client_id=client_record.pk)
    assert set(event.fields) == {"preferred_name", "status"}
    assert "Q" not in event.fields  # names of fields, never their values


@pytest.mark.django_db
def test_it_lets_an_assistant_update_contact_details(
    login, assistant, practitioner, client_record
) -> None:
    data = {
        "name": "Quinn Example",
        "phone": "01632 960001",
        "status": "active",
        "practitioner": practitioner.pk,
    }
    assert login(assistant).post(f"/clients/{client_record.pk}/edit/", data).status_code == 302
    client_record.refresh_from_db()
    assert client_record.phone == "01632 960001"


@pytest.mark.django_db
def test_it_shows_errors_and_keeps_input(login, practitioner, client_record) -> None:
    data = {
        "name": "",
        "phone": "01632 960001",
        "status": "bogus",
        "practitioner": practitioner.pk,
    }
    response = login(practitioner).post(f"/clients/{client_record.pk}/edit/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "This field is required" in page and "Select a valid choice" in page
    assert 'value="01632 960001"' in page
    client_record.refresh_from_db()
    assert client_record.name == "Quinn Example"


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, colleague, practitioner, client_record) -> None:
    data = {"name": "Hacked", "status": "active", "practitioner": practitioner.pk}
    for user in (outsider, colleague):
        assert login(user).post(f"/clients/{client_record.pk}/edit/", data).status_code == 404
    client_record.refresh_from_db()
    assert client_record.name == "Quinn Example"


@pytest.mark.django_db
def test_it_sets_the_window_of_tolerance(login, practitioner, client_record) -> None:
    data = {
        "name": "Quinn Example",
        "status": "active",
        "practitioner": practitioner.pk,
        "suds_window_low": 2,
        "suds_window_high": 6,
    }
    assert login(practitioner).post(f"/clients/{client_record.pk}/edit/", data).status_code == 302
    client_record.refresh_from_db()
    assert (client_record.suds_window_low, client_record.suds_window_high) == (2, 6)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "low,high,message",
    [(6, 6, "must be above"), (8, 4, "must be above"), (2, 11, "less than or equal to 10")],
)
def test_it_refuses_an_impossible_window(
    login, practitioner, client_record, low, high, message
) -> None:
    data = {
        "name": "Quinn Example",
        "status": "active",
        "practitioner": practitioner.pk,
        "suds_window_low": low,
        "suds_window_high": high,
    }
    response = login(practitioner).post(f"/clients/{client_record.pk}/edit/", data)
    assert response.status_code == 400 and message in response.content.decode()
    client_record.refresh_from_db()
    assert (client_record.suds_window_low, client_record.suds_window_high) == (3, 7)


@pytest.mark.django_db
def test_only_the_owner_reassigns_a_client_and_it_is_audited_as_access(
    login, owner, practitioner, colleague, assistant, client_record
) -> None:
    data = {
        "name": "Quinn Example",
        "status": "active",
        "practitioner": colleague.pk,
        "suds_window_low": 3,
        "suds_window_high": 7,
    }
    for user in (practitioner, assistant):  # the field is not theirs: it is ignored
        assert login(user).post(f"/clients/{client_record.pk}/edit/", data).status_code == 302
        client_record.refresh_from_db()
        assert client_record.assigned_practitioner == practitioner
    assert not AuditEvent.objects.filter(action="access").exists()
    assert login(owner).post(f"/clients/{client_record.pk}/edit/", data).status_code == 302
    client_record.refresh_from_db()
    assert client_record.assigned_practitioner == colleague
    event = AuditEvent.objects.get(action="access", client_id=client_record.pk)
    assert event.actor == owner and event.fields == ["assigned_practitioner"]
    # The practitioner who held the client no longer sees the record.
    assert login(practitioner).get(f"/clients/{client_record.pk}/").status_code == 404
