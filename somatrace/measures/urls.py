"""URLs of the outcome measures app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.measures import views

urlpatterns: list[URLPattern] = [
    path("measures/clients/<int:client_id>/assign/", views.assign_view, name="measures_assign"),
    path("measures/clients/<int:client_id>/give/", views.give_view, name="measures_give"),
    path(
        "measures/administrations/<int:administration_id>/",
        views.administration_detail,
        name="measures_administration",
    ),
    path(
        "measures/administrations/<int:administration_id>/paper/",
        views.paper_view,
        name="measures_paper",
    ),
    path(
        "measures/administrations/<int:administration_id>/link/",
        views.link_view,
        name="measures_link",
    ),
    path(
        "measures/administrations/<int:administration_id>/kiosk/",
        views.kiosk_start,
        name="measures_kiosk_start",
    ),
    path(
        "measures/administrations/<int:administration_id>/cancel/",
        views.cancel_view,
        name="measures_cancel",
    ),
    path(
        "measures/assignments/<int:assignment_id>/stop/",
        views.assignment_stop,
        name="measures_assignment_stop",
    ),
    path("measures/kiosk/", views.kiosk_view, name="measures_kiosk"),
    path("q/<str:token>/", views.questionnaire_view, name="measures_questionnaire"),
    path("measures/caseload/", views.caseload_view, name="measures_caseload"),
    path("measures/settings/", views.settings_view, name="measures_settings"),
]
