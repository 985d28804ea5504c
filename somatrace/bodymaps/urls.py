"""URLs of the body maps app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.bodymaps import views

urlpatterns: list[URLPattern] = [
    path("bodymaps/clients/<int:client_id>/paint/", views.paint_checkin, name="bodymaps_paint"),
    path(
        "bodymaps/sessions/<int:session_id>/paint/pre/", views.paint_pre, name="bodymaps_paint_pre"
    ),
    path(
        "bodymaps/sessions/<int:session_id>/paint/post/",
        views.paint_post,
        name="bodymaps_paint_post",
    ),
    path("bodymaps/paintings/<int:painting_id>/", views.painting_detail, name="bodymaps_painting"),
    path(
        "bodymaps/paintings/<int:painting_id>/map.png",
        views.painting_png,
        name="bodymaps_painting_png",
    ),
    path(
        "bodymaps/paintings/<int:painting_id>/map.svg",
        views.painting_svg,
        name="bodymaps_painting_svg",
    ),
    path("bodymaps/sessions/<int:session_id>/compare/", views.compare, name="bodymaps_compare"),
    path(
        "bodymaps/sessions/<int:session_id>/difference.png",
        views.difference_png,
        name="bodymaps_difference_png",
    ),
    path(
        "bodymaps/sessions/<int:session_id>/chart/",
        views.session_chart,
        name="bodymaps_session_chart",
    ),
    path("bodymaps/clients/<int:client_id>/history/", views.history, name="bodymaps_history"),
    path(
        "bodymaps/clients/<int:client_id>/frequency.png",
        views.frequency_png,
        name="bodymaps_frequency_png",
    ),
    path(
        "bodymaps/clients/<int:client_id>/touch-consent/",
        views.touch_consent,
        name="bodymaps_touch_consent",
    ),
    path("bodymaps/research/", views.research, name="bodymaps_research"),
    path("bodymaps/research/map.png", views.research_png, name="bodymaps_research_png"),
]
