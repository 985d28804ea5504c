import pytest
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Clearance, Intake
from somatrace.clients.screening import SCREEN_ITEMS


@pytest.fixture
def held_client(client_record):
    Intake.objects.create(
        client=client_record,
        screen={**{i.code: False for i in SCREEN_ITEMS}, "skull_fracture": True},
    )
    client_record.hold_since = timezone.now()
    client_record.save()
    return client_record


@pytest.mark.django_db
def test_it_records_a_clearance_and_lifts_the_hold(login, practitioner, held_client) -> None:
    response = login(practitioner).post(
        f"/clients/{held_client.pk}/clearance/", {"note": "Neurologist letter 3 May"}
    )
    assert response.status_code == 302
    held_client.refresh_from_db()
    assert not held_client.on_hold
    clearance = Clearance.objects.get()
    assert clearance.items == ["skull_fracture"] and clearance.cleared_by == practitioner
    assert AuditEvent.objects.filter(object_type="clients.clearance", action="create").exists()


@pytest.mark.django_db
def test_a_cleared_item_does_not_hold_again_when_the_intake_is_resaved(
    login, practitioner, held_client
) -> None:
    browser = login(practitioner)
    browser.post(f"/clients/{held_client.pk}/clearance/", {"note": "GP letter"})
    data = {f"screen_{i.code}": "yes" if i.code == "skull_fracture" else "no" for i in SCREEN_ITEMS}
    browser.post(f"/clients/{held_client.pk}/intake/", data)
    held_client.refresh_from_db()
    assert not held_client.on_hold
    data["screen_stroke_6_months"] = "yes"  # a new contraindication holds again
    browser.post(f"/clients/{held_client.pk}/intake/", data)
    held_client.refresh_from_db()
    assert held_client.on_hold


@pytest.mark.django_db
def test_it_needs_a_note(login, practitioner, held_client) -> None:
    response = login(practitioner).post(f"/clients/{held_client.pk}/clearance/", {"note": ""})
    assert response.status_code == 302
    held_client.refresh_from_db()
    assert held_client.on_hold and not Clearance.objects.exists()


@pytest.mark.django_db
def test_it_only_accepts_post(login, practitioner, held_client) -> None:
    assert login(practitioner).get(f"/clients/{held_client.pk}/clearance/").status_code == 405


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, colleague, assistant, held_client) -> None:
    for user in (outsider, colleague, assistant):
        assert login(user).post(
            f"/clients/{held_client.pk}/clearance/", {"note": "x"}
        ).status_code in (403, 404)
    held_client.refresh_from_db()
    assert held_client.on_hold
