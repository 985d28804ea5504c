"""URLs of the exports app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.exports import views

urlpatterns: list[URLPattern] = [
    path("clients/<int:client_id>/export/fhir.json", views.fhir_export, name="export_fhir"),
    path(
        "clients/<int:client_id>/export/outcomes.csv",
        views.outcomes_export,
        name="export_outcomes",
    ),
    path("exports/caseload.csv", views.caseload_export, name="export_caseload"),
]
