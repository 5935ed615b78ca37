"""The account pages: signing in and out, passwords, the language switch.

Sign-in, sign-out and the password pages are Django's own views with the portal's
forms (`accounts.forms`) and templates (`templates/registration/`); the URLs are in
`accounts.urls`.
"""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from . import services
from .language import set_language_cookie, supported
from .models import User
from .tokens import invite_token_generator


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switch: `language` (a code of settings.LANGUAGES) becomes the
    language of every page for a signed-in user (kept on their account) and for
    this browser (the language cookie); then back to `next`, a page of the portal.
    An unknown code changes nothing."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url,
        allowed_hosts={request.get_host()},
        require_https=request.is_secure(),
    ):
        next_url = reverse("home")
    response = HttpResponseRedirect(next_url)
    language = supported(request.POST.get("language"))
    if language is None:
        return response
    if request.user.is_authenticated:
        services.user_set_language(user=request.user, language=language)
    set_language_cookie(response, language)
    return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page for the mailed link; a new password set there also lifts a
    sign-in lockout of the account, since whoever holds the link holds its mail.
    The 429 page offers this way back. A deactivated account's link does not
    work (a link mailed before the account was closed must not set a password
    that works once it is opened again)."""

    def get_user(self, uidb64):
        user = super().get_user(uidb64)
        return user if isinstance(user, User) and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        axes_reset(username=self.user.get_username())
        return response


class InviteConfirmView(PasswordResetConfirmView):
    """The page of an invitation link: a new account's person sets their password.

    Django's reset page with the invitation's own token (`tokens.py`), which works
    once and for ACCOUNT_INVITE_DAYS; a deactivated account's link does not work.
    """

    token_generator = invite_token_generator
    template_name = "registration/invite_confirm.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["valid_days"] = services.invite_link_valid_days()
        return context
