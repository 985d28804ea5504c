"""iCalendar (RFC 5545) text for appointments: a practitioner's feed, a client's invite.

Pure: no Django; built with the `icalendar` library. An event carries times and the
appointment type's name only: never a client's name, a note or anything clinical, because a
calendar feed or an .ics attachment ends up in other companies' calendar services.

Times are written in the practice's zone (DTSTART;TZID=Europe/London:20270329T090000) with
the zone's VTIMEZONE, so calendar programs show the local wall-clock time the practice
booked, on both sides of a daylight-saving change.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODID = "-//Somatrace//Appointments//EN"


@dataclass(frozen=True)
class CalendarEvent:
    """One appointment as a calendar sees it.

    uid : str
        Stable across changes of the appointment (a calendar program updates the event it
        already has), unique across servers: "appointment-<id>@<host>".
    starts, ends : datetime (aware)
    summary : str
        The appointment type's name, perhaps with the practice's: never a person.
    cancelled : bool
        Written as STATUS:CANCELLED, so that calendars remove or strike it.
    updated : datetime (aware)
        When it last changed: LAST-MODIFIED.
    location : str
        The practice's name or a room; optional.
    """

    uid: str
    starts: datetime
    ends: datetime
    summary: str
    cancelled: bool = False
    updated: datetime | None = None
    location: str = ""


def build_calendar(
    events: Iterable[CalendarEvent],
    *,
    zone: ZoneInfo,
    now: datetime,
    name: str = "",
    method: str = "",
) -> bytes:
    """A VCALENDAR with one VEVENT per event and the VTIMEZONE of `zone`.

    Parameters
    ----------
    events : iterable of CalendarEvent
    zone : ZoneInfo
        The practice's time zone: every DTSTART/DTEND is written with its TZID.
    now : datetime (aware)
        DTSTAMP of every event (when this text was made).
    name : str
        The calendar's display name (X-WR-CALNAME), for feeds.
    method : str
        "PUBLISH" for an invite attached to an email ("" for a feed).

    Returns
    -------
    bytes
        The iCalendar text, CRLF line endings, UTF-8.
    """
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", zone.key)
    stamp = now.astimezone(UTC)
    for item in events:
        event = Event()
        event.add("uid", item.uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", item.starts.astimezone(zone))
        event.add("dtend", item.ends.astimezone(zone))
        event.add("summary", item.summary)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        event.add("transp", "TRANSPARENT" if item.cancelled else "OPAQUE")
        if item.location:
            event.add("location", item.location)
        if item.updated is not None:
            event.add("last-modified", item.updated.astimezone(UTC))
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
