"""Booking form, the appointment page, move/cancel/no-show forms (views/appointments.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.clients.models import Client
from somatrace.scheduling.models import Appointment
from somatrace.scheduling.testing import make_appointment, make_appointment_type
from somatrace.testing import make_client, make_client_account
from somatrace.therapy.models import Session

pytestmark = pytest.mark.django_db


def form(client, practitioner, kind, **extra):
    return {
        "client": client.pk,
        "practitioner": practitioner.pk,
        "appointment_type": kind.pk,
        "room": "",
        "day": "2027-01-04",
        "at": "09:00",
        **extra,
    }


def test_it_books_a_series_from_the_form(
    login, practice, assistant, practitioner, client_record
) -> None:
    kind = make_appointment_type(practice)
    answer = login(assistant).post(
        "/calendar/new/", form(client_record, practitioner, kind, every_weeks="1", count="4")
    )
    assert answer.status_code == 302
    assert answer.url == f"/calendar/week/?date=2027-01-04&who={practitioner.pk}"
    starts = list(Appointment.objects.values_list("starts_at", flat=True))
    # Four Mondays at 09:00 GMT: 4, 11, 18, 25 Jan.
    assert starts == [datetime(2027, 1, d, 9, tzinfo=UTC) for d in (4, 11, 18, 25)]


def test_a_clash_is_a_form_error_and_keeps_what_was_typed(
    login, practice, practitioner, client_record
) -> None:
    kind = make_appointment_type(practice)
    make_appointment(make_client(practice, practitioner), datetime(2027, 1, 4, 9, 30, tzinfo=UTC))
    answer = login(practitioner).post("/calendar/new/", form(client_record, practitioner, kind))
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "already booked from Mon 4 Jan 2027 at 09:30 to 10:30" in html
    assert 'value="2027-01-04"' in html
    assert Appointment.objects.filter(client=client_record).count() == 0


def test_a_repeat_without_an_end_is_a_form_error(
    login, practice, practitioner, client_record
) -> None:
    kind = make_appointment_type(practice)
    answer = login(practitioner).post(
        "/calendar/new/", form(client_record, practitioner, kind, every_weeks="2")
    )
    assert answer.status_code == 400
    assert b"Say until when, or how many times." in answer.content


def test_the_form_offers_only_clients_the_user_may_book(
    login, practice, colleague, practitioner, client_record, outsider
) -> None:
    html = login(colleague).get("/calendar/new/").content.decode()
    assert client_record.name not in html
    kind = make_appointment_type(practice)
    refused = login(colleague).post("/calendar/new/", form(client_record, colleague, kind))
    assert refused.status_code == 400
    assert not Appointment.objects.exists()
    other = login(outsider).get("/calendar/new/").content.decode()
    assert client_record.name not in other and "Pat Practitioner" not in other


@pytest.fixture
def three_listed(monkeypatch):
    """A practice "large" beyond three clients, so a handful of records shows the bound."""
    monkeypatch.setattr("somatrace.scheduling.forms.CLIENTS_LISTED", 3)


def offered(html: str) -> list[str]:
    select = html.split('name="client"', 1)[1].split("</select>", 1)[0]
    return [part.split(">", 1)[1].split("<", 1)[0] for part in select.split("<option")[2:]]


def test_a_large_practice_lists_some_clients_and_finds_the_rest(
    login, practice, practitioner, three_listed
) -> None:
    for name in ("Ada Alder", "Bo Birch", "Cy Cedar", "Di Damson", "Ed Elm"):
        make_client(practice, practitioner, name=name)
    browser = login(practitioner)
    page = browser.get("/calendar/new/").content.decode()
    assert offered(page) == ["Ada Alder", "Bo Birch", "Cy Cedar"]
    assert "The first 3 clients by name are listed" in page
    assert 'name="find"' in page

    kind = make_appointment_type(practice)
    typed = {"find": "elm", "find_client": "1", "day": "2027-01-04", "at": "11:15"}
    found = browser.post("/calendar/new/", typed)
    assert found.status_code == 200
    html = found.content.decode()
    assert offered(html) == ["Ed Elm"]
    ed = Client.objects.get(name="Ed Elm")
    assert f'value="{ed.pk}" selected' in html  # the only one found is chosen
    assert "1 client matches “elm”." in html
    assert 'value="2027-01-04"' in html and 'value="11:15"' in html
    assert "Please correct" not in html
    assert not Appointment.objects.exists()

    booked = browser.post("/calendar/new/", form(ed, practitioner, kind, find="elm"))
    assert booked.status_code == 302
    assert Appointment.objects.get().client == ed


def test_finding_nothing_says_so_and_keeps_the_chosen_client(
    login, practice, practitioner, three_listed
) -> None:
    clients = [make_client(practice, practitioner, name=f"Fay Fir{n}") for n in range(5)]
    browser = login(practitioner)
    asked = browser.get(f"/calendar/new/?client={clients[4].pk}").content.decode()
    assert offered(asked) == ["Fay Fir4", "Fay Fir0", "Fay Fir1", "Fay Fir2"]
    assert f'value="{clients[4].pk}" selected' in asked
    found = browser.post(
        "/calendar/new/", {"find": "Zebedee", "find_client": "1", "client": clients[4].pk}
    )
    html = found.content.decode()
    assert "No client matches “Zebedee”." in html
    assert offered(html) == ["Fay Fir4"]
    # Nonsense is a search that finds nothing, not an error.
    for term in ("x" * 5000, "%_'\\", "   "):
        answer = browser.post("/calendar/new/", {"find": term, "find_client": "1"})
        assert answer.status_code == 200


def test_finding_offers_only_clients_the_user_may_book_and_is_audited(
    login, practice, colleague, practitioner, client_record, outsider
) -> None:
    term = client_record.name.split()[0]
    for who in (colleague, outsider):
        html = login(who).post("/calendar/new/", {"find": term, "find_client": "1"})
        assert client_record.name not in html.content.decode()
    mine = login(practitioner).post("/calendar/new/", {"find": term, "find_client": "1"})
    assert offered(mine.content.decode()) == [client_record.name]
    row = AuditEvent.objects.latest("id")
    assert (row.action, row.object_type, row.object_ids) == (
        "read",
        "clients.client",
        [client_record.pk],
    )


def test_the_booking_page_costs_the_same_queries_for_5_or_150_clients(
    login, practice, practitioner, three_listed
) -> None:
    browser = login(practitioner)
    counts = []
    for total in (5, 150):
        while Client.objects.filter(practice=practice).count() < total:
            make_client(practice, practitioner)
        with CaptureQueriesContext(connection) as queries:
            page = browser.get("/calendar/new/")
        assert len(offered(page.content.decode())) == 3
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_appointment_page_is_audited_and_hidden_from_the_wrong_users(
    login, client, portal_login, practitioner, colleague, outsider, assistant, client_record
) -> None:
    appointment = make_appointment(client_record)
    page = login(practitioner).get(f"/calendar/appointments/{appointment.pk}/")
    assert page.status_code == 200
    assert client_record.name.encode() in page.content
    row = AuditEvent.objects.latest("id")
    assert (row.action, row.object_id, row.client_id) == ("read", appointment.pk, client_record.pk)
    assert login(assistant).get(f"/calendar/appointments/{appointment.pk}/").status_code == 200
    for who in (colleague, outsider):
        refused = login(who).get(f"/calendar/appointments/{appointment.pk}/")
        assert refused.status_code == 404
        assert client_record.name.encode() not in refused.content
    browser = portal_login(client, make_client_account(client_record))
    assert browser.get(f"/calendar/appointments/{appointment.pk}/").status_code in (302, 403)


def test_the_move_form_moves_and_refuses_with_a_message(
    login, practice, practitioner, client_record
) -> None:
    appointment = make_appointment(client_record, datetime(2027, 1, 4, 10, tzinfo=UTC))
    make_appointment(make_client(practice, practitioner), datetime(2027, 1, 5, 10, tzinfo=UTC))
    browser = login(practitioner)
    url = f"/calendar/appointments/{appointment.pk}/move/"
    clash = browser.post(url, {"day": "2027-01-05", "at": "10:30", "duration_minutes": "60"})
    assert clash.status_code == 400
    assert b"already booked from Tue 5 Jan 2027 at 10:00" in clash.content
    moved = browser.post(url, {"day": "2027-01-05", "at": "14:00", "duration_minutes": "45"})
    assert moved.status_code == 302
    appointment.refresh_from_db()
    assert appointment.ends_at == datetime(2027, 1, 5, 14, 45, tzinfo=UTC)


def test_cancel_and_no_show_record_their_reasons(login, assistant, client_record) -> None:
    past = make_appointment(client_record, timezone.now() - timedelta(hours=3))
    browser = login(assistant)
    empty = browser.post(f"/calendar/appointments/{past.pk}/no-show/", {"noshow-reason": ""})
    assert empty.status_code == 400
    done = browser.post(
        f"/calendar/appointments/{past.pk}/no-show/", {"noshow-reason": "No word from them"}
    )
    assert done.status_code == 302
    past.refresh_from_db()
    assert (past.status, past.status_reason) == ("no_show", "No word from them")
    later = make_appointment(client_record)
    browser.post(f"/calendar/appointments/{later.pk}/cancel/", {"cancel-reason": "Unwell"})
    later.refresh_from_db()
    assert (later.status, later.status_reason) == ("cancelled", "Unwell")


def test_assistants_cannot_start_a_session(login, assistant, client_record) -> None:
    appointment = make_appointment(client_record)
    browser = login(assistant)
    assert browser.get(f"/calendar/appointments/{appointment.pk}/start/").status_code == 403
    assert browser.post(f"/calendar/appointments/{appointment.pk}/start/").status_code == 403


def test_start_in_the_console_makes_the_session_and_links_it(
    login, practitioner, client_record
) -> None:
    appointment = make_appointment(client_record, timezone.now().replace(microsecond=0))
    browser = login(practitioner)
    url = f"/calendar/appointments/{appointment.pk}/start/"
    before = browser.get(url)
    assert before.status_code == 200
    assert f'action="{url}"'.encode() in before.content
    assert not Session.objects.exists()  # nothing exists before the start
    started = browser.post(url, {"pre_suds": "4", "client_words": ""})
    appointment.refresh_from_db()
    session = Session.objects.get()
    assert appointment.session_id == session.pk
    assert started.status_code == 302 and started.url == f"/sessions/{session.pk}/console/"
    assert (session.pre_suds, session.starts_at) == (4, appointment.starts_at)
    assert session.started_at is not None
    # Again: straight to the console, no second session.
    assert browser.get(url).url == f"/sessions/{session.pk}/console/"
    assert Session.objects.count() == 1
