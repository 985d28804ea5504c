import pytest

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import ConsentRecord
from somatrace.clients.services import ConsentState, can_start_session, consent_status
from somatrace.testing import make_client, make_consent_form


@pytest.fixture
def unconsented(practice, practitioner):
    make_consent_form(practice, "Version one text")
    return make_client(practice, practitioner, name="Uma Unsigned")


@pytest.mark.django_db
def test_it_records_consent_to_the_exact_version(login, practitioner, unconsented) -> None:
    page = login(practitioner).get(f"/clients/{unconsented.pk}/consent/").content.decode()
    assert "Version one text" in page
    response = login(practitioner).post(
        f"/clients/{unconsented.pk}/consent/", {"signed_name": "Uma  Unsigned", "agree": "on"}
    )
    assert response.status_code == 302
    record = ConsentRecord.objects.get(client=unconsented)
    assert record.form.version == 1 and record.signed_name == "Uma Unsigned"
    assert consent_status(unconsented).is_current
    assert AuditEvent.objects.filter(object_type="clients.consentrecord", action="create").exists()


@pytest.mark.django_db
def test_it_needs_the_clients_own_name_and_agreement(login, practitioner, unconsented) -> None:
    response = login(practitioner).post(
        f"/clients/{unconsented.pk}/consent/", {"signed_name": "Someone Else"}
    )
    page = response.content.decode()
    assert "must match the client" in page and "Tick the box" in page
    assert 'value="Someone Else"' in page
    assert not ConsentRecord.objects.exists()


@pytest.mark.django_db
def test_a_new_version_makes_consent_outdated(practice, client_record) -> None:
    assert can_start_session(client_record) == (True, "")
    make_consent_form(practice, "Version two")
    status = consent_status(client_record)
    assert status.state is ConsentState.OUTDATED
    allowed, reason = can_start_session(client_record)
    assert not allowed and "without current consent" in reason


@pytest.mark.django_db
def test_withdrawal_is_recorded_and_blocks_sessions(login, practitioner, client_record) -> None:
    record = client_record.consents.get()
    url = f"/clients/{client_record.pk}/consent/{record.pk}/withdraw/"
    assert login(practitioner).post(url, {"note": ""}).status_code == 400  # a note is required
    response = login(practitioner).post(url, {"note": "Emailed on 3 March to withdraw"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert record.withdrawn_at is not None
    assert consent_status(client_record).state is ConsentState.WITHDRAWN
    assert not can_start_session(client_record)[0]
    assert AuditEvent.objects.filter(
        action="update", object_type="clients.consentrecord"
    ).get().fields == ["withdrawal_note", "withdrawn_at"]


@pytest.mark.django_db
def test_it_explains_when_the_practice_has_no_consent_text(login, practitioner, practice) -> None:
    client = make_client(practice, practitioner)
    response = login(practitioner).get(f"/clients/{client.pk}/consent/", follow=True)
    assert "no consent text yet" in response.content.decode()


@pytest.mark.django_db
def test_it_validates_ownership(
    login, outsider, colleague, assistant, client_record, unconsented
) -> None:
    record = client_record.consents.get()
    for user in (outsider, colleague, assistant):
        browser = login(user)
        assert browser.post(
            f"/clients/{unconsented.pk}/consent/", {"signed_name": "Uma Unsigned", "agree": "on"}
        ).status_code in (403, 404)
        assert browser.post(
            f"/clients/{client_record.pk}/consent/{record.pk}/withdraw/", {"note": "x"}
        ).status_code in (403, 404)
    record.refresh_from_db()
    assert record.withdrawn_at is None
    assert not ConsentRecord.objects.filter(client=unconsented).exists()


@pytest.mark.django_db
def test_a_consent_record_of_another_client_is_not_reachable_through_this_one(
    login, practitioner, practice, client_record
) -> None:
    other = make_client(practice, practitioner, consented=True)
    foreign_record = other.consents.get()
    url = f"/clients/{client_record.pk}/consent/{foreign_record.pk}/withdraw/"
    assert login(practitioner).post(url, {"note": "x"}).status_code == 404


@pytest.mark.django_db
def test_research_use_is_recorded_when_the_client_agrees(login, practitioner, unconsented) -> None:
    login(practitioner).post(
        f"/clients/{unconsented.pk}/consent/",
        {"signed_name": "Uma Unsigned", "agree": "on", "research_use": "on"},
    )
    assert ConsentRecord.objects.get(client=unconsented).research_use
    page = login(practitioner).get(f"/clients/{unconsented.pk}/").content.decode()
    assert "Agreed to de-identified use in research" in page


@pytest.mark.django_db
def test_the_consent_text_reads_as_paragraphs_not_as_wrapped_lines(
    login, practitioner, practice
) -> None:
    make_consent_form(
        practice,
        body="We work gently and at your\npace.\n\n• You can stop at any\n  moment.\n• Ask anything.",
    )
    client = make_client(practice, practitioner)
    page = login(practitioner).get(f"/clients/{client.pk}/consent/").content.decode()
    assert "<p>We work gently and at your pace.</p>" in page
    assert "<ul><li>You can stop at any moment.</li><li>Ask anything.</li></ul>" in page
