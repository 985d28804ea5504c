"""URLs of the research app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.research import views

urlpatterns: list[URLPattern] = [
    path("research/", views.home, name="research_home"),
    path("research/consents/", views.consents, name="research_consents"),
    path(
        "research/consents/<int:client_id>/withdraw/",
        views.consent_withdraw,
        name="research_consent_withdraw",
    ),
    path("research/<int:project_id>/", views.results, name="research_results"),
    path("research/<int:project_id>/plan/", views.plan, name="research_plan"),
    path(
        "research/<int:project_id>/plan/<int:plan_id>/lock/",
        views.plan_lock,
        name="research_plan_lock",
    ),
    path("research/<int:project_id>/export/", views.export, name="research_export"),
    path(
        "research/<int:project_id>/export.csv.zip",
        views.export_download,
        {"fmt": "csv"},
        name="research_export_csv",
    ),
    path(
        "research/<int:project_id>/export.parquet",
        views.export_download,
        {"fmt": "parquet"},
        name="research_export_parquet",
    ),
    path("research/<int:project_id>/report/", views.report, name="research_report"),
    path("research/<int:project_id>/report.pdf", views.report_pdf, name="research_report_pdf"),
]
