"""URLs of the reports app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.reports import views

urlpatterns: list[URLPattern] = [
    path(
        "clients/<int:client_id>/reports/progress/",
        views.progress,
        name="reports_progress",
    ),
    path("sessions/<int:session_id>/note.pdf", views.note_pdf, name="reports_note_pdf"),
    path(
        "sessions/<int:session_id>/aftercare.pdf",
        views.aftercare_pdf,
        name="reports_aftercare_pdf",
    ),
    path("reports/<int:job_id>/", views.job, name="reports_job"),
    path("reports/<int:job_id>/status/", views.job_status, name="reports_job_status"),
    path("reports/<int:job_id>/report.pdf", views.job_pdf, name="reports_job_pdf"),
]
