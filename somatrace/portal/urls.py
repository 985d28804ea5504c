from django.urls import path

from somatrace.portal import views

urlpatterns = [
    path("portal/", views.home, name="portal_home"),
    path("portal/login/", views.PortalLoginView.as_view(), name="portal_login"),
    path("portal/logout/", views.portal_logout, name="portal_logout"),
    path("portal/offline/", views.offline, name="portal_offline"),
    path("portal/manifest.webmanifest", views.manifest, name="portal_manifest"),
    path("portal/sw.js", views.service_worker, name="portal_sw"),
]
