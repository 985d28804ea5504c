"""URLs of the body maps app, included at the site root by somatrace/urls.py."""

from django.urls import URLPattern, path

from somatrace.bodymaps.views import (
    chart,
    compare,
    handover,
    history,
    paint,
    paintings,
    research,
    touch_consent,
)

urlpatterns: list[URLPattern] = [
    path("bodymaps/clients/<int:client_id>/paint/", paint.paint_checkin, name="bodymaps_paint"),
    path(
        "bodymaps/sessions/<int:session_id>/paint/pre/", paint.paint_pre, name="bodymaps_paint_pre"
    ),
    path(
        "bodymaps/sessions/<int:session_id>/paint/post/",
        paint.paint_post,
        name="bodymaps_paint_post",
    ),
    # Handing the painter to the client: the tablet in kiosk mode, or a secure link.
    path(
        "bodymaps/clients/<int:client_id>/paint/kiosk/",
        handover.kiosk_start_checkin,
        name="bodymaps_kiosk_start_checkin",
    ),
    path(
        "bodymaps/sessions/<int:session_id>/paint/pre/kiosk/",
        handover.kiosk_start_session,
        {"moment": "pre"},
        name="bodymaps_kiosk_start_pre",
    ),
    path(
        "bodymaps/sessions/<int:session_id>/paint/post/kiosk/",
        handover.kiosk_start_session,
        {"moment": "post"},
        name="bodymaps_kiosk_start_post",
    ),
    path(
        "bodymaps/clients/<int:client_id>/paint/link/",
        handover.link_checkin,
        name="bodymaps_link_checkin",
    ),
    path(
        "bodymaps/sessions/<int:session_id>/paint/pre/link/",
        handover.link_session,
        {"moment": "pre"},
        name="bodymaps_link_pre",
    ),
    path(
        "bodymaps/sessions/<int:session_id>/paint/post/link/",
        handover.link_session,
        {"moment": "post"},
        name="bodymaps_link_post",
    ),
    path(
        "bodymaps/handovers/<int:handover_id>/revoke/",
        handover.revoke,
        name="bodymaps_handover_revoke",
    ),
    path("bodymaps/kiosk/", handover.kiosk_view, name="bodymaps_kiosk"),
    path("bodymaps/thanks/", handover.thanks, name="bodymaps_thanks"),
    path("p/<str:token>/", handover.link_view, name="bodymaps_paint_link"),
    path(
        "bodymaps/paintings/<int:painting_id>/",
        paintings.painting_detail,
        name="bodymaps_painting",
    ),
    path(
        "bodymaps/paintings/<int:painting_id>/map.png",
        paintings.painting_png,
        name="bodymaps_painting_png",
    ),
    path(
        "bodymaps/paintings/<int:painting_id>/map.svg",
        paintings.painting_svg,
        name="bodymaps_painting_svg",
    ),
    path("bodymaps/sessions/<int:session_id>/compare/", compare.compare, name="bodymaps_compare"),
    path(
        "bodymaps/sessions/<int:session_id>/difference.png",
        compare.difference_png,
        name="bodymaps_difference_png",
    ),
    path(
        "bodymaps/sessions/<int:session_id>/chart/",
        chart.session_chart,
        name="bodymaps_session_chart",
    ),
    path("bodymaps/clients/<int:client_id>/history/", history.history, name="bodymaps_history"),
    path(
        "bodymaps/clients/<int:client_id>/frequency.png",
        history.frequency_png,
        name="bodymaps_frequency_png",
    ),
    path(
        "bodymaps/clients/<int:client_id>/touch-consent/",
        touch_consent.touch_consent,
        name="bodymaps_touch_consent",
    ),
    path("bodymaps/research/", research.research, name="bodymaps_research"),
    path("bodymaps/research/map.png", research.research_png, name="bodymaps_research_png"),
]
