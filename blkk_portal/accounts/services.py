"""Writes and mail about accounts: a person's language and password reset, the
invitation of a new account, deactivation."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from blkk_portal.celery import TaskQueueUnavailable, publish

from .models import User
from .tokens import invite_timeout, invite_token_generator

logger = logging.getLogger("blkk_portal.security")

RESET_SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
RESET_BODY_TEMPLATE = "registration/password_reset_email.txt"
INVITE_SUBJECT_TEMPLATE = "registration/invite_subject.txt"
INVITE_BODY_TEMPLATE = "registration/invite_email.txt"


def user_set_language(*, user: User, language: str) -> None:
    """Keep `language` (a code of settings.LANGUAGES) as the language of the
    portal's pages for `user`."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": _("Choose one of the offered languages.")})
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])


def reset_link_valid_days() -> int:
    """How many days a mailed reset link works (PASSWORD_RESET_TIMEOUT)."""
    return max(1, settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60))


def password_reset_mail_send(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Mail the user a one-use link to choose a new password, in their language.

    Nothing is sent (False) when the account can no longer be reset that way (it
    was closed, lost its usable password or its email since the request), or when
    the mail server refuses the mail: that is logged, without the address, and the
    person asks again, as the page tells them to when no mail comes.
    """
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": f"{'https' if use_https else 'http'}://{domain}{path}",
        "valid_days": reset_link_valid_days(),
    }
    with translation.override(user.language_code):
        subject = " ".join(render_to_string(RESET_SUBJECT_TEMPLATE, context).split())
        body = render_to_string(RESET_BODY_TEMPLATE, context)
    try:
        EmailMessage(subject, body, to=[user.email]).send()
    except OSError as error:  # SMTP refused, dropped or timed out
        # The error's name only: an SMTP refusal names the address.
        logger.warning(
            "Password reset mail not sent: user=%s error=%s",
            user.pk,
            type(error).__name__,
            extra={"event": "password_reset_mail_failed", "user": user.pk},
        )
        return False
    return True


# --- invitations ----------------------------------------------------------------------


def invite_link_valid_days() -> int:
    """How many days a mailed invitation link works (ACCOUNT_INVITE_DAYS)."""
    return max(1, invite_timeout().days)


def user_awaits_password(user: User) -> bool:
    """Whether `user` can be invited: an active account with an email and no
    password yet (created by an import or by ministry staff without one)."""
    return user.is_active and bool(user.email) and not user.has_usable_password()


def users_invite(*, users: Iterable[User], domain: str, use_https: bool) -> list[User]:
    """Queue the invitation mail of each of `users` that awaits its password, once
    the surrounding transaction commits (nothing is mailed for accounts that are
    then rolled back). Returns the users invited; the others are skipped.

    A broker that refuses the task is logged and not raised: the accounts stay, and
    ministry staff send the invitation again from the admin."""
    invited = [user for user in users if user_awaits_password(user)]
    for user in invited:
        transaction.on_commit(
            functools.partial(
                _queue_invite_mail,
                user_id=user.pk,
                domain=domain,
                use_https=use_https,
            )
        )
    return invited


def _queue_invite_mail(*, user_id: int, domain: str, use_https: bool) -> None:
    # Imported here: the tasks module wraps this one.
    from . import tasks

    try:
        publish(tasks.user_invite_mail_send, (user_id, domain, use_https))
    except TaskQueueUnavailable:
        logger.warning(
            "Invitation mail not queued, the broker refused it: user=%s",
            user_id,
            extra={"event": "invite_mail_not_queued", "user": user_id},
        )


def user_invite_mail_send(*, user_id: int, domain: str, use_https: bool) -> bool:
    """Mail a new account's person a link to set their password, in their language
    (Indonesian unless the account says otherwise), valid ACCOUNT_INVITE_DAYS.

    Nothing is sent (False) when the account no longer awaits its password (it was
    deactivated, lost its email or got a password since), or when the mail server
    refuses the mail: that is logged, without the address, and ministry staff send
    the invitation again from the admin (the accounts still waiting are listed
    there with "Password set: no").
    """
    user = User.objects.filter(pk=user_id).first()
    if user is None or not user_awaits_password(user):
        return False
    path = reverse(
        "account_invite_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": invite_token_generator.make_token(user),
        },
    )
    context = {
        "user": user,
        "link": f"{'https' if use_https else 'http'}://{domain}{path}",
        "valid_days": invite_link_valid_days(),
        "login_link": f"{'https' if use_https else 'http'}://{domain}{reverse('login')}",
    }
    with translation.override(user.language_code):
        context["role"] = user.get_role_display()
        subject = " ".join(render_to_string(INVITE_SUBJECT_TEMPLATE, context).split())
        body = render_to_string(INVITE_BODY_TEMPLATE, context)
    try:
        EmailMessage(subject, body, to=[user.email]).send()
    except OSError as error:  # SMTP refused, dropped or timed out
        logger.warning(
            "Invitation mail not sent: user=%s error=%s",
            user.pk,
            type(error).__name__,
            extra={"event": "invite_mail_failed", "user": user.pk},
        )
        return False
    logger.info(
        "Invitation mail sent: user=%s",
        user.pk,
        extra={"event": "invite_mail_sent", "user": user.pk},
    )
    return True
