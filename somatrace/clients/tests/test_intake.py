import pytest

from somatrace.alerts.models import Alert
from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Intake
from somatrace.clients.screening import SCREEN_ITEMS


def answers(**yes: bool) -> dict[str, str]:
    data = {f"screen_{item.code}": "no" for item in SCREEN_ITEMS}
    data.update({f"screen_{code}": "yes" for code, value in yes.items() if value})
    return {"presenting_concerns": "Neck tension", "goals": "Sleep", **data}


@pytest.mark.django_db
def test_it_saves_the_intake(login, practitioner, client_record) -> None:
    response = login(practitioner).post(f"/clients/{client_record.pk}/intake/", answers())
    assert response.status_code == 302
    intake = Intake.objects.get(client=client_record)
    assert intake.presenting_concerns == "Neck tension"
    assert intake.screen["stroke_6_months"] is False
    assert AuditEvent.objects.filter(
        action="create", object_type="clients.intake", client_id=client_record.pk
    ).exists()


@pytest.mark.django_db
def test_an_absolute_contraindication_puts_the_client_on_hold(
    login, practitioner, client_record
) -> None:
    login(practitioner).post(f"/clients/{client_record.pk}/intake/", answers(acute_aneurysm=True))
    client_record.refresh_from_db()
    assert client_record.on_hold
    page = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert "On hold" in page and "Acute or untreated aneurysm" in page


@pytest.mark.django_db
def test_a_relative_contraindication_does_not_hold(login, practitioner, client_record) -> None:
    login(practitioner).post(f"/clients/{client_record.pk}/intake/", answers(acute_infection=True))
    client_record.refresh_from_db()
    assert not client_record.on_hold
    assert (
        "Acute infection or fever"
        in login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    )


@pytest.mark.django_db
def test_a_positive_safety_item_raises_an_alert_once(login, practitioner, client_record) -> None:
    browser = login(practitioner)
    browser.post(f"/clients/{client_record.pk}/intake/", answers(suicidal_thoughts=True))
    browser.post(f"/clients/{client_record.pk}/intake/", answers(suicidal_thoughts=True))
    alert = Alert.objects.get(client=client_record)
    assert alert.is_open and alert.kind == "intake.suicidal_thoughts"
    assert "Intake safety screen" in browser.get("/").content.decode()


@pytest.mark.django_db
def test_every_screen_item_must_be_answered(login, practitioner, client_record) -> None:
    data = answers()
    del data["screen_psychosis"]
    response = login(practitioner).post(f"/clients/{client_record.pk}/intake/", data)
    page = response.content.decode()
    assert response.status_code == 400 and "Please answer yes or no." in page
    assert "Neck tension" in page  # what was typed is still there
    assert not Intake.objects.exists()


@pytest.mark.django_db
def test_it_rejects_an_oversized_text(login, practitioner, client_record) -> None:
    response = login(practitioner).post(
        f"/clients/{client_record.pk}/intake/", {**answers(), "goals": "x" * 10_001}
    )
    assert "at most 10000 characters" in response.content.decode().replace(",", "")
    assert not Intake.objects.exists()


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, colleague, assistant, client_record) -> None:
    for user in (outsider, colleague, assistant):
        response = login(user).post(f"/clients/{client_record.pk}/intake/", answers())
        assert response.status_code in (403, 404)
    assert not Intake.objects.exists()
