"""The day and week views and the drag-to-move JSON door (views/calendar.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from somatrace.accounts.models import Membership
from somatrace.accounts.services import deactivate_member
from somatrace.audit.models import AuditEvent
from somatrace.scheduling.models import Appointment
from somatrace.scheduling.testing import make_appointment, make_appointment_type
from somatrace.testing import make_client, make_client_account, make_member, staff_actor

pytestmark = pytest.mark.django_db

# Mon 4 Jan 2027 (London is on GMT, UTC+0).
MONDAY = datetime(2027, 1, 4, 10, tzinfo=UTC)


def test_the_week_view_draws_a_block_where_its_time_is(login, practitioner, client_record) -> None:
    appointment = make_appointment(client_record, MONDAY + timedelta(days=1))  # Tue 10:00
    page = login(practitioner).get(f"/calendar/week/?date=2027-01-06&who={practitioner.pk}")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Week of 4 January 2027" in html
    assert client_record.name in html
    # The grid starts at 08:00: 10:00 is 8 rows of 15 minutes later, row 9; an hour spans 4.
    assert "cal-r-9 cal-s-4 cal-l-0-1" in html
    assert f'data-move-url="/calendar/appointments/{appointment.pk}/move.json"' in html
    assert 'data-date="2027-01-05"' in html
    row = AuditEvent.objects.filter(object_type="scheduling.appointment").latest("id")
    assert row.object_ids == [appointment.pk]


def test_the_whole_practice_day_has_a_column_per_practitioner_and_hides_others_clients(
    login, practice, practitioner, colleague, client_record
) -> None:
    theirs = make_client(practice, colleague, name="Sam Colleagueclient")
    make_appointment(client_record, MONDAY)
    make_appointment(theirs, MONDAY)
    html = login(practitioner).get("/calendar/?date=2027-01-04&who=all").content.decode()
    assert "Pat Practitioner" in html and "Cory Colleague" in html
    assert client_record.name in html
    # The colleague's client is not the practitioner's to see: the time shows, as Busy.
    assert "Sam Colleagueclient" not in html
    assert "Busy" in html


def test_an_owner_sees_every_client(login, owner, practice, colleague, client_record) -> None:
    theirs = make_client(practice, colleague, name="Sam Colleagueclient")
    make_appointment(theirs, MONDAY)
    html = login(owner).get("/calendar/?date=2027-01-04").content.decode()
    assert "Sam Colleagueclient" in html


def test_appointments_of_someone_deactivated_stay_in_the_whole_practice_view(
    login, owner, practice, practitioner, colleague
) -> None:
    theirs = make_client(practice, colleague, name="Sam Colleagueclient")
    make_appointment(theirs, MONDAY)
    membership = Membership.objects.get(user=colleague, practice=practice)
    deactivate_member(staff_actor(owner), membership)

    day = login(owner).get("/calendar/?date=2027-01-04&who=all").content.decode()
    assert "Cory Colleague (no longer active)" in day
    assert "Sam Colleagueclient" in day
    week = login(owner).get("/calendar/week/?date=2027-01-04&who=all").content.decode()
    assert "Sam Colleagueclient" in week
    # A practitioner sees the time taken, not a client who is not theirs.
    seen = login(practitioner).get("/calendar/?date=2027-01-04&who=all").content.decode()
    assert "Cory Colleague (no longer active)" in seen and "Busy" in seen
    assert "Sam Colleagueclient" not in seen
    # Someone's own calendar stays theirs alone.
    own = login(practitioner).get(f"/calendar/?date=2027-01-04&who={practitioner.pk}")
    assert "Busy" not in own.content.decode()


def test_another_practice_sees_nothing_of_ours(login, outsider, client_record) -> None:
    make_appointment(client_record, MONDAY)
    for url in ("/calendar/?date=2027-01-04&who=all", "/calendar/week/?date=2027-01-04"):
        page = login(outsider).get(url)
        assert page.status_code == 200
        assert client_record.name.encode() not in page.content
        assert b"Pat Practitioner" not in page.content


def test_a_client_account_is_refused_the_calendar(client, portal_login, client_record) -> None:
    browser = portal_login(client, make_client_account(client_record))
    assert browser.get("/calendar/").status_code in (302, 403)
    assert browser.get("/calendar/week/").status_code in (302, 403)


@pytest.mark.parametrize(
    "view", ["/calendar/?who=all&date=2027-01-04", "/calendar/week/?who=all&date=2027-01-04"]
)
def test_the_views_cost_the_same_queries_for_many_appointments(
    login, practice, practitioner, owner, view, django_assert_max_num_queries
) -> None:
    kind = make_appointment_type(practice)
    people = [make_member(practice) for _ in range(3)]
    for person in people:
        for day in range(7):
            for hour in range(8, 18):
                client = make_client(practice, person)
                make_appointment(
                    client,
                    datetime(2027, 1, 4 + day, hour, tzinfo=UTC),
                    practitioner=person,
                    appointment_type=kind,
                )
    assert Appointment.objects.count() == 3 * 7 * 10
    browser = login(owner)
    browser.get(view)  # warm the session
    # The request's own (session, user, membership...), then practitioners, appointments,
    # visible ids, hours, time off and the audit row: 9 measured with 3 and with 210
    # appointments alike.
    with django_assert_max_num_queries(10):
        page = browser.get(view)
    assert page.status_code == 200


def move(browser: Any, appointment: Any, body: Any) -> Any:
    return browser.post(
        f"/calendar/appointments/{appointment.pk}/move.json",
        data=json.dumps(body),
        content_type="application/json",
    )


def test_dragging_posts_a_move_that_the_service_checks(
    login, practice, practitioner, client_record
) -> None:
    appointment = make_appointment(client_record, MONDAY)
    make_appointment(make_client(practice, practitioner), MONDAY + timedelta(hours=3))  # 13:00
    browser = login(practitioner)
    # To Wednesday 11:30 for 90 minutes.
    answer = move(
        browser, appointment, {"date": "2027-01-06", "time": "11:30", "duration_minutes": 90}
    )
    assert answer.status_code == 200, answer.content
    assert answer.json()["message"] == "Moved to Wed 6 Jan at 11:30."
    appointment.refresh_from_db()
    assert (appointment.starts_at, appointment.ends_at) == (
        datetime(2027, 1, 6, 11, 30, tzinfo=UTC),
        datetime(2027, 1, 6, 13, tzinfo=UTC),
    )
    # Onto the Monday 13:00 appointment: refused with the reason, nothing changed.
    refused = move(
        browser, appointment, {"date": "2027-01-04", "time": "12:30", "duration_minutes": 60}
    )
    assert refused.status_code == 409
    assert "already booked from Mon 4 Jan 2027 at 13:00" in refused.json()["error"]
    appointment.refresh_from_db()
    assert appointment.starts_at == datetime(2027, 1, 6, 11, 30, tzinfo=UTC)


def test_a_broken_move_is_a_400_not_a_500(login, practitioner, client_record) -> None:
    appointment = make_appointment(client_record, MONDAY)
    browser = login(practitioner)
    assert move(browser, appointment, {"date": "soon"}).status_code == 400
    assert move(browser, appointment, [1, 2]).status_code == 400
    bad = browser.post(
        f"/calendar/appointments/{appointment.pk}/move.json",
        data="{",
        content_type="application/json",
    )
    assert bad.status_code == 400


def test_the_wrong_users_cannot_move(login, outsider, colleague, client_record) -> None:
    appointment = make_appointment(client_record, MONDAY)
    for who in (outsider, colleague):
        answer = move(
            login(who), appointment, {"date": "2027-01-05", "time": "09:00", "duration_minutes": 60}
        )
        assert answer.status_code == 404
    appointment.refresh_from_db()
    assert appointment.starts_at == MONDAY
