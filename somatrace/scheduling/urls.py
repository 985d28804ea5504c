from django.urls import path

from somatrace.scheduling.views import appointments, calendar, setup

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
]
