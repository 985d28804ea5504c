"""URLs of the physiology app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.physio import views

urlpatterns: list[URLPattern] = [
    path(
        "physio/sessions/<int:session_id>/recordings/new/",
        views.upload_for_session,
        name="physio_upload_session",
    ),
    path(
        "physio/clients/<int:client_id>/recordings/new/",
        views.upload_for_client,
        name="physio_upload_client",
    ),
    path("physio/recordings/<int:recording_id>/", views.recording_detail, name="physio_recording"),
    path(
        "physio/recordings/<int:recording_id>/status/",
        views.recording_status,
        name="physio_recording_status",
    ),
    path(
        "physio/recordings/<int:recording_id>/offset/",
        views.recording_offset,
        name="physio_recording_offset",
    ),
    path(
        "physio/recordings/<int:recording_id>/method/",
        views.recording_method,
        name="physio_recording_method",
    ),
    path(
        "physio/recordings/<int:recording_id>/delete/",
        views.recording_delete,
        name="physio_recording_delete",
    ),
    path("physio/sessions/<int:session_id>/live/", views.live, name="physio_live"),
    path(
        "physio/sessions/<int:session_id>/live/finish/",
        views.live_finish,
        name="physio_live_finish",
    ),
]
