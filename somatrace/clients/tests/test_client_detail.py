import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Client, Intake
from somatrace.clients.screening import SCREEN_ITEMS
from somatrace.clients.services import save_intake
from somatrace.testing import make_session, staff_actor


@pytest.mark.django_db
def test_it_shows_summary_consent_sessions_and_chart(login, practitioner, client_record) -> None:
    make_session(client_record, pre_suds=7, post_suds=3, subjective="Felt lighter")
    page = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert "Quinn Example" in page
    assert "Current" in page  # consent
    assert "SUDS 7 → 3" in page and "(-4)" in page
    assert 'class="vega-chart"' in page
    assert '"value": 7' in page and '"value": 3' in page  # the chart's data


@pytest.mark.django_db
def test_it_audits_the_read(login, practitioner, client_record) -> None:
    login(practitioner).get(f"/clients/{client_record.pk}/")
    event = AuditEvent.objects.get(actor=practitioner, action="read", object_type="clients.client")
    assert event.client_id == client_record.pk and event.ip == "127.0.0.1"


@pytest.mark.django_db
def test_it_says_why_a_session_cannot_start(login, practitioner, client_record) -> None:
    client_record.consents.all().delete()
    page = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert "cannot be started without current consent" in page
    assert "Record a session" not in page


@pytest.mark.django_db
def test_it_shows_assistants_contacts_but_no_clinical_record(
    login, assistant, client_record
) -> None:
    Intake.objects.create(client=client_record, presenting_concerns="Secret concern")
    make_session(client_record, subjective="Secret subjective", pre_suds=6, post_suds=2)
    page = login(assistant).get(f"/clients/{client_record.pk}/").content.decode()
    assert "Quinn Example" in page
    assert "Secret concern" not in page and "Secret subjective" not in page
    assert "SUDS" not in page and "vega-chart" not in page


@pytest.mark.django_db
def test_it_validates_ownership(login, outsider, colleague, client_record) -> None:
    for user in (outsider, colleague):
        response = login(user).get(f"/clients/{client_record.pk}/")
        assert response.status_code == 404
        assert b"Quinn" not in response.content
    assert not AuditEvent.objects.filter(client_id=client_record.pk).exists()


@pytest.mark.django_db
def test_it_runs_a_bounded_number_of_queries(login, practitioner, client_record, practice) -> None:
    browser = login(practitioner)
    make_session(client_record, pre_suds=5, post_suds=4)
    with CaptureQueriesContext(connection) as few:
        browser.get(f"/clients/{client_record.pk}/")
    from somatrace.therapy.models import Session

    Client.objects.bulk_create(
        [
            Client(practice=practice, name=f"Other {i}", assigned_practitioner=practitioner)
            for i in range(10_000)
        ]
    )
    Session.objects.bulk_create(
        [
            Session(
                practice=practice,
                client=client_record,
                practitioner=practitioner,
                starts_at=timezone.now(),
                pre_suds=5,
            )
            for _ in range(300)
        ]
    )
    with CaptureQueriesContext(connection) as many:
        browser.get(f"/clients/{client_record.pk}/")
    # The page itself and the measures, body-map, physiology and calendar panels, each
    # bounded (the calendar's next appointments: one query; billing's invoices: one for a
    # client never invoiced, four with the balance).
    assert len(few) == len(many) <= 32


@pytest.mark.django_db
def test_a_hold_is_explained_once_by_its_own_card(login, practitioner, client_record) -> None:
    screen = {item.code: item.code == "stroke_6_months" for item in SCREEN_ITEMS}
    save_intake(staff_actor(practitioner), client_record, {}, screen)
    page = login(practitioner).get(f"/clients/{client_record.pk}/").content.decode()
    assert "On hold for a contraindication" in page
    assert 'id="cannot-start"' not in page
    assert "Record a session" not in page


@pytest.mark.django_db
def test_it_starts_a_live_session_from_the_client_page(login, practitioner, client_record) -> None:
    browser = login(practitioner)
    page = browser.get(f"/clients/{client_record.pk}/").content.decode()
    # A link to the pre-check: nothing is created by following it, only by starting.
    assert f'href="/clients/{client_record.pk}/sessions/start/"' in page
    assert browser.get(f"/clients/{client_record.pk}/sessions/start/").status_code == 200
    assert not client_record.sessions.exists()
    response = browser.post(f"/clients/{client_record.pk}/sessions/start/", {"pre_suds": 3})
    session = client_record.sessions.get()
    assert response.status_code == 302 and response.url == f"/sessions/{session.pk}/console/"
    assert session.state == "running"
