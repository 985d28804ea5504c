from django.urls import path

from somatrace.portal import views

urlpatterns = [
    # Staff doors on the client page (not portal_*: a client never opens them).
    path(
        "clients/<int:client_id>/portal/invite/",
        views.client_portal_invite,
        name="client_portal_invite",
    ),
    path("clients/<int:client_id>/portal/qr/", views.client_portal_qr, name="client_portal_qr"),
    path(
        "booking-requests/<int:booking_request_id>/invite/",
        views.booking_request_invite,
        name="booking_request_invite",
    ),
    path("practice/deletion-requests/", views.deletion_requests, name="deletion_requests"),
    path(
        "deletion-requests/<int:request_id>/decide/",
        views.deletion_request_decide,
        name="deletion_request_decide",
    ),
    path("portal/", views.home, name="portal_home"),
    path("portal/login/", views.PortalLoginView.as_view(), name="portal_login"),
    path("portal/logout/", views.portal_logout, name="portal_logout"),
    path("portal/welcome/<str:token>/", views.welcome, name="portal_welcome"),
    path("portal/login/link/", views.link_request, name="portal_link_request"),
    path("portal/login/link/<str:token>/", views.link_sign_in, name="portal_link_sign_in"),
    path("portal/passkey/", views.passkey, name="portal_passkey"),
    path("portal/passkey/options/", views.passkey_add_options, name="portal_passkey_add_options"),
    path("portal/passkey/add/", views.passkey_add, name="portal_passkey_add"),
    path(
        "portal/login/passkey/options/",
        views.passkey_sign_in_options,
        name="portal_passkey_sign_in_options",
    ),
    path("portal/login/passkey/", views.passkey_sign_in, name="portal_passkey_sign_in"),
    path("portal/intake/", views.intake, name="portal_intake"),
    path("portal/consent/", views.consent, name="portal_consent"),
    path("portal/touch/", views.touch, name="portal_touch"),
    path(
        "portal/questionnaires/<int:administration_id>/",
        views.questionnaire,
        name="portal_questionnaire",
    ),
    path("portal/my-data/", views.my_data, name="portal_my_data"),
    path("portal/my-data/download/", views.my_data_download, name="portal_my_data_download"),
    path("portal/my-data/delete/", views.my_data_delete, name="portal_my_data_delete"),
    path("portal/offline/", views.offline, name="portal_offline"),
    path("portal/manifest.webmanifest", views.manifest, name="portal_manifest"),
    path("portal/sw.js", views.service_worker, name="portal_sw"),
]
