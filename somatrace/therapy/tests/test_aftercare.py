"""Aftercare chosen from practice templates after the session, shown on the session page."""

from __future__ import annotations

import pytest

from somatrace.audit.models import AuditEvent
from somatrace.therapy.models import AftercareTemplate
from somatrace.therapy.testing import started_session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(client_record):
    return started_session(client_record)


def test_it_offers_the_built_in_text_when_the_practice_has_none(
    login, practitioner, session
) -> None:
    page = login(practitioner).get(f"/sessions/{session.pk}/aftercare/").content.decode()
    assert "Drink some water" in page and "journal" in page and "Get in touch" in page


def test_it_offers_the_practices_templates(login, practitioner, session, practice) -> None:
    AftercareTemplate.objects.create(practice=practice, title="Gentle", body="Rest and warm tea.")
    page = login(practitioner).get(f"/sessions/{session.pk}/aftercare/").content.decode()
    assert "Use “Gentle”" in page and "Rest and warm tea." in page


def test_it_saves_the_aftercare_and_shows_it_on_the_session_page(
    login, practitioner, session
) -> None:
    browser = login(practitioner)
    response = browser.post(
        f"/sessions/{session.pk}/aftercare/", {"aftercare": "Water, rest, journal tonight."}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.aftercare == "Water, rest, journal tonight."
    assert AuditEvent.objects.get(action="update", object_id=session.pk).fields == ["aftercare"]
    assert (
        "Water, rest, journal tonight." in browser.get(f"/sessions/{session.pk}/").content.decode()
    )


def test_it_validates_input(login, practitioner, session) -> None:
    response = login(practitioner).post(
        f"/sessions/{session.pk}/aftercare/", {"aftercare": "x" * 10_001}
    )
    assert response.status_code == 400
    assert "Ensure this value has at most 10000 characters" in response.content.decode()


def test_it_validates_ownership(
    login, outsider, colleague, assistant, session, client_record
) -> None:
    for user in (outsider, colleague, assistant):
        browser = login(user)
        for response in (
            browser.get(f"/sessions/{session.pk}/aftercare/"),
            browser.post(f"/sessions/{session.pk}/aftercare/", {"aftercare": "x"}),
        ):
            assert response.status_code in (403, 404)
    session.refresh_from_db()
    assert session.aftercare == ""
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()
