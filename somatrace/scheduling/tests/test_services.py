"""Booking, moving, cancelling and no-shows through scheduling.services (the real database).

The practice fixture is in Europe/London. January 2027 is GMT (UTC+0); from 28 Mar 2027 to
31 Oct 2027 London is on BST (UTC+1).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from somatrace.audit.models import AuditEvent
from somatrace.core.errors import RuleError
from somatrace.scheduling import services
from somatrace.scheduling.models import Appointment, AppointmentType, Room, Series
from somatrace.testing import make_client, make_member, staff_actor

pytestmark = pytest.mark.django_db


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


@pytest.fixture
def hour_type(practice: Any) -> AppointmentType:
    return AppointmentType.objects.create(
        practice=practice, name="Session", duration_minutes=60, buffer_minutes=15
    )


@pytest.fixture
def room(practice: Any) -> Room:
    return Room.objects.create(practice=practice, name="Garden room")


def book_one(actor: Any, client: Any, practitioner: Any, kind: Any, start: datetime, **kw: Any):
    return services.book(
        actor,
        client=client,
        practitioner=practitioner,
        appointment_type=kind,
        starts_at=start,
        **kw,
    )


def test_it_books_an_hour_and_audits_it(practitioner, client_record, hour_type) -> None:
    actor = staff_actor(practitioner)
    [made] = book_one(actor, client_record, practitioner, hour_type, utc(2027, 1, 4, 9))
    assert made.ends_at == utc(2027, 1, 4, 10)  # 09:00 + 60 minutes
    assert made.series_id is None
    row = AuditEvent.objects.get(object_type="scheduling.appointment", object_id=made.pk)
    assert (row.action, row.actor_id, row.client_id) == (
        "create",
        practitioner.pk,
        client_record.pk,
    )


def test_it_refuses_overlapping_appointments_including_the_buffer(
    practice, practitioner, client_record, hour_type
) -> None:
    actor = staff_actor(practitioner)
    book_one(actor, client_record, practitioner, hour_type, utc(2027, 1, 4, 9))
    other = make_client(practice, practitioner)
    # 10:00 is inside the 15 minutes kept free after 09:00-10:00.
    with pytest.raises(RuleError, match="already booked from Mon 4 Jan 2027 at 09:00 to 10:00"):
        book_one(actor, other, practitioner, hour_type, utc(2027, 1, 4, 10))
    # 10:15 is free.
    book_one(actor, other, practitioner, hour_type, utc(2027, 1, 4, 10, 15))
    assert Appointment.objects.count() == 2


def test_it_refuses_a_room_taken_by_another_practitioner(
    practice, practitioner, colleague, client_record, hour_type, room
) -> None:
    owner_actor = staff_actor(make_member(practice, "owner"))
    book_one(owner_actor, client_record, practitioner, hour_type, utc(2027, 1, 4, 9), room=room)
    other = make_client(practice, colleague)
    with pytest.raises(RuleError, match="The room is already booked"):
        book_one(owner_actor, other, colleague, hour_type, utc(2027, 1, 4, 9, 30), room=room)
    # Without the room the colleague is free then.
    book_one(owner_actor, other, colleague, hour_type, utc(2027, 1, 4, 9, 30))


def test_a_cancelled_appointment_frees_its_time(practitioner, client_record, hour_type) -> None:
    actor = staff_actor(practitioner)
    [first] = book_one(actor, client_record, practitioner, hour_type, utc(2027, 1, 4, 9))
    services.cancel(actor, first, "Client has a cold")
    book_one(actor, client_record, practitioner, hour_type, utc(2027, 1, 4, 9))


def test_it_refuses_time_off(practitioner, client_record, hour_type) -> None:
    actor = staff_actor(practitioner)
    services.add_time_off(actor, practitioner, utc(2027, 1, 4), utc(2027, 1, 9), "Holiday")
    with pytest.raises(RuleError, match="away from Mon 4 Jan 2027 at 00:00 to Sat 9 Jan 2027"):
        book_one(actor, client_record, practitioner, hour_type, utc(2027, 1, 6, 9))


def test_it_refuses_outside_working_hours_in_local_time(
    practitioner, client_record, hour_type
) -> None:
    actor = staff_actor(practitioner)
    services.add_working_hours(actor, practitioner, 0, time(9), time(17))  # Mondays
    # Mon 29 Mar 2027 08:00Z is 09:00 BST: inside.
    book_one(actor, client_record, practitioner, hour_type, utc(2027, 3, 29, 8))
    # Mon 22 Mar 2027 08:00Z is 08:00 GMT: before the hours.
    with pytest.raises(RuleError, match="Mon 22 Mar 2027 at 08:00 to 09:00 is outside"):
        book_one(actor, client_record, practitioner, hour_type, utc(2027, 3, 22, 8))
    with pytest.raises(RuleError, match="outside"):  # a Tuesday
        book_one(actor, client_record, practitioner, hour_type, utc(2027, 3, 23, 10))


def test_a_series_keeps_local_time_across_the_clock_change(
    practitioner, client_record, hour_type
) -> None:
    actor = staff_actor(practitioner)
    made = book_one(
        actor,
        client_record,
        practitioner,
        hour_type,
        utc(2027, 3, 22, 9),  # 09:00 GMT
        every_weeks=1,
        count=3,
    )
    # 09:00 local each Monday: 09:00Z (GMT), then 08:00Z (BST) from 29 Mar.
    assert [a.starts_at for a in made] == [
        utc(2027, 3, 22, 9),
        utc(2027, 3, 29, 8),
        utc(2027, 4, 5, 8),
    ]
    series = Series.objects.get()
    assert (series.count, series.every_weeks) == (3, 1)
    assert {a.series_id for a in made} == {series.pk}


def test_a_series_is_all_or_nothing_and_names_the_clash(
    practice, practitioner, client_record, hour_type
) -> None:
    actor = staff_actor(practitioner)
    other = make_client(practice, practitioner)
    # Fortnightly from Mon 4 Jan until 1 Feb: 4 Jan, 18 Jan, 1 Feb; 18 Jan is taken.
    book_one(actor, other, practitioner, hour_type, utc(2027, 1, 18, 9, 30))
    with pytest.raises(RuleError, match="Nothing was booked: the appointment on Mon 18 Jan 2027"):
        book_one(
            actor,
            client_record,
            practitioner,
            hour_type,
            utc(2027, 1, 4, 9),
            every_weeks=2,
            until=date(2027, 2, 1),
        )
    assert Appointment.objects.filter(client=client_record).count() == 0
    assert not Series.objects.exists()


def test_it_refuses_a_client_on_hold(practitioner, client_record, hour_type) -> None:
    client_record.hold_since = timezone.now()
    client_record.save()
    with pytest.raises(RuleError, match="on hold"):
        book_one(staff_actor(practitioner), client_record, practitioner, hour_type, utc(2027, 1, 4))


def test_an_assistant_books_and_cancels(assistant, practitioner, client_record, hour_type) -> None:
    actor = staff_actor(assistant)
    [made] = book_one(actor, client_record, practitioner, hour_type, utc(2027, 1, 4, 9))
    services.cancel(actor, made, "Rang to cancel")
    made.refresh_from_db()
    assert (made.status, made.status_reason) == ("cancelled", "Rang to cancel")
    row = AuditEvent.objects.filter(object_id=made.pk, action="update").get()
    assert row.actor_id == assistant.pk
    assert "status" in row.fields and "status_reason" in row.fields


def test_another_practice_cannot_book_or_touch_appointments(
    outsider, practitioner, client_record, hour_type
) -> None:
    [made] = book_one(
        staff_actor(practitioner), client_record, practitioner, hour_type, utc(2027, 1, 4, 9)
    )
    stranger = staff_actor(outsider)
    with pytest.raises(PermissionDenied):
        book_one(stranger, client_record, practitioner, hour_type, utc(2027, 1, 5, 9))
    with pytest.raises(PermissionDenied):
        services.move(stranger, made, utc(2027, 1, 4, 11))
    with pytest.raises(PermissionDenied):
        services.cancel(stranger, made, "no")
    with pytest.raises(PermissionDenied):
        services.mark_no_show(stranger, made, "no")
    made.refresh_from_db()
    assert (made.status, made.starts_at) == ("booked", utc(2027, 1, 4, 9))


def test_a_practitioner_cannot_book_a_colleagues_client(
    practice, colleague, practitioner, client_record, hour_type
) -> None:
    with pytest.raises(PermissionDenied):
        book_one(staff_actor(colleague), client_record, colleague, hour_type, utc(2027, 1, 4, 9))


def test_moving_checks_the_same_rules_and_ignores_itself(
    practice, practitioner, client_record, hour_type
) -> None:
    actor = staff_actor(practitioner)
    [made] = book_one(actor, client_record, practitioner, hour_type, utc(2027, 1, 4, 9))
    book_one(
        actor, make_client(practice, practitioner), practitioner, hour_type, utc(2027, 1, 4, 12)
    )
    # 30 minutes later overlaps only itself: allowed.
    services.move(actor, made, utc(2027, 1, 4, 9, 30))
    # 11:00-12:00 plus its 15-minute buffer runs into the 12:00 appointment.
    with pytest.raises(RuleError, match="already booked from Mon 4 Jan 2027 at 12:00"):
        services.move(actor, made, utc(2027, 1, 4, 11))
    # Resized to 90 minutes from 09:30: ends 11:00.
    moved = services.move(actor, made, utc(2027, 1, 4, 9, 30), duration_minutes=90)
    assert moved.ends_at == utc(2027, 1, 4, 11)
    with pytest.raises(RuleError, match="5 to 600 minutes"):
        services.move(actor, made, utc(2027, 1, 4, 9, 30), duration_minutes=0)


def test_a_no_show_needs_a_reason_and_its_time_and_is_audited(
    practitioner, client_record, hour_type
) -> None:
    actor = staff_actor(practitioner)
    past = timezone.now().replace(microsecond=0) - timedelta(days=2)
    [made] = book_one(actor, client_record, practitioner, hour_type, past)
    with pytest.raises(RuleError, match="why"):
        services.mark_no_show(actor, made, "  ")
    services.mark_no_show(actor, made, "No word from the client")
    made.refresh_from_db()
    assert (made.status, made.status_reason) == ("no_show", "No word from the client")
    assert AuditEvent.objects.filter(
        object_id=made.pk, action="update", actor=practitioner
    ).exists()
    with pytest.raises(RuleError, match="no-show already"):
        services.cancel(actor, made)
    [future] = book_one(
        actor, client_record, practitioner, hour_type, timezone.now() + timedelta(days=2)
    )
    with pytest.raises(RuleError, match="once its time has come"):
        services.mark_no_show(actor, future, "Too early")


def test_working_hours_and_time_off_are_the_owners_or_the_practitioners_own(
    owner, practitioner, colleague, assistant
) -> None:
    services.add_working_hours(staff_actor(owner), practitioner, 1, time(9), time(12))
    services.add_working_hours(staff_actor(practitioner), practitioner, 2, time(9), time(12))
    with pytest.raises(PermissionDenied):
        services.add_working_hours(staff_actor(colleague), practitioner, 3, time(9), time(12))
    with pytest.raises(PermissionDenied):
        services.add_time_off(
            staff_actor(assistant), practitioner, utc(2027, 1, 1), utc(2027, 1, 2)
        )
    with pytest.raises(RuleError, match="overlap"):
        services.add_working_hours(staff_actor(owner), practitioner, 1, time(11), time(13))


def test_appointment_types_and_rooms_are_the_owners(owner, practitioner) -> None:
    made = services.save_appointment_type(
        staff_actor(owner), None, {"name": "Intro", "duration_minutes": 30}
    )
    assert made.practice_id == staff_actor(owner).practice_id
    with pytest.raises(PermissionDenied):
        services.save_room(staff_actor(practitioner), None, {"name": "Blue"})
    with pytest.raises(RuleError):
        services.save_appointment_type(
            staff_actor(owner), None, {"name": "Long", "duration_minutes": 9000}
        )


def test_rules_for_makes_the_default_rules_once(practice) -> None:
    first = services.rules_for(practice.pk)
    assert services.rules_for(practice.pk).pk == first.pk
    assert first.portal_booking is False
