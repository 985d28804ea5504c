import pytest
from django.core import mail
from django.test import Client as Browser

from somatrace.accounts.models import Membership, Role
from somatrace.audit.models import AuditEvent
from somatrace.clients.models import ConsentForm
from somatrace.testing import PASSWORD


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
    event = AuditEvent.objects.get(action="access", object_type="accounts.membership")
    assert event.actor == owner and event.fields == ["sees_all_clients"]
    assert event.object_id == practitioner.membership.pk


@pytest.mark.django_db
def test_a_change_of_role_is_audited_as_a_change_of_access(login, owner, assistant) -> None:
    login(owner).post(f"/practice/team/{assistant.membership.pk}/", {"role": "practitioner"})
    assistant.membership.refresh_from_db()
    assert assistant.membership.role == Role.PRACTITIONER
    event = AuditEvent.objects.get(action="access")
    assert (event.actor, event.fields, event.practice_id) == (
        owner,
        ["role"],
        assistant.membership.practice_id,
    )


@pytest.mark.django_db
def test_practice_settings_and_new_members_are_audited(login, owner, practice) -> None:
    browser = login(owner)
    browser.post("/practice/", {"name": "Riverside", "time_zone": "Europe/London"})
    assert AuditEvent.objects.get(object_type="accounts.practice").fields == ["name"]
    browser.post(
        "/practice/team/", {"full_name": "Nia", "email": "nia@x.test", "role": "assistant"}
    )
    added = AuditEvent.objects.get(action="access", object_type="accounts.membership")
    assert added.actor == owner and "role" in added.fields


@pytest.mark.django_db
def test_deactivating_a_member_ends_their_sign_in_at_once(
    client, owner, practitioner, client_record
) -> None:
    theirs = Browser()
    theirs.force_login(practitioner, backend="django.contrib.auth.backends.ModelBackend")
    assert theirs.get(f"/clients/{client_record.pk}/").status_code == 200
    ours = Browser()
    ours.force_login(owner, backend="django.contrib.auth.backends.ModelBackend")
    page = ours.get(f"/practice/team/{practitioner.membership.pk}/").content.decode()
    assert "1 client is still assigned to them" in page
    response = ours.post(f"/practice/team/{practitioner.membership.pk}/deactivate/")
    assert response.status_code == 302
    # Their very next request is sent to the login page, and their password no longer works.
    next_request = theirs.get(f"/clients/{client_record.pk}/")
    assert next_request.status_code == 302 and next_request.url.startswith("/login/")
    practitioner.refresh_from_db()
    assert not practitioner.is_active and not practitioner.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="access", object_type="accounts.membership")
    assert event.actor == owner and "is_active" in event.fields


@pytest.mark.django_db
def test_reactivating_a_member_emails_them_a_new_password_link(login, owner, practitioner) -> None:
    browser = login(owner)
    browser.post(f"/practice/team/{practitioner.membership.pk}/deactivate/")
    browser.post(f"/practice/team/{practitioner.membership.pk}/reactivate/")
    practitioner.refresh_from_db()
    assert practitioner.is_active
    assert len(mail.outbox) == 1 and "/password/reset/" in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="access", fields=["is_active"]).count() == 1


@pytest.mark.django_db
def test_an_owner_cannot_deactivate_themselves_or_the_last_owner(login, owner) -> None:
    response = login(owner).post(f"/practice/team/{owner.membership.pk}/deactivate/", follow=True)
    assert "cannot deactivate yourself" in response.content.decode()
    owner.refresh_from_db()
    assert owner.is_active


@pytest.mark.django_db
def test_only_the_owner_deactivates(login, practitioner, colleague, assistant) -> None:
    for user in (practitioner, assistant):
        url = f"/practice/team/{colleague.membership.pk}/deactivate/"
        assert login(user).post(url).status_code == 403
    colleague.refresh_from_db()
    assert colleague.is_active


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, practitioner) -> None:
    response = login(outsider).post(
        f"/practice/team/{practitioner.membership.pk}/", {"role": "owner"}
    )
    assert response.status_code == 404
    practitioner.membership.refresh_from_db()
    assert practitioner.membership.role == Role.PRACTITIONER
