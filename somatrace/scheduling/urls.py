from django.urls import path

from somatrace.scheduling.views import booking, feed, rules

urlpatterns = [
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
