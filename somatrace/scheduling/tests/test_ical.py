"""iCalendar text (scheduling/ical.py), read back with the icalendar library."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from somatrace.scheduling.ical import CalendarEvent, build_calendar

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2027, 3, 1, 12, tzinfo=UTC)


def weekly_nine_oclocks() -> list[CalendarEvent]:
    # A weekly 09:00 London appointment on either side of the change of 28 March 2027.
    return [
        CalendarEvent(
            uid=f"appointment-{pk}@example.org",
            starts=datetime(2027, 3, day, 9, tzinfo=LONDON),
            ends=datetime(2027, 3, day, 10, tzinfo=LONDON),
            summary="Somatic session",
            cancelled=cancelled,
        )
        for pk, day, cancelled in ((1, 22, False), (2, 29, True))
    ]


def test_the_events_keep_nine_oclock_local_across_the_change() -> None:
    body = build_calendar(weekly_nine_oclocks(), zone=LONDON, now=NOW, name="Appointments")
    events = Calendar.from_ical(body).walk("VEVENT")
    assert [e["UID"] for e in events] == ["appointment-1@example.org", "appointment-2@example.org"]
    starts = [e.decoded("DTSTART") for e in events]
    # 22 March is GMT (UTC+0): 09:00Z. 29 March is BST (UTC+1): 08:00Z.
    assert [s.astimezone(UTC) for s in starts] == [
        datetime(2027, 3, 22, 9, tzinfo=UTC),
        datetime(2027, 3, 29, 8, tzinfo=UTC),
    ]
    assert [e.decoded("DTEND") - e.decoded("DTSTART") for e in events] == [timedelta(hours=1)] * 2
    assert b"DTSTART;TZID=Europe/London:20270322T090000" in body
    assert b"DTSTART;TZID=Europe/London:20270329T090000" in body


def test_it_carries_the_zone_and_the_status() -> None:
    body = build_calendar(weekly_nine_oclocks(), zone=LONDON, now=NOW, method="PUBLISH")
    calendar = Calendar.from_ical(body)
    assert calendar["METHOD"] == "PUBLISH"
    zones = calendar.walk("VTIMEZONE")
    assert [str(z["TZID"]) for z in zones] == ["Europe/London"]
    events = calendar.walk("VEVENT")
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]
    assert [str(e["SUMMARY"]) for e in events] == ["Somatic session"] * 2
    assert events[0].decoded("DTSTAMP") == NOW


def test_an_empty_feed_is_still_a_calendar() -> None:
    body = build_calendar([], zone=LONDON, now=NOW, name="Appointments")
    calendar = Calendar.from_ical(body)
    assert calendar.name == "VCALENDAR"
    assert calendar.walk("VEVENT") == []
    assert str(calendar["X-WR-CALNAME"]) == "Appointments"
