"""Writes and mail about a person's own account: their language, a password reset."""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from .models import User

logger = logging.getLogger("blkk_portal.security")

RESET_SUBJECT_TEMPLATE = "registration/password_reset_subject.txt"
RESET_BODY_TEMPLATE = "registration/password_reset_email.txt"


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
