import pytest

from somatrace.alerts.models import Alert
from somatrace.audit.models import AuditEvent
from somatrace.testing import make_alert


@pytest.fixture
def alert(client_record):
    practice = client_record.practice
    practice.crisis_resources = "Call 999. Samaritans 116 123."
    practice.safety_protocol = "Phone the client today."
    practice.save()
    return make_alert(
        client_record, "intake.suicidal_thoughts", "Intake safety screen: thoughts of suicide"
    )


@pytest.mark.django_db
def test_it_shows_the_protocol_and_crisis_resources(login, practitioner, alert) -> None:
    page = login(practitioner).get(f"/alerts/{alert.pk}/").content.decode()
    assert "Phone the client today." in page and "Samaritans 116 123" in page


@pytest.mark.django_db
def test_acknowledging_needs_a_note_and_records_who_and_when(login, practitioner, alert) -> None:
    browser = login(practitioner)
    response = browser.post(f"/alerts/{alert.pk}/", {"note": ""})
    assert "needs a note" in response.content.decode()
    alert.refresh_from_db()
    assert alert.is_open
    browser.post(f"/alerts/{alert.pk}/", {"note": "Called at 14:10; safe; GP tomorrow"})
    alert.refresh_from_db()
    assert not alert.is_open and alert.acknowledged_by == practitioner
    event = AuditEvent.objects.get(action="update", object_type="alerts.alert")
    assert event.actor == practitioner and "acknowledgement_note" in event.fields
    assert "Intake safety screen" not in browser.get("/").content.decode()


@pytest.mark.django_db
def test_an_alert_stays_until_acknowledged(client_record, alert) -> None:
    again = make_alert(client_record, "intake.suicidal_thoughts", "again")
    assert again.pk == alert.pk and Alert.objects.count() == 1


@pytest.mark.django_db
def test_an_owner_can_acknowledge(login, owner, alert) -> None:
    login(owner).post(f"/alerts/{alert.pk}/", {"note": "Spoke with Pat"})
    alert.refresh_from_db()
    assert alert.acknowledged_by == owner


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, colleague, assistant, alert) -> None:
    for user in (outsider, colleague, assistant):
        browser = login(user)
        assert browser.get(f"/alerts/{alert.pk}/").status_code in (403, 404)
        assert browser.post(f"/alerts/{alert.pk}/", {"note": "x"}).status_code in (403, 404)
    alert.refresh_from_db()
    assert alert.is_open
