"""URLs of home practice, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.homework.views import portal, staff

urlpatterns: list[URLPattern] = [
    path("clients/<int:client_id>/home-practice/", staff.homework_assign, name="homework_assign"),
    path(
        "clients/<int:client_id>/home-practice/<int:assignment_id>/end/",
        staff.homework_end,
        name="homework_end",
    ),
    path("clients/<int:client_id>/sharing/", staff.progress_sharing, name="progress_sharing"),
    path("home-practice/exercises/", staff.exercise_list, name="homework_exercises"),
    path("portal/progress/", portal.homework_portal_progress, name="portal_progress"),
    path("portal/home-practice/", portal.homework_portal_list, name="portal_home_practice"),
    path(
        "portal/home-practice/<int:assignment_id>/",
        portal.homework_portal_exercise,
        name="portal_home_practice_exercise",
    ),
    path(
        "portal/home-practice/<int:assignment_id>/done/",
        portal.homework_portal_done,
        name="portal_home_practice_done",
    ),
]
