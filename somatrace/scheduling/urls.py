from django.urls import path

from somatrace.scheduling.views import appointments, booking, calendar, feed, rules, setup

urlpatterns = [
    path("calendar/", calendar.calendar_day, name="calendar_day"),
    path("calendar/week/", calendar.calendar_week, name="calendar_week"),
    path("calendar/new/", appointments.appointment_create, name="appointment_create"),
    path(
        "calendar/appointments/<int:appointment_id>/",
        appointments.appointment_detail,
        name="appointment_detail",
    ),
    path(
        "calendar/appointments/<int:appointment_id>/move/",
        appointments.appointment_move,
        name="appointment_move",
    ),
    path(
        "calendar/appointments/<int:appointment_id>/move.json",
        calendar.appointment_move_json,
        name="appointment_move_json",
    ),
    path(
        "calendar/appointments/<int:appointment_id>/cancel/",
        appointments.appointment_cancel,
        name="appointment_cancel",
    ),
    path(
        "calendar/appointments/<int:appointment_id>/no-show/",
        appointments.appointment_no_show,
        name="appointment_no_show",
    ),
    path(
        "calendar/appointments/<int:appointment_id>/start/",
        appointments.appointment_start,
        name="appointment_start",
    ),
    path("calendar/hours/", setup.working_hours, name="working_hours"),
    path(
        "calendar/hours/<int:hours_id>/remove/",
        setup.working_hours_remove,
        name="working_hours_remove",
    ),
    path(
        "calendar/time-off/<int:time_off_id>/remove/",
        setup.time_off_remove,
        name="time_off_remove",
    ),
    path("practice/calendar/", setup.calendar_settings, name="calendar_settings"),
    path(
        "practice/calendar/types/<int:type_id>/",
        setup.appointment_type_edit,
        name="appointment_type_edit",
    ),
    path("practice/calendar/rooms/<int:room_id>/", setup.room_edit, name="room_edit"),
    # The client's own appointments in the portal.
    path("portal/appointments/", booking.portal_appointments, name="portal_appointments"),
    path("portal/appointments/book/", booking.portal_book, name="portal_book"),
    path(
        "portal/appointments/<int:appointment_id>/move/",
        booking.portal_appointment_move,
        name="portal_appointment_move",
    ),
    path(
        "portal/appointments/<int:appointment_id>/cancel/",
        booking.portal_appointment_cancel,
        name="portal_appointment_cancel",
    ),
    # The public page: someone new asks for a first appointment.
    path("book/<str:public_key>/", booking.public_booking, name="public_booking"),
    path(
        "book/<str:public_key>/thanks/",
        booking.public_booking_thanks,
        name="public_booking_thanks",
    ),
    # Staff: the requests, the owner's rules, a practitioner's feed.
    path("booking-requests/", booking.booking_requests, name="booking_requests"),
    path(
        "booking-requests/<int:booking_request_id>/decline/",
        booking.booking_request_decline,
        name="booking_request_decline",
    ),
    path("practice/booking-rules/", rules.booking_rules, name="booking_rules"),
    path("calendar/feed/", feed.calendar_feed_settings, name="calendar_feed_settings"),
    path("calendar/feed/off/", feed.calendar_feed_remove, name="calendar_feed_remove"),
    # The secret is a path segment of its own, so that core.redact keeps it out of logs.
    path("calendar/feed/<str:token>/appointments.ics", feed.calendar_feed, name="calendar_feed"),
]
