"""The sign-in and password forms of the portal's pages (`/accounts/...`)."""

from __future__ import annotations

import functools
import logging
from typing import cast

from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.cache import cache
from django.core.validators import MaxLengthValidator
from django.db import transaction
from django.forms import CharField
from django.utils.translation import gettext_lazy as _

from blkk_portal.celery import TaskQueueUnavailable, publish

from . import tasks
from .signin import MAX_LENGTH, login_username

logger = logging.getLogger("blkk_portal.security")

# One reset mail per account in this many seconds, whatever is asked: the form is
# open to anyone, and must not become a way to flood someone's inbox.
RESET_MAIL_INTERVAL_SECONDS = 5 * 60


class SignInForm(AuthenticationForm):
    """Django's sign-in form, with a username or an email in `username`
    (`blkk_portal.accounts.signin`) and a message that names both."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The username or email and the password do not match. Check them and "
            "try again; the password is case-sensitive."
        ),
    }

    def __init__(self, request=None, *args, **kwargs) -> None:
        super().__init__(request, *args, **kwargs)
        username = cast(CharField, self.fields["username"])
        username.label = _("Username or email")
        # Django sizes the field for a username; an email may be longer.
        username.max_length = MAX_LENGTH
        username.widget.attrs.update(maxlength=MAX_LENGTH, autocomplete="username")
        # Django sets the length on the widget only; this bounds what is looked up
        # and what django-axes stores (a 255-character column).
        username.validators.append(MaxLengthValidator(MAX_LENGTH))

    def clean_username(self) -> str:
        return login_username(self.cleaned_data["username"])


class PortalPasswordResetForm(PasswordResetForm):
    """Django's reset form, answering the same whether or not the email belongs to
    an account: the mail is sent by a task after the request (so the answer does
    not take longer when it does), in the account's language, at most once per
    account in RESET_MAIL_INTERVAL_SECONDS."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ) -> None:
        user = context["user"]
        if not cache.add(
            _recent_mail_key(user.pk), "sent", timeout=RESET_MAIL_INTERVAL_SECONDS
        ):
            logger.info(
                "Password reset mail not sent again so soon: user=%s",
                user.pk,
                extra={"event": "password_reset_mail_skipped", "user": user.pk},
            )
            return
        transaction.on_commit(
            functools.partial(
                _queue_reset_mail,
                user_id=user.pk,
                domain=context["domain"],
                use_https=context["protocol"] == "https",
            )
        )


def _recent_mail_key(user_id: int) -> str:
    return f"portal:password-reset-mail:{user_id}"


def _queue_reset_mail(*, user_id: int, domain: str, use_https: bool) -> None:
    try:
        publish(tasks.password_reset_mail_send, (user_id, domain, use_https))
    except TaskQueueUnavailable:
        cache.delete(_recent_mail_key(user_id))
        # The visitor sees the same answer as for an unknown email; they can ask
        # again. Not raised: a 503 here, and not for an unknown email, would tell
        # that the email has an account.
        logger.warning(
            "Password reset mail not queued, the broker refused it: user=%s",
            user_id,
            extra={"event": "password_reset_mail_not_queued", "user": user_id},
        )
