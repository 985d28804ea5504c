from django.contrib.auth import views as auth_views
from django.urls import include, path

from somatrace.accounts import views as accounts
from somatrace.accounts.forms import EmailAuthenticationForm
from somatrace.alerts import views as alerts
from somatrace.audit import views as audit
from somatrace.clients import views as clients
from somatrace.core import views as core
from somatrace.therapy import views as therapy

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", core.dashboard, name="dashboard"),
    path("healthz", core.healthz, name="healthz"),
    path("", include(auth_patterns)),
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/<int:client_id>/", clients.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:client_id>/intake/", clients.intake_edit, name="intake_edit"),
    path("clients/<int:client_id>/clearance/", clients.clearance_create, name="clearance_create"),
    path("clients/<int:client_id>/consent/", clients.consent_sign, name="consent_sign"),
    path(
        "clients/<int:client_id>/consent/<int:record_id>/withdraw/",
        clients.consent_withdraw,
        name="consent_withdraw",
    ),
    path("clients/<int:client_id>/sessions/new/", therapy.session_create, name="session_create"),
    path("sessions/<int:session_id>/", therapy.session_detail, name="session_detail"),
    path("sessions/<int:session_id>/edit/", therapy.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/sign/", therapy.session_sign, name="session_sign"),
    path("sessions/<int:session_id>/amend/", therapy.session_amend, name="session_amend"),
    path("clients/<int:client_id>/sessions/live/", therapy.session_live, name="session_live"),
    path("sessions/<int:session_id>/console/", therapy.console_page, name="console"),
    path("sessions/<int:session_id>/console/start/", therapy.console_start, name="console_start"),
    path("sessions/<int:session_id>/console/pause/", therapy.console_pause, name="console_pause"),
    path(
        "sessions/<int:session_id>/console/resume/", therapy.console_resume, name="console_resume"
    ),
    path("sessions/<int:session_id>/console/end/", therapy.console_end, name="console_end"),
    path("sessions/<int:session_id>/events/", therapy.event_create, name="event_create"),
    path("sessions/<int:session_id>/events/new/", therapy.event_add, name="event_add"),
    path(
        "sessions/<int:session_id>/events/<int:event_id>/",
        therapy.event_edit,
        name="event_edit",
    ),
    path(
        "sessions/<int:session_id>/events/<int:event_id>/delete/",
        therapy.event_delete,
        name="event_delete",
    ),
    path(
        "sessions/<int:session_id>/aftercare/", therapy.session_aftercare, name="session_aftercare"
    ),
    path("sessions/vocabulary/", therapy.vocabulary_page, name="vocabulary"),
    path("alerts/<int:alert_id>/", alerts.alert_detail, name="alert_detail"),
    path("practice/", accounts.practice_settings, name="practice_settings"),
    path("practice/consent/", accounts.consent_versions, name="consent_versions"),
    path("practice/team/", accounts.team, name="team"),
    path("practice/team/<int:membership_id>/", accounts.member_edit, name="member_edit"),
    path("practice/audit/", audit.audit_log, name="audit_log"),
    path("", include("somatrace.measures.urls")),
    path("", include("somatrace.bodymaps.urls")),
    path("", include("somatrace.physio.urls")),
]
