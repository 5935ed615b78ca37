"""The token of an invitation link: Django's password reset token, kept apart.

A new account is created without a password and its person is mailed a link to set
one (`services.user_invite_mail_send`). The link carries a token of Django's reset
machinery with its own salt, so a reset token does not open the invitation page nor
the other way round, and its own lifetime, `ACCOUNT_INVITE_DAYS` (a reset link lasts
`PASSWORD_RESET_TIMEOUT`). Like a reset token it is made from the account's password
hash and last sign-in, so it works once: setting the password ends it, and so does
every other link mailed before.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int


def invite_timeout() -> datetime.timedelta:
    return datetime.timedelta(days=settings.ACCOUNT_INVITE_DAYS)


class InviteTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "blkk_portal.accounts.tokens.InviteTokenGenerator"

    def check_token(self, user, token) -> bool:
        # Django's check, against ACCOUNT_INVITE_DAYS instead of the reset timeout
        # (which Django's method reads from the settings directly).
        if not (user and token):
            return False
        try:
            ts_b36, _hash = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return False
        if not any(
            constant_time_compare(
                self._make_token_with_timestamp(user, timestamp, secret), token
            )
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        age = self._num_seconds(self._now()) - timestamp
        return age <= invite_timeout().total_seconds()


invite_token_generator = InviteTokenGenerator()
