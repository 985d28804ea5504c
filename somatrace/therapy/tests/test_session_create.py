import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.therapy.models import Session, Technique


def form_data(practitioner, **overrides):
    data = {
        "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": 60,
        "practitioner": practitioner.pk,
        "pre_suds": 7,
        "post_suds": 3,
        "pre_calm": 3,
        "post_calm": 7,
        "pre_tension": 8,
        "post_tension": 4,
        "techniques": [Technique.objects.get(code="unwinding").pk],
        "subjective": "Neck tight after work",
        "objective": "Trembling in legs and a long exhale",
        "assessment": "Settled",
        "plan": "Two weeks",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_it_records_a_session(login, practitioner, client_record) -> None:
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/sessions/new/", form_data(practitioner)
    )
    session = Session.objects.get()
    assert response.status_code == 302 and response.url == f"/sessions/{session.pk}/"
    assert (session.pre_suds, session.post_suds) == (7, 3)
    assert [t.code for t in session.techniques.all()] == ["unwinding"]
    assert session.practice_id == client_record.practice_id and not session.is_signed
    assert AuditEvent.objects.filter(
        action="create", object_type="therapy.session", client_id=client_record.pk
    ).exists()


@pytest.mark.django_db
def test_it_refuses_without_current_consent(login, practitioner, client_record) -> None:
    client_record.consents.all().delete()
    browser = login(practitioner)
    assert (
        "without current consent"
        in browser.get(f"/clients/{client_record.pk}/sessions/new/").content.decode()
    )
    response = browser.post(f"/clients/{client_record.pk}/sessions/new/", form_data(practitioner))
    assert response.status_code == 409
    assert "without current consent" in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_it_refuses_a_client_on_hold(login, practitioner, client_record) -> None:
    client_record.hold_since = timezone.now()
    client_record.save()
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/sessions/new/", form_data(practitioner)
    )
    assert response.status_code == 409
    assert "on hold for a contraindication" in response.content.decode()
    assert not Session.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "field,value,message",
    [
        ("pre_suds", 11, "whole numbers from 0 to 10"),
        ("post_calm", "seven", "whole numbers from 0 to 10"),
        ("duration_minutes", 0, "greater than or equal to 1"),
        ("starts_at", "yesterday", "Enter a valid date/time"),
        ("starts_at", "1850-01-01T10:00", "outside the expected range"),
        ("subjective", "x" * 10_001, "at most 10000 characters"),
    ],
)
def test_it_rejects_bad_input_and_keeps_the_rest(
    login, practitioner, client_record, field, value, message
) -> None:
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/sessions/new/", form_data(practitioner, **{field: value})
    )
    page = response.content.decode().replace(",", "")
    assert response.status_code == 400
    assert message in page
    assert "Trembling in legs and a long exhale" in page
    assert not Session.objects.exists()


@pytest.mark.django_db
def test_it_refuses_another_practices_technique(
    login, practitioner, client_record, other_practice
) -> None:
    foreign = Technique.objects.create(practice=other_practice, code="secret", label="Secret")
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/sessions/new/",
        form_data(practitioner, techniques=[foreign.pk]),
    )
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_it_validates_ownership(
    login, outsider, colleague, assistant, practitioner, client_record
) -> None:
    for user in (outsider, colleague, assistant):
        response = login(user).post(
            f"/clients/{client_record.pk}/sessions/new/", form_data(practitioner)
        )
        assert response.status_code in (403, 404)
    assert not Session.objects.exists()
