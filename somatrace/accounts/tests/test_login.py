import pytest
from django.core import mail

from somatrace.testing import PASSWORD


@pytest.mark.django_db
def test_it_logs_in_by_email_case_insensitively(client, practitioner) -> None:
    response = client.post(
        "/login/", {"username": practitioner.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db
def test_a_wrong_password_gets_a_clear_message(client, practitioner) -> None:
    response = client.post("/login/", {"username": practitioner.email, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct email and password" in response.content.decode()


@pytest.mark.django_db
def test_it_locks_out_after_five_failures(client, practitioner) -> None:
    for _ in range(5):
        client.post("/login/", {"username": practitioner.email, "password": "wrong"})
    response = client.post("/login/", {"username": practitioner.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


@pytest.mark.django_db
def test_logout_ends_the_session(login, practitioner) -> None:
    browser = login(practitioner)
    assert browser.post("/logout/").status_code == 302
    assert browser.get("/").status_code == 302


@pytest.mark.django_db
def test_password_reset_sends_a_working_link(client, practitioner) -> None:
    client.post("/password/reset/", {"email": practitioner.email})
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/" in line)
    path = link.split("testserver", 1)[1]
    response = client.get(path, follow=True)
    assert "Choose a new password" in response.content.decode()
    form_url = response.redirect_chain[-1][0]
    client.post(
        form_url, {"new_password1": "a-brand-new-secret-9", "new_password2": "a-brand-new-secret-9"}
    )
    response = client.post(
        "/login/", {"username": practitioner.email, "password": "a-brand-new-secret-9"}
    )
    assert response.status_code == 302 and response.url == "/"


@pytest.mark.django_db
def test_password_reset_does_not_reveal_who_has_an_account(client) -> None:
    response = client.post("/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302 and len(mail.outbox) == 0


@pytest.mark.django_db
def test_password_change_checks_the_old_password(login, practitioner) -> None:
    browser = login(practitioner)
    response = browser.post(
        "/password/change/",
        {
            "old_password": "nope",
            "new_password1": "x-new-secret-77",
            "new_password2": "x-new-secret-77",
        },
    )
    assert "Your old password was entered incorrectly" in response.content.decode()
    response = browser.post(
        "/password/change/",
        {
            "old_password": PASSWORD,
            "new_password1": "x-new-secret-77",
            "new_password2": "x-new-secret-77",
        },
    )
    assert response.status_code == 302
    practitioner.refresh_from_db()
    assert practitioner.check_password("x-new-secret-77")


@pytest.mark.django_db
def test_a_user_without_a_practice_is_refused_politely(client, django_user_model) -> None:
    user = django_user_model.objects.create_user("loner@example.test", PASSWORD, full_name="Lone")
    client.force_login(user)
    response = client.get("/")
    assert response.status_code == 403
    assert "No access" in response.content.decode()
