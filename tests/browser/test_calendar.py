"""The calendar on a tablet: drag an appointment in the week view to another day and time
(saved through the same checks as the form; a refusal puts it back), drag its lower edge to
lengthen it, record a no-show from its page, and book a client found by name in a practice
too large to list every client."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from somatrace.clients.models import Client
from somatrace.scheduling.models import Appointment, TimeOff
from somatrace.scheduling.testing import make_appointment, make_appointment_type
from somatrace.testing import make_client, make_member

from .axe import serious_violations

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("SOMATRACE_SHOTS")  # a folder: save screenshots there to look at


def test_dragging_an_appointment_in_the_week_view_moves_it(
    signed_in_page, live_server, practitioner, client_record
) -> None:
    # Mon 4 Jan 2027 10:00 GMT; the week view's grid starts at 08:00 in rows of 15 minutes.
    appointment = make_appointment(client_record, datetime(2027, 1, 4, 10, tzinfo=UTC))
    TimeOff.objects.create(
        practice_id=client_record.practice_id,
        practitioner=practitioner,
        starts_at=datetime(2027, 1, 5, tzinfo=UTC),
        ends_at=datetime(2027, 1, 6, tzinfo=UTC),
        reason="Training",
    )
    refused: list[str] = []
    page = signed_in_page(practitioner)
    page.on("console", lambda m: refused.append(m.text) if "Security Policy" in m.text else None)
    page.set_viewport_size({"width": 1180, "height": 900})  # a tablet, landscape
    page.goto(f"{live_server.url}/calendar/week/?date=2027-01-04&who={practitioner.pk}")
    block = page.locator(f'a[href="/calendar/appointments/{appointment.pk}/"]')
    expect(block).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/week.png", full_page=True)
    assert serious_violations(page) == []

    column = page.locator('.cal-col[data-date="2027-01-04"]').bounding_box()
    assert column
    rows = int(page.locator(".cal").get_attribute("data-rows") or 0)
    slot = column["height"] / rows

    def drag_to(date: str, rows_down: int) -> None:
        box = block.bounding_box()
        target = page.locator(f'.cal-col[data-date="{date}"]').bounding_box()
        assert box and target
        x, y = box["x"] + box["width"] / 2, box["y"] + slot / 2  # near the block's top
        page.mouse.move(x, y)
        page.mouse.down()
        page.mouse.move(x + 20, y + 10, steps=3)
        page.mouse.move(target["x"] + target["width"] / 2, y + rows_down * slot, steps=8)
        page.mouse.up()

    # Onto Tuesday, when the practitioner is away: refused, the block goes back.
    drag_to("2027-01-05", 0)
    expect(page.locator("#cal-status")).to_contain_text("The practitioner is away")
    expect(page.locator('.cal-col[data-date="2027-01-04"]').locator(block)).to_be_visible()
    appointment.refresh_from_db()
    assert appointment.starts_at == datetime(2027, 1, 4, 10, tzinfo=UTC)

    # Two columns right and 6 rows (90 minutes) lower: Wednesday 11:30.
    drag_to("2027-01-06", 6)
    moved = page.locator(
        f'.cal-col[data-date="2027-01-06"] a[href="/calendar/appointments/{appointment.pk}/"]'
    )
    expect(moved).to_be_visible()
    expect(moved).to_contain_text("11:30–12:30")
    appointment.refresh_from_db()
    assert appointment.starts_at == datetime(2027, 1, 6, 11, 30, tzinfo=UTC)
    assert appointment.ends_at == datetime(2027, 1, 6, 12, 30, tzinfo=UTC)

    # Its lower edge two rows down: 30 minutes longer, 11:30-13:00.
    edge = moved.locator(".cal-resize").bounding_box()
    assert edge
    ex, ey = edge["x"] + edge["width"] / 2, edge["y"] + edge["height"] / 2
    page.mouse.move(ex, ey)
    page.mouse.down()
    page.mouse.move(ex, ey + 2 * slot, steps=6)
    page.mouse.up()
    expect(moved).to_contain_text("11:30–13:00")
    appointment.refresh_from_db()
    assert appointment.ends_at == datetime(2027, 1, 6, 13, tzinfo=UTC)
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/week-moved.png", full_page=True)
    assert refused == []


def test_a_no_show_is_recorded_with_a_reason(
    signed_in_page, live_server, practitioner, client_record
) -> None:
    appointment = make_appointment(client_record, timezone.now() - timedelta(days=1))
    page = signed_in_page(practitioner)
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet, portrait
    page.goto(f"{live_server.url}/calendar/appointments/{appointment.pk}/")
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/appointment.png", full_page=True)
    assert serious_violations(page) == []
    page.get_by_role("textbox", name="Reason").last.fill("No word from the client")
    page.get_by_role("button", name="Record a no-show").click()
    expect(page.get_by_text("Recorded as a no-show.")).to_be_visible()
    expect(page.get_by_text("No word from the client")).to_be_visible()
    appointment.refresh_from_db()
    assert (appointment.status, appointment.status_reason) == ("no_show", "No word from the client")


def test_a_client_beyond_the_list_is_found_by_name_and_booked(
    signed_in_page, live_server, practice, practitioner, monkeypatch
) -> None:
    monkeypatch.setattr("somatrace.scheduling.forms.CLIENTS_LISTED", 2)
    for name in ("Ada Alder", "Bo Birch", "Cy Cedar", "Ed Elm", "Em Elmore"):
        make_client(practice, practitioner, name=name)
    make_appointment_type(practice)
    page = signed_in_page(practitioner)
    page.set_viewport_size({"width": 820, "height": 1180})  # a tablet, portrait
    page.goto(f"{live_server.url}/calendar/new/")
    client_choice = page.get_by_label("Client:", exact=True)
    expect(client_choice.locator("option")).to_have_count(3)  # the empty choice and two
    page.get_by_label("Time:", exact=True).fill("14:30")

    # Typing narrows the list as it goes; Enter in the box finds, and books nothing.
    page.get_by_label("Find a client").fill("elm")
    expect(page.get_by_text("2 clients match “elm”.")).to_be_visible()
    expect(client_choice.locator("option")).to_have_text(["---------", "Ed Elm", "Em Elmore"])
    page.get_by_label("Find a client").fill("elmore")
    page.get_by_label("Find a client").press("Enter")
    expect(page.get_by_text("1 client matches “elmore”.")).to_be_visible()
    elmore = Client.objects.get(name="Em Elmore")
    expect(page.get_by_label("Client:", exact=True)).to_have_value(str(elmore.pk))  # the one
    assert not Appointment.objects.exists()
    expect(page.get_by_label("Time:", exact=True)).to_have_value("14:30")  # nothing typed is lost
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/booking-find.png", full_page=True)
    assert serious_violations(page) == []

    page.get_by_label("Time:", exact=True).press("Enter")  # Enter elsewhere books, as on any form
    expect(page.get_by_text("Booked for")).to_be_visible()
    booked = Appointment.objects.get()
    assert booked.client.name == "Em Elmore"
    assert timezone.localtime(booked.starts_at).strftime("%H:%M") == "14:30"


def test_side_by_side_appointments_keep_their_times_whole_on_a_portrait_tablet(
    signed_in_page, live_server, practice, owner
) -> None:
    people = [make_member(practice, name=f"Person {n}") for n in range(3)]
    kind = make_appointment_type(practice)
    for n, person in enumerate(people):  # three at once, each with their own practitioner
        make_appointment(
            make_client(practice, person, name=f"Client Number{n}"),
            datetime(2027, 1, 5, 11, tzinfo=UTC),
            practitioner=person,
            appointment_type=kind,
        )
    page = signed_in_page(owner)
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server.url}/calendar/week/?date=2027-01-04&who=all")
    blocks = page.locator(".cal-appt")
    expect(blocks).to_have_count(3)
    for n in range(3):
        block = blocks.nth(n)
        # Read out whole, whatever is shown: the time, the client, the type.
        assert "11:00–12:00" in block.inner_text() or "11:00–12:00" in block.text_content()
        start = block.locator(".cal-start")
        box = start.bounding_box()
        line = float(start.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
        # Shown on one line or hidden (1 px), never broken inside "11:00".
        assert box is not None and box["height"] <= line * 1.2, box
        # "Client Number0": two words, two lines at most, cut at the lane's edge rather than
        # stacked a letter or two a line.
        name = block.locator("strong").bounding_box()
        assert name is not None and name["height"] <= 2 * line * 1.2, name
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/week-side-by-side.png", full_page=True)
    assert serious_violations(page) == []


def test_a_blocks_details_are_shown_whole_or_not_at_all_in_a_narrow_column(
    signed_in_page, live_server, practice, practitioner
) -> None:
    kind = make_appointment_type(practice, name="SER session 60 min")
    # Mon 4 Jan 2027 (GMT). A long name fills an hour's block: no room for the details line.
    # A short name leaves room under it in an hour and a half.
    long_name = make_client(practice, practitioner, name="Fennimore Nightingale-Ashworth")
    short_name = make_client(practice, practitioner, name="Em Ash")
    make_appointment(long_name, datetime(2027, 1, 4, 9, tzinfo=UTC), appointment_type=kind)
    make_appointment(
        short_name, datetime(2027, 1, 5, 9, tzinfo=UTC), minutes=90, appointment_type=kind
    )
    page = signed_in_page(practitioner)
    page.set_viewport_size({"width": 820, "height": 1180})
    page.goto(f"{live_server.url}/calendar/week/?date=2027-01-04")
    # What the eye sees at the details line's first and last pixel rows (hit testing honours
    # clipping): both, whole; neither, not shown; one, cut through its letters.
    seen = page.locator("a.cal-appt").evaluate_all(
        """blocks => blocks.map(a => {
            const meta = a.querySelector('.cal-meta');
            const box = meta.getBoundingClientRect();
            const hit = y => document.elementsFromPoint(box.left + 3, y).includes(meta);
            return [a.querySelector('strong').textContent,
                    [hit(box.top + 2), hit(box.bottom - 2)]];
        })"""
    )
    assert dict(seen) == {
        "Fennimore Nightingale-Ashworth": [False, False],  # no room: not shown
        "Em Ash": [True, True],  # room: whole
    }
    expect(page.locator("a.cal-appt", has_text="Em Ash").locator(".cal-meta")).to_be_visible()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/week-details-whole.png", full_page=True)
