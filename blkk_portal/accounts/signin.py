"""Signing in with a username or an email, counted against one account.

The sign-in page's `username` field takes either. An email names an account only
when exactly one active user has it (compared without regard to case); otherwise
what was typed is tried as a username, and fails like any unknown one.

django-axes locks the account after AXES_FAILURE_LIMIT failures whichever spelling
was typed: `axes_username` (settings `AXES_USERNAME_CALLABLE`) turns an email into
the username of the account it names before axes counts a failure or checks a
lockout, so five wrong passwords typed with the username, the email or a mix of the
two lock the same account, and the lock holds for both spellings.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest

# Long enough for any email address (RFC 5321: 254 characters), and below the 255
# characters of the column django-axes stores the attempted username in.
MAX_LENGTH = 254


def login_username(typed: str) -> str:
    """The username that `typed` (a username or an email) signs in as."""
    user_model = get_user_model()
    if not _could_be_email(typed) or user_model.objects.filter(username=typed).exists():
        return typed
    usernames = list(
        user_model.objects.filter(email__iexact=typed, is_active=True).values_list(
            "username", flat=True
        )[:2]
    )
    return usernames[0] if len(usernames) == 1 else typed


def axes_username(
    request: HttpRequest, credentials: dict[str, Any] | None = None
) -> str | None:
    """django-axes' AXES_USERNAME_CALLABLE: the account a sign-in attempt is
    counted against. Axes passes the credentials given to `authenticate()` when it
    has them, else only the request (its posted `username`)."""
    if credentials and credentials.get("username") is not None:
        typed = credentials["username"]
    else:
        data = getattr(request, "data", None) or request.POST
        typed = data.get("username")
    if not isinstance(typed, str) or not _could_be_email(typed):
        return typed
    # Axes asks several times per attempt (lockout check, failure count, record):
    # one lookup per request and spelling.
    memo = getattr(request, "_portal_login_usernames", None)
    if memo is None:
        memo = {}
        request._portal_login_usernames = memo  # type: ignore[attr-defined]
    if typed not in memo:
        memo[typed] = login_username(typed)
    return memo[typed]


def _could_be_email(typed: str) -> bool:
    # A NUL byte would fail the database query; forms refuse it before this anyway.
    return "@" in typed and len(typed) <= MAX_LENGTH and "\x00" not in typed
