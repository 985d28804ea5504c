from django.contrib.auth import views as auth_views
from django.urls import include, path

from somatrace import views as pages
from somatrace.accounts import views as accounts
from somatrace.accounts.forms import EmailAuthenticationForm
from somatrace.alerts import views as alerts
from somatrace.api.views import tokens
from somatrace.clients import views as clients
from somatrace.core import idle, metrics
from somatrace.core import views as core

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailAuthenticationForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The second step of signing in, for a member with a second factor.
    path("login/verify/", accounts.two_factor_verify, name="two_factor_verify"),
    path(
        "login/verify/passkey/options/",
        accounts.two_factor_passkey_options,
        name="two_factor_passkey_options",
    ),
    path("login/verify/passkey/", accounts.two_factor_passkey, name="two_factor_passkey"),
    path("password/change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("password/reset/", accounts.PasswordResetView.as_view(), name="password_reset"),
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
    path("", pages.dashboard, name="dashboard"),
    path("healthz", core.healthz, name="healthz"),
    path("readyz", core.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("session/idle/", idle.idle_status, name="idle_status"),
    path("session/stay/", idle.idle_stay, name="idle_stay"),
    path("", include(auth_patterns)),
    path("account/security/", accounts.account_security, name="account_security"),
    path("account/security/totp/new/", accounts.totp_add, name="totp_add"),
    path("account/security/totp/", accounts.totp_confirm, name="totp_confirm"),
    path(
        "account/security/passkey/options/",
        accounts.passkey_add_options,
        name="passkey_add_options",
    ),
    path("account/security/passkey/", accounts.passkey_add, name="passkey_add"),
    path("account/security/recovery-codes/", accounts.recovery_codes, name="recovery_codes"),
    path("account/security/remove/", accounts.device_remove, name="device_remove"),
    path("account/tokens/", tokens.token_list, name="token_list"),
    path("account/tokens/<int:token_id>/revoke/", tokens.token_revoke, name="token_revoke"),
    path("clients/", clients.client_list, name="client_list"),
    path("clients/new/", clients.client_create, name="client_create"),
    path("clients/<int:client_id>/", clients.client_detail, name="client_detail"),
    path("clients/<int:client_id>/edit/", clients.client_edit, name="client_edit"),
    path("clients/<int:client_id>/intake/", clients.intake_edit, name="intake_edit"),
    path("clients/<int:client_id>/clearance/", clients.clearance_create, name="clearance_create"),
    path("clients/<int:client_id>/consent/", clients.consent_sign, name="consent_sign"),
    path(
        "clients/<int:client_id>/attachments/",
        clients.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "clients/<int:client_id>/attachments/<int:attachment_id>/",
        clients.attachment_view,
        name="attachment_view",
    ),
    path(
        "clients/<int:client_id>/attachments/<int:attachment_id>/delete/",
        clients.attachment_delete,
        name="attachment_delete",
    ),
    path(
        "clients/<int:client_id>/consent/<int:record_id>/withdraw/",
        clients.consent_withdraw,
        name="consent_withdraw",
    ),
    path("alerts/<int:alert_id>/", alerts.alert_detail, name="alert_detail"),
    path("practice/", accounts.practice_settings, name="practice_settings"),
    path("practice/consent/", clients.consent_versions, name="consent_versions"),
    path("practice/team/", accounts.team, name="team"),
    path("practice/team/<int:membership_id>/", accounts.member_edit, name="member_edit"),
    path(
        "practice/team/<int:membership_id>/deactivate/",
        accounts.member_deactivate,
        name="member_deactivate",
    ),
    path(
        "practice/team/<int:membership_id>/reactivate/",
        accounts.member_reactivate,
        name="member_reactivate",
    ),
    path(
        "practice/team/<int:membership_id>/lift-lockout/",
        accounts.member_lift_lockout,
        name="member_lift_lockout",
    ),
    path(
        "practice/team/<int:membership_id>/reset-2fa/",
        accounts.member_reset_two_factor,
        name="member_reset_two_factor",
    ),
    path("practice/audit/", pages.audit_log, name="audit_log"),
    path("", include("somatrace.therapy.urls")),
    path("", include("somatrace.measures.urls")),
    path("", include("somatrace.bodymaps.urls")),
    path("", include("somatrace.physio.urls")),
    path("", include("somatrace.scheduling.urls")),
    path("", include("somatrace.journal.urls")),
    path("", include("somatrace.exports.urls")),
    path("", include("somatrace.reports.urls")),
    path("", include("somatrace.mail.urls")),
    path("api/", include(("somatrace.api.urls", "api"), namespace="api")),
    path("", include("somatrace.transfer.urls")),
    path("", include("somatrace.homework.urls")),
    path("", include("somatrace.billing.urls")),
    path("", include("somatrace.portal.urls")),
    path("", include("somatrace.research.urls")),
]
