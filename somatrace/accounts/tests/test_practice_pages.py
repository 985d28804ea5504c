import pytest
from django.core import mail

from somatrace.accounts.models import Membership, Role
from somatrace.clients.models import ConsentForm


@pytest.mark.django_db
def test_the_owner_changes_settings(login, owner, practice) -> None:
    data = {
        "name": "Riverside",
        "time_zone": "Europe/Paris",
        "crisis_resources": "112",
        "safety_protocol": "Call",
    }
    assert login(owner).post("/practice/", data).status_code == 302
    practice.refresh_from_db()
    assert practice.time_zone == "Europe/Paris" and practice.crisis_resources == "112"


@pytest.mark.django_db
def test_it_refuses_an_unknown_time_zone(login, owner, practice) -> None:
    response = login(owner).post("/practice/", {"name": "Riverside", "time_zone": "Mars/Olympus"})
    assert "Select a valid choice" in response.content.decode()
    practice.refresh_from_db()
    assert practice.time_zone == "Europe/London"


@pytest.mark.django_db
def test_publishing_consent_makes_a_new_version(login, owner, practice) -> None:
    browser = login(owner)
    browser.post("/practice/consent/", {"title": "Consent", "body": "Version one"})
    browser.post("/practice/consent/", {"title": "Consent", "body": "Version two"})
    response = browser.post("/practice/consent/", {"title": "Consent", "body": "Version two"})
    assert "unchanged" in response.content.decode()
    assert list(ConsentForm.objects.filter(practice=practice).values_list("version", "body")) == [
        (2, "Version two"),
        (1, "Version one"),
    ]


@pytest.mark.django_db
def test_adding_a_member_emails_them_a_link(login, owner, practice) -> None:
    data = {"full_name": "Nia New", "email": "Nia@Example.test", "role": "practitioner"}
    assert login(owner).post("/practice/team/", data).status_code == 302
    membership = Membership.objects.get(user__email="nia@example.test")
    assert membership.practice == practice and membership.role == Role.PRACTITIONER
    assert len(mail.outbox) == 1 and "/password/reset/" in mail.outbox[0].body


@pytest.mark.django_db
def test_it_refuses_an_email_already_in_use(login, owner, practitioner) -> None:
    response = login(owner).post(
        "/practice/team/", {"full_name": "Dup", "email": practitioner.email, "role": "assistant"}
    )
    assert "already has an account" in response.content.decode()


@pytest.mark.django_db
def test_the_last_owner_cannot_step_down(login, owner) -> None:
    response = login(owner).post(f"/practice/team/{owner.membership.pk}/", {"role": "practitioner"})
    assert "at least one owner" in response.content.decode()
    owner.membership.refresh_from_db()
    assert owner.membership.role == Role.OWNER


@pytest.mark.django_db
def test_the_owner_grants_a_practitioner_the_whole_practice(login, owner, practitioner) -> None:
    login(owner).post(
        f"/practice/team/{practitioner.membership.pk}/",
        {"role": "practitioner", "sees_all_clients": "on"},
    )
    practitioner.membership.refresh_from_db()
    assert practitioner.membership.sees_all_clients


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, practitioner) -> None:
    response = login(outsider).post(
        f"/practice/team/{practitioner.membership.pk}/", {"role": "owner"}
    )
    assert response.status_code == 404
    practitioner.membership.refresh_from_db()
    assert practitioner.membership.role == Role.PRACTITIONER
