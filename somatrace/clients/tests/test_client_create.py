import pytest

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Client

VALID = {
    "name": "Nova Newcomer",
    "preferred_name": "Nova",
    "pronouns": "she/her",
    "date_of_birth": "1988-04-02",
    "email": "nova@example.test",
    "phone": "07700 900123",
    "status": "active",
    "tag_names": "evening, referral: GP",
    "suds_window_low": 3,
    "suds_window_high": 7,
}


@pytest.mark.django_db
def test_it_creates_a_client_with_tags(login, practitioner, practice) -> None:
    response = login(practitioner).post("/clients/new/", {**VALID, "practitioner": practitioner.pk})
    client = Client.objects.get(name="Nova Newcomer")
    assert response.status_code == 302 and response.url == f"/clients/{client.pk}/"
    assert client.practice == practice
    assert sorted(t.name for t in client.tags.all()) == ["evening", "referral: GP"]
    event = AuditEvent.objects.get(action="create", client_id=client.pk)
    assert "name" in event.fields and event.actor == practitioner


@pytest.mark.django_db
def test_it_keeps_what_was_typed_when_something_is_wrong(login, practitioner) -> None:
    data = {
        **VALID,
        "practitioner": practitioner.pk,
        "date_of_birth": "2999-01-01",
        "email": "not-an-email",
    }
    response = login(practitioner).post("/clients/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "cannot be in the future" in page
    assert "Enter a valid email address" in page
    assert 'value="Nova Newcomer"' in page and 'value="07700 900123"' in page
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_it_rejects_oversized_fields_with_a_message(login, practitioner) -> None:
    data = {
        **VALID,
        "practitioner": practitioner.pk,
        "name": "x" * 151,
        "tag_names": "y" * 41,
    }
    response = login(practitioner).post("/clients/new/", data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "at most 150 characters" in page
    assert "at most 40 characters" in page


@pytest.mark.django_db
def test_it_requires_a_name(login, practitioner) -> None:
    response = login(practitioner).post(
        "/clients/new/", {"practitioner": practitioner.pk, "status": "active"}
    )
    assert "This field is required" in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_practitioner_from_another_practice(login, owner, outsider) -> None:
    response = login(owner).post("/clients/new/", {**VALID, "practitioner": outsider.pk})
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Client.objects.exists()


@pytest.mark.django_db
def test_it_refuses_an_assistant_as_the_practitioner(login, owner, assistant) -> None:
    response = login(owner).post("/clients/new/", {**VALID, "practitioner": assistant.pk})
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_it_puts_the_client_in_the_creators_practice_only(login, outsider, other_practice) -> None:
    login(outsider).post("/clients/new/", {**VALID, "practitioner": outsider.pk})
    assert Client.objects.get().practice == other_practice


@pytest.mark.django_db
def test_a_practitioners_new_client_is_their_own_whatever_is_posted(
    login, practitioner, colleague
) -> None:
    login(practitioner).post("/clients/new/", {**VALID, "practitioner": colleague.pk})
    assert Client.objects.get().assigned_practitioner == practitioner


@pytest.mark.django_db
def test_an_assistants_new_client_goes_to_the_owner_who_assigns_it(
    login, assistant, owner, practitioner
) -> None:
    page = login(assistant).get("/clients/new/").content.decode()
    assert 'name="practitioner"' not in page and "Only the owner assigns clients" in page
    login(assistant).post("/clients/new/", {**VALID, "practitioner": practitioner.pk})
    client = Client.objects.get()
    assert client.assigned_practitioner == owner
    assert client.suds_window_low == 3  # the clinical window is not the assistant's to set


@pytest.mark.django_db
def test_the_owner_chooses_the_practitioner(login, owner, practitioner) -> None:
    login(owner).post("/clients/new/", {**VALID, "practitioner": practitioner.pk})
    assert Client.objects.get().assigned_practitioner == practitioner
