"""The dashboard's appointments today and the client page's next appointments (panels.py)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from somatrace.scheduling.models import Appointment
from somatrace.scheduling.panels import MAX_TODAY
from somatrace.scheduling.testing import make_appointment, make_appointment_type
from somatrace.testing import make_client, make_session, render_app_panels, staff_actor
from somatrace.therapy import panels as therapy_panels

pytestmark = pytest.mark.django_db


def today_at(hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), time(hour, minute)))


def test_the_dashboard_lists_todays_appointments_with_a_start_button(
    practitioner, client_record
) -> None:
    appointment = make_appointment(client_record, today_at(0, 30))
    html = render_app_panels("scheduling", "dashboard", practitioner, None)
    assert client_record.name in html
    assert f"/calendar/appointments/{appointment.pk}/start/" in html


def test_an_assistant_sees_the_practice_but_no_start_button(assistant, client_record) -> None:
    appointment = make_appointment(client_record, today_at(0, 30))
    html = render_app_panels("scheduling", "dashboard", assistant, None)
    assert client_record.name in html
    assert f"/calendar/appointments/{appointment.pk}/start/" not in html


def test_the_dashboard_list_is_bounded(
    owner, practice, practitioner, django_assert_max_num_queries
) -> None:
    kind = make_appointment_type(practice)
    for n in range(MAX_TODAY + 5):
        client = make_client(practice, practitioner)
        make_appointment(client, today_at(0) + timedelta(minutes=n), appointment_type=kind)
    with django_assert_max_num_queries(2):  # the membership, then the appointments
        html = render_app_panels("scheduling", "dashboard", owner, None)
    assert html.count("/calendar/appointments/") == MAX_TODAY


def test_therapys_today_list_leaves_out_sessions_the_calendar_lists(
    practitioner, client_record
) -> None:
    session = make_session(client_record, days_ago=0, starts_at=today_at(0, 10))
    appointment = make_appointment(client_record, today_at(0, 10))
    actor = staff_actor(practitioner)
    assert [s.pk for s in therapy_panels.dashboard_today(actor, None).context["todays"]] == [
        session.pk
    ]
    Appointment.objects.filter(pk=appointment.pk).update(session=session)
    # With no other session today the panel is not shown at all.
    assert therapy_panels.dashboard_today(actor, None) is None


def test_the_client_page_lists_the_next_appointments_and_a_book_link(
    practitioner, colleague, client_record
) -> None:
    appointment = make_appointment(client_record)
    html = render_app_panels("scheduling", "client", practitioner, client_record)
    assert f"/calendar/appointments/{appointment.pk}/" in html
    assert f"/calendar/new/?client={client_record.pk}" in html
