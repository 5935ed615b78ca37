"""Writes and mail about accounts: a person's language and password reset, the
invitation of a new account, deactivation."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from importlib import import_module

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

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


# --- deactivation ---------------------------------------------------------------------


@transaction.atomic
def users_deactivate(*, users: Iterable[User], by: User | None) -> list[User]:
    """Close the accounts `users`: they can no longer sign in, their signed-in
    sessions end and their API tokens are deleted, at once (not at the next expiry).
    Their records and history stay; `users_reactivate` opens them again, with no
    session or token coming back. Returns the users that were active.

    Nobody closes their own account (ministry staff would lock themselves out of the
    admin): ValidationError, and nothing is closed.
    """
    users = list(users)
    if by is not None and any(user.pk == by.pk for user in users):
        raise ValidationError(
            _("You cannot deactivate your own account."), code="own_account"
        )
    closed = [user for user in users if user.is_active]
    if closed:
        User.objects.filter(pk__in=[user.pk for user in closed]).update(is_active=False)
        for user in closed:
            user.is_active = False
    # Every account of the list, closed now or before: a session or token left from
    # a deactivation made some other way (a bare update) ends too.
    ids = {user.pk for user in users}
    sessions = _sessions_end(ids)
    tokens, _by_model = AuthToken.objects.filter(user_id__in=ids).delete()
    for user in closed:
        logger.info(
            "Account deactivated: user=%s by=%s",
            user.pk,
            by.pk if by is not None else None,
            extra={"event": "account_deactivated", "user": user.pk},
        )
    if sessions or tokens:
        logger.info(
            "Sessions and API tokens of deactivated accounts ended: sessions=%s "
            "tokens=%s",
            sessions,
            tokens,
            extra={"event": "account_access_revoked"},
        )
    return closed


@transaction.atomic
def users_reactivate(*, users: Iterable[User], by: User | None) -> list[User]:
    """Open closed accounts again; their person signs in anew (with their password,
    or the invitation's link if they never set one). Returns the users reopened."""
    opened = [user for user in users if not user.is_active]
    if opened:
        User.objects.filter(pk__in=[user.pk for user in opened]).update(is_active=True)
    for user in opened:
        user.is_active = True
        logger.info(
            "Account reactivated: user=%s by=%s",
            user.pk,
            by.pk if by is not None else None,
            extra={"event": "account_reactivated", "user": user.pk},
        )
    return opened


def _sessions_end(user_ids: set[int]) -> int:
    """Delete the unexpired sessions signed in as any of `user_ids`; how many.

    A session names its user only inside its encoded data, so each unexpired one
    is read: few, since a session ends after SESSION_IDLE_MINUTES without use.
    Deleted through the session engine, so a cached copy goes too.
    """
    engine = import_module(settings.SESSION_ENGINE)
    store_class = engine.SessionStore
    wanted = {str(pk) for pk in user_ids}
    rows = store_class.get_model_class().objects.filter(expire_date__gt=timezone.now())
    doomed = [
        row.session_key
        for row in rows.iterator()
        if str(row.get_decoded().get(SESSION_KEY)) in wanted
    ]
    for key in doomed:
        store_class(session_key=key).delete()
    return len(doomed)
