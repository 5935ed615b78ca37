"""API token authentication: django-rest-knox's tokens, checked in one query.

knox 5.1's `TokenAuthentication` finds the tokens whose `token_key` (the first 15
characters, indexed) matches, joined to their user, and then, for each, reads every
token the same user owns to delete the expired ones (`_cleanup_token`): two queries
on every request, the second growing with the user's devices and integrations
(issue #14: 18% of a trainee page). This class keeps every property of knox's check
and drops the second query from the ordinary request:

- one query: the tokens with the presented `token_key`, `select_related("user")`;
- the presented token's digest (SHA-512 of the whole token) is compared with
  `hmac.compare_digest`, in constant time, as knox does; a token that does not match
  answers 401 `Invalid token.`, and so does one that is not UTF-8 (knox answered 500);
- an expired token is refused (401) and deleted, and the deletion is kept although
  the request fails (`ExpiredToken`: see `blkk_portal.api.exceptions`);
- a user who is not active is refused (401);
- with `AUTO_REFRESH`, the expiry slides forward, but it is written only when it
  moves by more than `MIN_REFRESH_INTERVAL` seconds (knox's rule, 60 s by default),
  capped by `AUTO_REFRESH_MAX_TTL`; a token revoked meanwhile is not brought back
  (an UPDATE, not knox's `save()`, which answered 500 in that race);
- the user's other expired tokens are deleted when that write happens, instead of on
  every request (and on each sign-in: `blkk_portal.api.auth`). `token_expired` is
  sent for each deleted token, as knox sends it.
"""

from __future__ import annotations

import binascii
import logging
from hmac import compare_digest

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
from rest_framework import exceptions

logger = logging.getLogger(__name__)

INVALID_TOKEN = _("Invalid token.")


class ExpiredToken(exceptions.AuthenticationFailed):
    """An expired token, deleted: 401 like any bad token, but the deletion is kept
    (the exception handler does not roll the request's transaction back for it)."""

    default_detail = INVALID_TOKEN


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's token check in one indexed query (see the module docstring)."""

    def authenticate_credentials(self, token):
        try:
            token = token.decode("utf-8")
            digest = hash_token(token)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise exceptions.AuthenticationFailed(INVALID_TOKEN) from None
        now = timezone.now()
        candidates = get_token_model().objects.filter(
            token_key=token[: CONSTANTS.TOKEN_KEY_LENGTH]
        )
        expired = False
        # Usually one row; two tokens may share a key only by a 1-in-16**15 chance.
        for auth_token in candidates.select_related("user"):
            if auth_token.expiry is not None and auth_token.expiry < now:
                self._delete_expired(auth_token, source="auth_token")
                expired = True
                continue
            if compare_digest(digest, auth_token.digest):
                user_and_token = self.validate_user(auth_token)
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return user_and_token
        if expired:
            raise ExpiredToken
        raise exceptions.AuthenticationFailed(INVALID_TOKEN)

    def renew_token(self, auth_token) -> None:
        current_expiry = auth_token.expiry
        new_expiry = timezone.now() + knox_settings.TOKEN_TTL
        if knox_settings.AUTO_REFRESH_MAX_TTL is not None:
            new_expiry = min(
                new_expiry, auth_token.created + knox_settings.AUTO_REFRESH_MAX_TTL
            )
        auth_token.expiry = new_expiry
        # Written at most once per MIN_REFRESH_INTERVAL, not on every request.
        if (new_expiry - current_expiry).total_seconds() <= (
            knox_settings.MIN_REFRESH_INTERVAL
        ):
            return
        tokens = get_token_model().objects
        tokens.filter(digest=auth_token.digest).update(expiry=new_expiry)
        others = tokens.filter(
            user_id=auth_token.user_id, expiry__lt=timezone.now()
        ).exclude(digest=auth_token.digest)
        deleted, _by_model = others.delete()
        username = auth_token.user.get_username()
        for _token in range(deleted):
            token_expired.send(
                sender=type(self), username=username, source="other_token"
            )

    def _delete_expired(self, auth_token, *, source: str) -> None:
        username = auth_token.user.get_username()
        get_token_model().objects.filter(digest=auth_token.digest).delete()
        token_expired.send(sender=type(self), username=username, source=source)


class PortalTokenScheme(KnoxTokenScheme):
    """The schema's `knoxApiToken` security scheme, for this subclass too (the
    extension matches its target class exactly)."""

    target_class = "blkk_portal.api.authentication.TokenAuthentication"
