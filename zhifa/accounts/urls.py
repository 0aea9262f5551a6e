from django.contrib.auth import views as auth_views
from django.urls import path

from zhifa.accounts import mfa_views, token_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(template_name="accounts/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
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
