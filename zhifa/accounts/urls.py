from django.contrib.auth import views as auth_views
from django.urls import path

from zhifa.accounts import mfa_views, token_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Password change; the security administrator's sessions and lockouts (zhifa.accounts.views)
    path("password/", views.password_change, name="password_change"),
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/<int:pk>/end/", views.SessionEndView.as_view(), name="session_end"),
    path(
        "sessions/account/<int:pk>/end/", views.AccountSessionsEndView.as_view(), name="session_end_account"
    ),
    path("sessions/lockouts/", views.LockoutListView.as_view(), name="lockout_list"),
    path("sessions/lockouts/unlock/", views.LockoutUnlockView.as_view(), name="lockout_unlock"),
    # Second factor, re-authentication, API tokens (zhifa.accounts.mfa_views, token_views)
    path("otp/", mfa_views.otp_verify, name="otp_verify"),
    path("otp/setup/", mfa_views.otp_setup, name="otp_setup"),
    path("otp/recovery/", mfa_views.otp_recovery, name="otp_recovery"),
    path("otp/reset/<int:pk>/", mfa_views.otp_reset, name="otp_reset"),
    path("reauth/", mfa_views.reauth, name="reauth"),
    path("tokens/", token_views.token_list, name="token_list"),
    path("tokens/<int:pk>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("tokens/all/", token_views.token_admin_list, name="token_admin_list"),
]
