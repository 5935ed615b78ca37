"""`/accounts/...`: signing in and out, passwords, the language switch."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.urls import path

from . import forms, services, views

RESET_EMAIL = "registration/password_reset_email.txt"
RESET_SUBJECT = "registration/password_reset_subject.txt"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=forms.SignInForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    # POST only (Django's LogoutView refuses GET).
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("language/", views.set_language, name="set_language"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            form_class=forms.PortalPasswordResetForm,
            email_template_name=RESET_EMAIL,
            subject_template_name=RESET_SUBJECT,
        ),
        name="password_reset",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetDoneView.as_view(
            extra_context={"valid_days": services.reset_link_valid_days}
        ),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(form_class=forms.PortalSetPasswordForm),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # A new account's invitation link: the person sets their password, then signs in.
    path(
        "invite/<uidb64>/<token>/",
        views.InviteConfirmView.as_view(form_class=forms.PortalSetPasswordForm),
        name="account_invite_confirm",
    ),
    # Only password fields, which a form posted after the session expired never
    # keeps (blkk_portal.form_resume): nothing to bind on GET.
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            form_class=forms.PortalPasswordChangeForm
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]
