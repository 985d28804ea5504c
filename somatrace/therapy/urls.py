"""URLs of the therapy app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.therapy.views import console, events, portal, sessions, words

urlpatterns: list[URLPattern] = [
    path("clients/<int:client_id>/sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:session_id>/", sessions.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", sessions.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/sign/", sessions.session_sign, name="session_sign"),
    path("sessions/<int:session_id>/amend/", sessions.session_amend, name="session_amend"),
    path(
        "sessions/<int:session_id>/aftercare/",
        sessions.session_aftercare,
        name="session_aftercare",
    ),
    path("sessions/<int:session_id>/remove/", sessions.session_remove, name="session_remove"),
    path(
        "clients/<int:client_id>/sessions/", sessions.client_sessions_page, name="client_sessions"
    ),
    path("clients/<int:client_id>/sessions/start/", console.session_start, name="session_start"),
    path("sessions/<int:session_id>/console/", console.console_page, name="console"),
    path("sessions/<int:session_id>/console/start/", console.console_start, name="console_start"),
    path("sessions/<int:session_id>/console/pause/", console.console_pause, name="console_pause"),
    path(
        "sessions/<int:session_id>/console/resume/", console.console_resume, name="console_resume"
    ),
    path("sessions/<int:session_id>/console/end/", console.console_end, name="console_end"),
    path("sessions/<int:session_id>/events/", events.event_create, name="event_create"),
    path("sessions/<int:session_id>/events/new/", events.event_add, name="event_add"),
    path("sessions/<int:session_id>/events/<int:event_id>/", events.event_edit, name="event_edit"),
    path(
        "sessions/<int:session_id>/events/<int:event_id>/delete/",
        events.event_delete,
        name="event_delete",
    ),
    path("sessions/vocabulary/", words.vocabulary_page, name="vocabulary"),
    path("portal/aftercare/", portal.therapy_portal_aftercare, name="portal_aftercare"),
    path(
        "portal/aftercare/<int:session_id>/email/",
        portal.therapy_portal_aftercare_email,
        name="portal_aftercare_email",
    ),
]
